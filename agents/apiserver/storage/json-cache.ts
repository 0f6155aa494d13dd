// Each stored object is serialized once: the watch cache does it as the change arrives, and every
// list and every watcher that sends that object reuses the text. Objects in the cache are never
// mutated (writers build new objects), so the text cannot go stale.
const texts = new WeakMap<object, string>();

export function jsonOf(obj: object): string {
  let s = texts.get(obj);
  if (s === undefined) {
    s = JSON.stringify(obj);
    texts.set(obj, s);
  }
  return s;
}

/**
 * Drop an object's text once a newer version has replaced it in the cache. The old version stays
 * in the history for watchers that resume from an older resourceVersion, rare enough to
 * serialize it again; kept, those texts were ~1.5 KB for each of the 4096 pod versions it held.
 */
export function forgetJson(obj: object): void {
  texts.delete(obj);
}
