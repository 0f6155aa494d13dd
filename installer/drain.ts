// Drain like `kubectl drain`: cordon, then evict every pod through the Eviction API
// (POST pods/NAME/eviction), so PodDisruptionBudgets are honoured: the apiserver answers
// 429 TooManyRequests while a budget forbids the eviction, and we try that pod again every few
// seconds, bounded (kubectl drain retries 429 every 5 s until its --timeout). DaemonSet pods
// stay (their controller would put them back) and mirror pods cannot be evicted. Then we wait
// for the evicted pods to be gone and delete the Node.
import { isNotFound, isTooManyRequests } from '../agents/api/errors';
import { R } from '../agents/api/resources';
import type { KubeObject } from '../agents/api/types';
import type { ApiClient } from '../agents/client';

type Pod = KubeObject & {
  metadata?: {
    name?: string;
    namespace?: string;
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string }[];
  };
};

/** The pods a drain evicts: not DaemonSet's, not mirror pods. */
export function podsToEvict(pods: Pod[]): Pod[] {
  return pods.filter(
    (p) =>
      !p.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet') &&
      !p.metadata?.annotations?.['kubernetes.io/config.mirror'],
  );
}

export const evictionFor = (p: Pod): KubeObject => ({
  apiVersion: 'policy/v1',
  kind: 'Eviction',
  metadata: { name: p.metadata?.name, namespace: p.metadata?.namespace },
});

export interface DrainOptions {
  boundMs: number;
  retryMs?: number;
  onRetry?: (pod: string, why: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function drainAndDeleteNode(client: ApiClient, name: string, o: DrainOptions): Promise<string> {
  try {
    await client.patch(R.nodes, undefined, name, 'merge', { spec: { unschedulable: true } });
  } catch (err) {
    if (isNotFound(err)) return 'no Node object';
    throw err;
  }
  const deadline = Date.now() + o.boundMs;
  const onNode = async () =>
    (await client.list<Pod>(R.pods, { fieldSelector: `spec.nodeName=${name}` })).items;
  const pending = new Map(
    podsToEvict(await onNode()).map((p) => [`${p.metadata?.namespace}/${p.metadata?.name}`, p]),
  );
  const evicted = pending.size;
  while (pending.size) {
    for (const [key, p] of pending) {
      try {
        await client.createSubresource(
          R.pods,
          p.metadata?.namespace,
          p.metadata?.name ?? '',
          'eviction',
          evictionFor(p),
        );
        pending.delete(key);
      } catch (err) {
        if (isNotFound(err)) pending.delete(key);
        else if (isTooManyRequests(err)) o.onRetry?.(key, (err as Error).message);
        else throw err;
      }
    }
    if (!pending.size) break;
    if (Date.now() > deadline)
      throw new Error(
        `drain ${name}: ${[...pending.keys()].join(', ')} still not evictable after ${o.boundMs / 1000}s (a PodDisruptionBudget forbids it)`,
      );
    await sleep(o.retryMs ?? 5000);
  }
  // Evicted pods terminate gracefully; the Node goes once they are gone.
  while (podsToEvict(await onNode()).length) {
    if (Date.now() > deadline)
      throw new Error(`drain ${name}: evicted pods still terminating after ${o.boundMs / 1000}s`);
    await sleep(1000);
  }
  await client.delete(R.nodes, undefined, name).catch((err) => {
    if (!isNotFound(err)) throw err;
  });
  return `cordoned, ${evicted} pod(s) evicted, Node deleted`;
}
