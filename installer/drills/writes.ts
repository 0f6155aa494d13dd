// The control-plane drills' write probe: while the master restarts, create a small ConfigMap in
// the drill namespace every half second and remember each one the apiserver acknowledged (201).
// Afterwards every acknowledged write must still be there (no write lost across an etcd or
// apiserver restart) and a watch started before the fault must have delivered each of them
// (the watcher resumed after the restart instead of silently stopping).

import { R } from '../../agents/api/resources';
import { type ApiClient, createInformer, type Logger } from '../../agents/client';
import type { KConfigMap as ConfigMap } from './types';
import { NAMESPACE } from './workload';

export const WRITE_LABEL = 'nodekube.drill/write';
const quiet: Logger = { info() {}, error() {} };

export interface WriteProbe {
  acknowledged: string[];
  attempted(): number;
  stop(): Promise<void>;
  /** Acknowledged names missing from a fresh list, and those our watch never saw (bounded wait). */
  check(boundMs: number): Promise<{ lost: string[]; unseen: string[] }>;
}

export async function startWriteProbe(client: ApiClient, everyMs = 500): Promise<WriteProbe> {
  const watcher = createInformer<ConfigMap>(client, R.configmaps, {
    namespace: NAMESPACE,
    labelSelector: `${WRITE_LABEL}=1`,
    log: quiet,
  });
  const seen = new Set<string>();
  watcher.addEventHandler({ add: (cm) => seen.add(cm.metadata?.name ?? '') });
  watcher.start();
  await watcher.waitForSync();
  const acknowledged: string[] = [];
  let n = 0;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    const name = `drill-write-${Date.now()}-${n++}`;
    try {
      await client.create<ConfigMap>(R.configmaps, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: NAMESPACE, labels: { [WRITE_LABEL]: '1' } },
        data: { n: String(n) },
      });
      acknowledged.push(name);
    } catch {
      // not acknowledged: the apiserver or etcd is down; nothing was promised
    } finally {
      busy = false;
    }
  }, everyMs);
  return {
    acknowledged,
    attempted: () => n,
    async stop() {
      clearInterval(timer);
      while (busy) await new Promise((r) => setTimeout(r, 50));
    },
    async check(boundMs) {
      const deadline = Date.now() + boundMs;
      while (Date.now() < deadline && acknowledged.some((a) => !seen.has(a)))
        await new Promise((r) => setTimeout(r, 500));
      watcher.stop();
      const present = new Set(
        (
          await client.list<ConfigMap>(R.configmaps, {
            namespace: NAMESPACE,
            labelSelector: `${WRITE_LABEL}=1`,
          })
        ).items.map((c) => c.metadata?.name ?? ''),
      );
      return {
        lost: acknowledged.filter((a) => !present.has(a)),
        unseen: acknowledged.filter((a) => !seen.has(a)),
      };
    },
  };
}
