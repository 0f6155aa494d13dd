// Query parameters as upstream's parameter codec reads them (apimachinery
// pkg/runtime/conversion.go, Convert_Slice_string_To_bool; requestinfo.go decides `watch` the
// same way). Not Go's strconv.ParseBool: only an absent parameter, `0`, or `false` in any case
// mean false; every other value — `true`, `True` (the Python client's spelling), `1`, `yes`,
// even an empty `?watch=` — means true, and none is rejected.
//
//   ?watch=True → true    ?watch=FALSE → false    ?watch= → true    (absent) → false

/** A boolean query parameter, read from its first value. */
export function queryBool(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null) return false;
  return !(value === '0' || value.toLowerCase() === 'false');
}
