// What one watcher sees of a change (upstream: storage/cacher/cacher.go, cacheWatcher.convertToWatchEvent).
// A watcher with a selector sees an object enter and leave its selection as ADDED and DELETED,
// even though the object itself was only modified:
//
//   before matched | after matches | event sent
//   no             | yes           | ADDED
//   yes            | yes           | MODIFIED (or the change's own ADDED/DELETED)
//   yes            | no            | DELETED (carrying the new state)
//   no             | no            | nothing

import type { KubeObject, WatchEventType } from '../api/types';
import type { Predicate } from './list';
import type { Change } from './storage/etcd-watch';

export function visibleChange(
  c: Change,
  match: Predicate,
): { type: WatchEventType; object: KubeObject } | null {
  if (c.type === 'DELETED') return match(c.obj) ? { type: 'DELETED', object: c.obj } : null;
  const now = match(c.obj);
  const before = c.prev !== undefined && c.type === 'MODIFIED' && match(c.prev);
  if (now && before) return { type: 'MODIFIED', object: c.obj };
  if (now) return { type: 'ADDED', object: c.obj };
  if (before) return { type: 'DELETED', object: c.obj };
  return null;
}
