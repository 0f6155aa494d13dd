// What a relist means for handlers (delta_fifo.go's Replace): the fresh list is the truth, so
// objects new to the cache are adds, objects whose resourceVersion moved are updates, and cached
// objects missing from the list were deleted while we were not watching (delivered with the last
// state we knew). Unchanged objects produce nothing, so a relist never duplicates an event.

import { type KubeObject, objectKey } from '../api/types';

export type CacheDelta<T> =
  | { type: 'add'; obj: T; old?: undefined }
  | { type: 'update'; old: T; obj: T }
  | { type: 'delete'; obj: T; old?: undefined };

export function diffAgainstCache<T extends KubeObject>(
  cache: ReadonlyMap<string, T>,
  items: readonly T[],
): CacheDelta<T>[] {
  const deltas: CacheDelta<T>[] = [];
  const seen = new Set<string>();
  for (const obj of items) {
    const key = objectKey(obj);
    seen.add(key);
    const old = cache.get(key);
    if (!old) deltas.push({ type: 'add', obj });
    else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion)
      deltas.push({ type: 'update', old, obj });
  }
  for (const [key, old] of cache) if (!seen.has(key)) deltas.push({ type: 'delete', obj: old });
  return deltas;
}
