// etcd keeps every revision until someone compacts it; upstream's apiserver does so every five
// minutes (storage/etcd3/compact.go). We compact to the revision seen one interval ago, so a
// watcher may resume from anything newer than that.

import type { Logger } from '../../api/log';
import type { EtcdStore } from './etcd-store';

export function startCompactor(store: EtcdStore, intervalMs: number, log: Logger): { stop(): void } {
  let previous = 0;
  const tick = async () => {
    try {
      const current = await store.currentRevision();
      if (previous > 0 && previous < current) await store.compact(previous);
      previous = current;
    } catch (err) {
      log.warn('etcd compaction failed', { error: err instanceof Error ? err.message : String(err) });
    }
  };
  const timer = intervalMs > 0 ? setInterval(() => void tick(), intervalMs) : undefined;
  timer?.unref();
  return { stop: () => timer && clearInterval(timer) };
}
