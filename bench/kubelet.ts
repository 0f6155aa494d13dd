// Pod start-up latency on one kubelet over the real Docker engine: create → Running as a watch
// sees it (the pod startup SLO's shape: research-controlplane-perf.md; SLO 5 s p99, our goal
// p99 ≤ 2 s). 30 pods created at 5 pods/s, already bound to the node (no scheduler), image
// present (no pull). Beside it, in the same run, the limit underneath: the docker CLI starting the
// same containers (a pause container, then the app container in its network namespace) at the
// same rate, timed from the first `docker run` to the app's `docker run -d` returning.
// Prints JSON: `node --import tsx bench/kubelet.ts`.

import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Pod } from 'kubernetes-types/core/v1';
import { DEFAULT_PAUSE_IMAGE } from '../agents/kubelet/pause-image';
import { startControlPlane } from '../test/support/apiserver';
import { BUSYBOX_IMAGE, ensureBusyboxImage } from '../test/support/docker';
import { createPod, startTestNode } from '../test/support/kubelet';
import { compare, summarize } from './lib/report';

const PODS = Number(process.env.BENCH_KUBELET_PODS ?? 30);
const RATE = Number(process.env.BENCH_KUBELET_RATE ?? 5);

const docker = (args: string[]) => promisify(execFile)('docker', args, { timeout: 120_000 });

/** The same containers started with the docker CLI at the same rate: seconds per pod. */
async function dockerCliBaseline(): Promise<number[]> {
  const label = 'nodekube.bench=kubelet-baseline';
  const seconds: number[] = [];
  const t0 = Date.now();
  try {
    await Promise.all(
      Array.from({ length: PODS }, async (_, i) => {
        await new Promise((r) => setTimeout(r, (i * 1000) / RATE - (Date.now() - t0)));
        const start = Date.now();
        const pause = (
          await docker(['run', '-d', '--label', label, '--net=none', DEFAULT_PAUSE_IMAGE])
        ).stdout.trim();
        await docker(['run', '-d', '--label', label, `--net=container:${pause}`, BUSYBOX_IMAGE]);
        seconds.push((Date.now() - start) / 1000);
      }),
    );
  } finally {
    const ids = (await docker(['ps', '-aq', '--filter', `label=${label}`])).stdout
      .split('\n')
      .filter(Boolean);
    if (ids.length) await docker(['rm', '-f', '-v', ...ids]);
  }
  return seconds;
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
  await ensureBusyboxImage();
  const baseline = summarize(await dockerCliBaseline(), 's');
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
      .map((n) => ((watch.seen.get(n) ?? 0) - (created.get(n) ?? 0)) / 1000);
    const kubelet = summarize(latencies, 's');
    return {
      headline: [
        compare(
          `kubelet: pod create → Running seen on a watch, p50 of ${PODS} pods at ${RATE}/s, vs docker CLI run of the same containers`,
          kubelet.p50,
          baseline.p50,
          's',
          'ratio ≤ 1.5',
        ),
      ],
      pods: PODS,
      ratePerSecond: RATE,
      running: latencies.length,
      kubeletCreateToRunning: kubelet,
      dockerCliSameContainers: baseline,
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
