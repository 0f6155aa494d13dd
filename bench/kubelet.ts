// Pod start-up latency on one kubelet over the real Docker engine: create → Running as a watch
// sees it (the pod startup SLO's shape: research-controlplane-perf.md; SLO 5 s p99, our goal
// p99 ≤ 2 s). 30 pods created at 5 pods/s, already bound to the node (no scheduler), image
// present (no pull). Beside it, in the same run, the limit underneath: the docker CLI starting the
// same containers (a pause container, then the app container in its network namespace) at the
// same rate, timed from the first `docker run` to the app's `docker run -d` returning.
// Prints JSON: `node --import tsx bench/kubelet.ts`.

import { startControlPlane } from '../test/support/apiserver';
import { BUSYBOX_IMAGE, ensureBusyboxImage } from '../test/support/docker';
import { createPod, startTestNode } from '../test/support/kubelet';
import { dockerRunPods } from './lib/docker-cli';
import { watchPods } from './lib/pod-watch';
import { compare, runWhenMain, summarize } from './lib/report';

const PODS = Number(process.env.BENCH_KUBELET_PODS ?? 30);
const RATE = Number(process.env.BENCH_KUBELET_RATE ?? 5);

export async function run(): Promise<unknown> {
  await ensureBusyboxImage();
  const baseline = summarize((await dockerRunPods('kubelet-baseline', PODS, 1000 / RATE)).perPodSeconds, 's');
  const cp = await startControlPlane({ name: 'apiserver-bench-kubelet' });
  const node = await startTestNode('bench-kubelet', cp, [
    '--sync-frequency=10s',
    '--node-status-update-frequency=10s',
  ]);
  const abort = new AbortController();
  try {
    const names = Array.from({ length: PODS }, (_, i) => `bench-${i}`);
    const watch = watchPods(cp.url, new Set(names), abort.signal);
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
      .filter((n) => watch.running.has(n))
      .map((n) => ((watch.running.get(n) ?? 0) - (created.get(n) ?? 0)) / 1000);
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

runWhenMain(import.meta.url, run);
