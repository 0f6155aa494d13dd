// One copy of each repeated string in the objects a cache keeps.
//
// JSON.parse gives every string value its own copy, so 10k pods in an informer hold 10k copies of
// "default-scheduler", "ClusterFirst", "node.kubernetes.io/not-ready", the node's name and the
// second they started: in heap snapshots of the scheduler with 10k pods, 8.4 of its 18.7 MiB of
// strings were such copies (17.4 of 42.5 MiB in the apiserver). Go's client-go keeps the copies
// too; a JavaScript string costs at least 16 bytes of header on top of its characters.
//
// The table forgets everything when it fills, so values seen once (names, uids, IPs) cannot grow
// it without bound: after a reset the repeated values come back in at once, and objects decoded
// before it keep their copies.

/** Longer values are seldom repeated (JSON text, certificates, annotations). */
const MAX_LENGTH = 64;
/** Entries before the table is emptied: at ~100 bytes each, ~1.6 MiB at most. */
const TABLE_SIZE = 16_384;

let table = new Map<string, string>();

function shared(s: string): string {
  const seen = table.get(s);
  if (seen !== undefined) return seen;
  if (table.size >= TABLE_SIZE) table = new Map();
  table.set(s, s);
  return s;
}

/**
 * Replace, in place, each short string value inside `value` (an object parsed from JSON, so a
 * tree: no cycles) by the one copy the table keeps; returns `value`. Keys need nothing: V8
 * already keeps one copy of each property name. A frozen object is already someone's shared
 * copy and is left as it is.
 */
export function internStrings<T>(value: T): T {
  if (Object.isFrozen(value)) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (typeof v === 'string') {
        if (v.length <= MAX_LENGTH) value[i] = shared(v);
      } else if (v !== null && typeof v === 'object') internStrings(v);
    }
  } else if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const k in o) {
      const v = o[k];
      if (typeof v === 'string') {
        if (v.length <= MAX_LENGTH) o[k] = shared(v);
      } else if (v !== null && typeof v === 'object') internStrings(v);
    }
  }
  return value;
}
