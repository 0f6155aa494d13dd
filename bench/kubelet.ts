// Pod start-up latency on one kubelet over the real Docker engine: create → Running as a watch
// sees it (the pod startup SLO's shape: research-controlplane-perf.md; SLO 5 s p99, our goal
// p99 ≤ 2 s). 30 pods created at 5 pods/s, already bound to the node (no scheduler), image
// present (no pull). Prints JSON: `node --import tsx bench/kubelet.ts`.

import { pathToFileURL } from 'node:url';
import type { Pod } from 'kubernetes-types/core/v1';
import { startControlPlane } from '../test/support/apiserver';
import { BUSYBOX_IMAGE } from '../test/support/docker';
import { createPod, startTestNode } from '../test/support/kubelet';

const PODS = Number(process.env.BENCH_KUBELET_PODS ?? 30);
const RATE = Number(process.env.BENCH_KUBELET_RATE ?? 5);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Resolve with the time each pod was first seen Running, read from one watch stream. */
function watchRunning(
  url: string,
  names: Set<string>,
  signal: AbortSignal,
): { seen: Map<string, number>; done: Promise<void> } {
  const seen = new Map<string, number>();
  const done = (async () => {
    const res = await fetch(`${url}/api/v1/namespaces/default/pods?watch=true`, { signal });
    const reader = res.body?.getReader();
    if (!reader) throw new Error('no watch body');
    let partial = '';
    while (seen.size < names.size) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      const lines = (partial + Buffer.from(value).toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        const ev = JSON.parse(line) as { object: Pod };
        const name = ev.object.metadata?.name ?? '';
        if (names.has(name) && !seen.has(name) && ev.object.status?.phase === 'Running')
          seen.set(name, Date.now());
      }
    }
    await reader.cancel().catch(() => undefined);
  })();
  return { seen, done };
}

export async function run(): Promise<unknown> {
  const cp = await startControlPlane({ name: 'apiserver-bench-kubelet' });
  const node = await startTestNode('bench-kubelet', cp, [
    '--sync-frequency=10s',
    '--node-status-update-frequency=10s',
  ]);
  const abort = new AbortController();
  try {
    const names = Array.from({ length: PODS }, (_, i) => `bench-${i}`);
    const watch = watchRunning(cp.url, new Set(names), abort.signal);
    await new Promise((r) => setTimeout(r, 200)); // let the watch start
    const created = new Map<string, number>();
    const t0 = Date.now();
    await Promise.all(
      names.map(async (name, i) => {
        await new Promise((r) => setTimeout(r, (i * 1000) / RATE - (Date.now() - t0)));
        created.set(name, Date.now());
        await createPod(cp, {
          metadata: { name, namespace: 'default' },
          spec: {
            nodeName: node.nodeName,
            terminationGracePeriodSeconds: 1,
            containers: [{ name: 'c', image: BUSYBOX_IMAGE, imagePullPolicy: 'IfNotPresent' }],
          },
        });
      }),
    );
    const deadline = setTimeout(() => abort.abort(), 120_000);
    await watch.done.catch(() => undefined);
    clearTimeout(deadline);
    const latencies = names
      .filter((n) => watch.seen.has(n))
      .map((n) => ((watch.seen.get(n) ?? 0) - (created.get(n) ?? 0)) / 1000)
      .sort((a, b) => a - b);
    return {
      pods: PODS,
      ratePerSecond: RATE,
      running: latencies.length,
      p50Seconds: percentile(latencies, 50),
      p90Seconds: percentile(latencies, 90),
      p99Seconds: percentile(latencies, 99),
      maxSeconds: latencies[latencies.length - 1],
      goalP99Seconds: 2,
    };
  } finally {
    abort.abort();
    await node.stop();
    await cp.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
