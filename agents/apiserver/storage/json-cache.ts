// Each stored object's JSON text, kept while its change is in the watch cache's history: then
// every watcher it is sent to, and every list while the resource is busy, reuses one
// serialization. Objects in the cache are never mutated (writers build new objects), so a kept
// text cannot go stale.
//
// Once the change leaves the history (75 s, change-log.ts) a list serializes the object again, as
// upstream's does: its cachingObject lives with the watch event, not with the stored object.
// Kept for every object's life, the texts were 21 of the apiserver's 69.5 MiB of live heap with
// 10k pods, for lists a cluster at rest seldom serves; a list of 10k pods now takes ~60 ms more
// (bench/results/2026-12-03-vm-memory-evening.json).
const texts = new WeakMap<object, string>();

/** Serialize now, while the change is hot, for the watchers and lists to come. */
export function keepJson(obj: object): void {
  if (!texts.has(obj)) texts.set(obj, JSON.stringify(obj));
}

/** The kept text, or the object serialized now and not kept. */
export function jsonOf(obj: object): string {
  return texts.get(obj) ?? JSON.stringify(obj);
}

/**
 * Drop an object's text: a newer version replaced it in the cache (the old one stays in the
 * history for watchers that resume from an older resourceVersion, rare enough to serialize it
 * again), or its change left the history.
 */
export function forgetJson(obj: object): void {
  texts.delete(obj);
}
