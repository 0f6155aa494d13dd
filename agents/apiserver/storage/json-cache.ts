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
