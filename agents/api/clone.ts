// A deep copy of a JSON value (what API objects are: parsed from a body or from etcd). Written by
// hand because structuredClone goes through V8's serializer: for a pod it took 6.6 µs here against
// 0.7 µs for this walk, and the apiserver copies an object two or three times per write.
// Only plain objects, arrays and primitives are expected; `undefined` members are kept as such.

export function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = cloneJson((value as Record<string, unknown>)[key]);
  return out as T;
}
