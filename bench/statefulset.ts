// A 20-replica StatefulSet with podManagementPolicy Parallel, from create to all 20 pods Running
// as a watch sees them (issue #10's goal: ≤ 30 s), through every real part on the way: the
// StatefulSet controller in the controller-manager creates the pods, the scheduler binds them,
// one kubelet over this machine's Docker engine starts them (a pause container, then busybox's
// sleep loop; image present, no volumes). The watch also notes when each pod was first seen and
// first seen bound, so the time splits into controller → scheduler → kubelet.
//
// The limit, in the same run on the same machine: the docker CLI starting the same 20 pods'
// containers at once (lib/docker-cli.ts, the kubelet bench's baseline), first `docker run` to the
// last app container's `docker run -d` returning. Every container, pod and process is removed or
// stopped before this returns.
// Sizes: BENCH_STS_REPLICAS. Prints JSON: `node --import tsx bench/statefulset.ts`.

import { startControlPlane } from '../test/support/apiserver';
import { BUSYBOX_IMAGE, ensureBusyboxImage } from '../test/support/docker';
import { api, startTestNode } from '../test/support/kubelet';
import { freePort } from '../test/support/ports';
import { type Started, startAgent, waitForHttpOk } from '../test/support/process';
import { dockerRunPods } from './lib/docker-cli';
import { watchPods } from './lib/pod-watch';
import { compare, runWhenMain, summarize } from './lib/report';

const REPLICAS = Number(process.env.BENCH_STS_REPLICAS ?? 20);
const SET = 'bench-sts';
const DEADLINE_MS = 180_000;

const statefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: SET, namespace: 'default' },
  spec: {
    replicas: REPLICAS,
    podManagementPolicy: 'Parallel',
    serviceName: SET,
    selector: { matchLabels: { app: SET } },
    template: {
      metadata: { labels: { app: SET } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'sleep', image: BUSYBOX_IMAGE, imagePullPolicy: 'IfNotPresent' }],
      },
    },
  },
};

interface NodeStatus {
  status?: { conditions?: { type: string; status: string }[] };
}

/** Poll the Node until its kubelet reports Ready=True (the scheduler places nothing before). */
async function waitForNodeReady(apiUrl: string, nodeName: string, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${apiUrl}/api/v1/nodes/${nodeName}`);
    const node = res.ok ? ((await res.json()) as NodeStatus) : undefined;
    if (node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`node ${nodeName} not Ready within 60 s; see ${logFile}`);
}

/** Seconds from `t0` until the last of the pods was seen in `at` (NaN when one never was). */
const lastAfter = (at: Map<string, number>, count: number, t0: number) =>
  at.size < count ? Number.NaN : Number(((Math.max(...at.values()) - t0) / 1000).toFixed(2));

export async function run(): Promise<unknown> {
  await ensureBusyboxImage();
  const docker = await dockerRunPods('statefulset-baseline', REPLICAS, 0);
  const cp = await startControlPlane({ name: 'apiserver-bench-sts' });
  const agents: Started[] = [];
  const abort = new AbortController();
  let node: Awaited<ReturnType<typeof startTestNode>> | undefined;
  try {
    const [cmPort, schedulerPort] = [await freePort(), await freePort()];
    const common = [`--master=${cp.url}`, '--bind-address=127.0.0.1', '--leader-elect=false'];
    const cm = startAgent('controller-manager-bench-sts', 'controller-manager', [
      ...common,
      `--port=${cmPort}`,
    ]);
    agents.push(cm);
    const scheduler = startAgent('scheduler-bench-sts', 'scheduler', [...common, `--port=${schedulerPort}`]);
    agents.push(scheduler);
    node = await startTestNode('bench-sts', cp, [
      '--sync-frequency=10s',
      '--node-status-update-frequency=10s',
    ]);
    await waitForHttpOk(`http://127.0.0.1:${cmPort}/healthz`, 60_000, cm.logFile);
    await waitForHttpOk(`http://127.0.0.1:${schedulerPort}/healthz`, 60_000, scheduler.logFile);
    await waitForNodeReady(cp.url, node.nodeName, node.kubelet.logFile);

    const names = Array.from({ length: REPLICAS }, (_, i) => `${SET}-${i}`);
    const watch = watchPods(cp.url, new Set(names), abort.signal);
    await new Promise((r) => setTimeout(r, 200)); // let the watch start
    const t0 = Date.now();
    await api(cp, 'POST', '/apis/apps/v1/namespaces/default/statefulsets', statefulSet);
    const deadline = setTimeout(() => abort.abort(), DEADLINE_MS);
    await watch.done.catch(() => undefined);
    clearTimeout(deadline);
    const allRunningS = lastAfter(watch.running, REPLICAS, t0);
    const podCreateToRunning = names
      .filter((n) => watch.running.has(n) && watch.created.has(n))
      .map((n) => ((watch.running.get(n) ?? 0) - (watch.created.get(n) ?? 0)) / 1000);
    return {
      headline: [
        compare(
          `StatefulSet of ${REPLICAS} (Parallel): create → all ${REPLICAS} pods Running seen on a watch, one kubelet, vs docker CLI run of the same ${REPLICAS} pods' containers at once`,
          allRunningS,
          docker.allSeconds,
          's',
          '≤ 30 s',
        ),
      ],
      replicas: REPLICAS,
      running: watch.running.size,
      /** Seconds from the StatefulSet's create until the last pod was first seen … */
      allCreatedS: lastAfter(watch.created, REPLICAS, t0),
      allBoundS: lastAfter(watch.bound, REPLICAS, t0),
      allRunningS,
      /** Per pod: first seen → Running (the scheduler's and the kubelet's share). */
      podCreateToRunning: summarize(podCreateToRunning, 's'),
      dockerCliSameContainers: {
        allSeconds: docker.allSeconds,
        perPod: summarize(docker.perPodSeconds, 's'),
      },
    };
  } finally {
    abort.abort();
    // Controllers first, so nothing recreates a pod while the kubelet's containers are removed.
    await Promise.all(agents.map((a) => a.stop()));
    await node?.stop();
    await cp.stop();
  }
}

runWhenMain(import.meta.url, run);
