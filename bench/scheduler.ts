// Scheduler throughput and hollow-pod start-up against a real etcd + apiserver (the
// scheduler_perf shape from research-controlplane-perf.md, benchmarks 1 and 3).
//
//   algorithm   filter → score → assume over an in-memory cache, no API calls (the ceiling)
//   throughput  N Node objects (Ready, 4 cpu / 16Gi / 110 pods) and P pending pods created
//               through the API, then the scheduler started as its own process. Figures: bound
//               pods/s (first to last binding seen on a watch), start → all bound, and the
//               apiserver's own create rates for comparison.
//   hollow      one hollow-node process with H nodes, the scheduler, P pods: wall time from the
//               first create until every pod is Running (seen on a watch), kwok's CI shape.
//   hollowLive  issue 12's ratio: 500 hollow kubelets live (heartbeats, pod status writes), P
//               pending pods bound by this bench straight through pods/binding (the limit: the
//               apiserver's own binding rate), then P more bound by the scheduler; both rates
//               first binding → last binding seen on a watch, in the same control plane.
//
// Goals on 2 cores: ≥ 300 pods/s at 500 nodes, ≥ 100 at 5,000, 10k pods Running ≤ 60 s.
// Sizes: default 100/500/5000 nodes × 1000 pods and 10k hollow pods on 100 nodes;
// BENCH_QUICK=1 → 100 nodes × 300 pods, 1000 hollow pods; BENCH_10K=1 adds 10k pods at 500 nodes;
// BENCH_SCHEDULER_CASES=500x1000,… picks sizes; BENCH_SKIP_HOLLOW=1 skips the hollow run.
// Prints JSON: `node --import tsx bench/scheduler.ts`.

import type { Node, Pod } from 'kubernetes-types/core/v1';
import { R } from '../agents/api/resources';
import type { KubeObject, WatchEvent } from '../agents/api/types';
import { type ApiClient, createClient } from '../agents/client';
import { nodeInternalIP } from '../agents/hollow-node/addresses';
import { buildNode } from '../agents/hollow-node/node-object';
import { SchedulerCache } from '../agents/scheduler/cache';
import { schedulePod } from '../agents/scheduler/find-node';
import { defaultFilters, defaultScores } from '../agents/scheduler/plugins';
import { bindingFor } from '../agents/scheduler/schedule-one';
import { startControlPlane } from '../test/support/apiserver';
import { freePort } from '../test/support/ports';
import { type Started, startAgent, waitForHttpOk } from '../test/support/process';
import { anonRssMiB, cpuSeconds, peakRssMiB, pssMiB, rssMiB } from './lib/proc';
import { compare, runWhenMain } from './lib/report';

const FAST = ['--kube-api-qps=5000', '--kube-api-burst=5000'];

/** Run `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const benchPod = (i: number): Pod & KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `bench-${i}`, namespace: 'default', labels: { app: 'bench' } },
  spec: {
    containers: [{ name: 'app', image: 'pause', resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
  },
});

/** Watch pods and resolve when `done(count)` says so; counts pods that satisfy `seen` once each. */
function countPods(client: ApiClient, seen: (p: Pod) => boolean, total: number) {
  const at = new Map<string, number>();
  let resolve: () => void = () => {};
  const finished = new Promise<void>((r) => {
    resolve = r;
  });
  const onEvent = (ev: WatchEvent<Pod & KubeObject>) => {
    const name = ev.object.metadata?.name ?? '';
    if (ev.type === 'ERROR' || at.has(name) || !name.startsWith('bench-') || !seen(ev.object)) return;
    at.set(name, performance.now());
    if (at.size >= total) resolve();
  };
  const ready = client
    .list(R.pods, { namespace: 'default', limit: 1 })
    .then((l) =>
      client.watch(R.pods, { namespace: 'default', resourceVersion: l.metadata.resourceVersion }, onEvent),
    );
  return { ready, finished, at, stop: async () => (await ready).stop() };
}

const round = (x: number) => Math.round(x * 10) / 10;

async function throughput(nodes: number, pods: number) {
  const cp = await startControlPlane({ name: `apiserver-bench-${nodes}` });
  const client = createClient({ baseUrl: cp.url, qps: 0 });
  const port = await freePort();
  let scheduler: Started | undefined;
  try {
    const t0 = performance.now();
    await pool([...Array(nodes).keys()], 32, (i) =>
      client.create(
        R.nodes,
        buildNode({ name: `bench-node-${i}`, internalIP: nodeInternalIP(i) }, Date.now()) as Node &
          KubeObject,
      ),
    );
    const nodeCreateS = (performance.now() - t0) / 1000;
    // Pods first, scheduler second (scheduler_perf's shape): the figure is the scheduler's pace,
    // not the apiserver's create rate, which is reported beside it.
    const bound = countPods(client, (p) => Boolean(p.spec?.nodeName), pods);
    await bound.ready;
    const t1 = performance.now();
    await pool([...Array(pods).keys()], 32, (i) => client.create(R.pods, benchPod(i)));
    const createS = (performance.now() - t1) / 1000;
    const start = performance.now();
    scheduler = startAgent(`scheduler-bench-${nodes}`, 'scheduler', [
      `--master=${cp.url}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      '--leader-elect=false',
      ...FAST,
    ]);
    await Promise.race([bound.finished, exited(scheduler), new Promise((r) => setTimeout(r, 600_000))]);
    const times = [...bound.at.values()].sort((a, b) => a - b);
    await bound.stop();
    const last = times[times.length - 1];
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then(
      (r) => r.text(),
      () => '',
    );
    const algoSum = Number(
      /^scheduler_scheduling_algorithm_duration_seconds_sum (\S+)/m.exec(metrics)?.[1] ?? Number.NaN,
    );
    return {
      nodes,
      pods,
      bound: times.length,
      nodeCreatePerS: round(nodes / nodeCreateS),
      podCreatePerS: round(pods / createS),
      /** First binding to last: the scheduling + binding pace once running. */
      boundPodsPerS: round(times.length / Math.max((last - times[0]) / 1000, 0.001)),
      /** Scheduler process start (incl. node.js start-up and listing) to the last binding. */
      schedulerStartToAllBoundS: round((last - start) / 1000),
      /** Time the scheduler spent choosing nodes (its own metric): the rest is waiting on the API. */
      algorithmSecondsTotal: round(algoSum),
    };
  } finally {
    await scheduler?.stop();
    await cp.stop();
  }
}

/** The pure algorithm alone (filter → score → assume) over an in-memory cache: no API calls. */
function algorithmOnly(nodes: number, pods: number) {
  const cache = new SchedulerCache();
  for (let i = 0; i < nodes; i++)
    cache.setNode(buildNode({ name: `n-${i}`, internalIP: nodeInternalIP(i) }, Date.now()));
  let startIndex = 0;
  const t = performance.now();
  for (let i = 0; i < pods; i++) {
    const pod = benchPod(i);
    const r = schedulePod({
      pod,
      nodes: cache.nodes(),
      filters: defaultFilters,
      scores: defaultScores,
      ctx: { services: [] },
      start: startIndex,
      rand: Math.random,
    });
    if (r.nodeName === undefined) throw new Error(r.message);
    startIndex = (startIndex + r.evaluated) % nodes;
    cache.assume(pod, r.nodeName);
  }
  return { nodes, pods, algorithmPodsPerS: round(pods / ((performance.now() - t) / 1000)) };
}

/** A control plane with one hollow-node process of `count` nodes. */
async function hollowCluster(name: string, count: number, prefix: string) {
  const cp = await startControlPlane({ name: `apiserver-bench-${name}` });
  const client = createClient({ baseUrl: cp.url, qps: 0 });
  const hollow = startAgent(`hollow-bench-${name}`, 'hollow-node', [
    `--master=${cp.url}`,
    `--count=${count}`,
    `--name-prefix=${prefix}`,
    ...FAST,
  ]);
  return { cp, client, hollow };
}

/** Rejects when the process ends: a bench must not wait out its bound for a dead scheduler. */
const exited = (p: Started) =>
  new Promise<never>((_, reject) =>
    p.proc.once('exit', (code) => reject(new Error(`exited early (${code}); see ${p.logFile}`))),
  );

/** Poll until `count` nodes have registered (bounded: two minutes). */
async function waitForNodes(client: ApiClient, count: number, logFile: string): Promise<void> {
  for (let waited = 0; (await client.list(R.nodes)).items.length < count; waited++) {
    if (waited > 600) throw new Error(`hollow nodes did not register; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Where the apiserver's memory is, from its own /metrics (process.memoryUsage()): the JavaScript
 * heap in use and reserved, and memory outside the heap (Buffers), in MiB.
 */
async function apiserverMemory(apiserverUrl: string) {
  const text = await (await fetch(`${apiserverUrl}/metrics`)).text();
  const mib = (metric: string) => {
    const m = new RegExp(`^${metric} (\\S+)$`, 'm').exec(text);
    return m ? Math.round(Number(m[1]) / 2 ** 20) : Number.NaN;
  };
  return {
    heapUsed: mib('nodejs_heap_size_used_bytes'),
    heapTotal: mib('nodejs_heap_size_total_bytes'),
    external: mib('nodejs_external_memory_bytes'),
  };
}

/** How long the control plane sits idle with all the pods Running before its memory is read again. */
const IDLE_MS = 60_000;
/**
 * And once more, later: the watch cache keeps 75 s of history (storage/change-log.ts), so a
 * minute after the burst the apiserver still holds part of it; at two minutes it holds none.
 */
const REST_MS = 120_000;

/**
 * `pods` pods on `hollowNodes` hollow nodes, from the first create until all are Running, with the
 * whole control plane running (apiserver, scheduler, controller-manager): its memory with all
 * those pods is read right after the last one is Running, and again IDLE_MS and REST_MS later
 * (issue 12: ≤ 400 MB together).
 */
export async function hollowRunning(hollowNodes: number, pods: number) {
  const { cp, client, hollow } = await hollowCluster('hollow', hollowNodes, 'bench-hollow');
  const port = await freePort();
  const scheduler = startAgent('scheduler-bench-hollow', 'scheduler', [
    `--master=${cp.url}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    '--leader-elect=false',
    ...FAST,
  ]);
  const controllerManager = startAgent('controller-manager-bench-hollow', 'controller-manager', [
    `--master=${cp.url}`,
    '--port=0',
    '--bind-address=127.0.0.1',
    '--leader-elect=false',
    ...FAST,
  ]);
  try {
    await waitForHttpOk(`http://127.0.0.1:${port}/healthz`, 60_000, scheduler.logFile);
    await waitForNodes(client, hollowNodes, hollow.logFile);
    const running = countPods(client, (p) => p.status?.phase === 'Running', pods);
    await running.ready;
    const start = performance.now();
    await pool([...Array(pods).keys()], 32, (i) => client.create(R.pods, benchPod(i)));
    const createdS = (performance.now() - start) / 1000;
    await Promise.race([running.finished, exited(scheduler), new Promise((r) => setTimeout(r, 600_000))]);
    const times = [...running.at.values()].sort((a, b) => a - b);
    await running.stop();
    const controlPlane = { apiserver: cp.apiserver, scheduler, controllerManager };
    const memory = (read: (pid: number) => number) => {
      const each = Object.fromEntries(Object.entries(controlPlane).map(([k, p]) => [k, read(p.pid)]));
      return { ...each, total: Object.values(each).reduce((a, b) => a + b, 0) };
    };
    const rightAfter = {
      // CPU each process spent from its start to the last pod Running: where the burst's time went.
      cpuSeconds: Object.fromEntries(
        Object.entries({ ...controlPlane, hollowNodes: hollow }).map(
          ([k, p]) => [k, round(cpuSeconds(p.pid))] as const,
        ),
      ),
      controlPlaneRssMiB: memory(rssMiB),
      controlPlanePeakRssMiB: memory(peakRssMiB),
      controlPlaneAnonRssMiB: memory(anonRssMiB),
      controlPlanePssMiB: memory(pssMiB),
      apiserverMemoryMiB: await apiserverMemory(cp.url),
    };
    // The same pods a minute later, with nothing to do but heartbeats: V8 returns heap it grew for
    // the burst only once its memory reducer sees the process idle, so right after the burst and
    // at rest are different figures, and a cluster spends most of its life at rest.
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const afterIdle = {
      idleS: IDLE_MS / 1000,
      controlPlaneRssMiBAfterIdle: memory(rssMiB),
      controlPlaneAnonRssMiBAfterIdle: memory(anonRssMiB),
      controlPlanePssMiBAfterIdle: memory(pssMiB),
      apiserverMemoryMiBAfterIdle: await apiserverMemory(cp.url),
    };
    await new Promise((r) => setTimeout(r, REST_MS - IDLE_MS));
    return {
      hollowNodes,
      pods,
      running: times.length,
      podCreatePerS: round(pods / createdS),
      allRunningS: round((times[times.length - 1] - start) / 1000),
      ...rightAfter,
      ...afterIdle,
      restS: REST_MS / 1000,
      controlPlaneRssMiBAtRest: memory(rssMiB),
      controlPlaneAnonRssMiBAtRest: memory(anonRssMiB),
      controlPlanePssMiBAtRest: memory(pssMiB),
      apiserverMemoryMiBAtRest: await apiserverMemory(cp.url),
    };
  } finally {
    await controllerManager.stop();
    await scheduler.stop();
    await hollow.stop();
    await cp.stop();
  }
}

/** Bound pods per second from first to last binding, for pods named `${prefix}*`. */
function bindRate(at: Map<string, number>, prefix: string): number {
  const times = [...at.entries()].filter(([n]) => n.startsWith(prefix)).map(([, t]) => t);
  const span = (Math.max(...times) - Math.min(...times)) / 1000;
  return round(times.length / Math.max(span, 0.001));
}

async function hollowLive(hollowNodes: number, pods: number) {
  const { cp, client, hollow } = await hollowCluster('live', hollowNodes, 'live');
  let scheduler: Started | undefined;
  try {
    await waitForNodes(client, hollowNodes, hollow.logFile);
    const nodeNames = (await client.list(R.nodes)).items.map((n) => n.metadata?.name ?? '');
    const bound = countPods(client, (p) => Boolean(p.spec?.nodeName), 2 * pods);
    await bound.ready;
    // The limit: pending pods bound by us, round robin, 32 in flight (no scheduler running).
    const direct = [...Array(pods).keys()].map((i) => benchPod(i));
    await pool(direct, 32, (p) => client.create(R.pods, p));
    await pool(direct, 32, (p) =>
      client.createSubresource(
        R.pods,
        'default',
        p.metadata?.name ?? '',
        'binding',
        bindingFor(p, nodeNames[Number(p.metadata?.name?.slice(6)) % nodeNames.length]),
      ),
    );
    // The scheduler: the next P pods created pending, then the scheduler started.
    await pool([...Array(pods).keys()], 32, (i) => client.create(R.pods, benchPod(pods + i)));
    // Port 0: any free one. A port picked minutes earlier can be taken by then (the 500 hollow
    // kubelets listen on ports of the same ephemeral range); that once killed the scheduler here.
    scheduler = startAgent('scheduler-bench-live', 'scheduler', [
      `--master=${cp.url}`,
      '--port=0',
      '--bind-address=127.0.0.1',
      '--leader-elect=false',
      ...FAST,
    ]);
    await Promise.race([bound.finished, exited(scheduler), new Promise((r) => setTimeout(r, 600_000))]);
    await bound.stop();
    const directNames = new Set(direct.map((p) => p.metadata?.name ?? ''));
    const directAt = new Map([...bound.at].filter(([n]) => directNames.has(n)));
    const schedAt = new Map([...bound.at].filter(([n]) => !directNames.has(n)));
    return {
      hollowNodes,
      pods,
      directBound: directAt.size,
      schedulerBound: schedAt.size,
      directBindingPodsPerS: bindRate(directAt, 'bench-'),
      schedulerBoundPodsPerS: bindRate(schedAt, 'bench-'),
    };
  } finally {
    await scheduler?.stop();
    await hollow.stop();
    await cp.stop();
  }
}

export async function run(): Promise<object> {
  const quick = process.env.BENCH_QUICK === '1';
  // BENCH_SCHEDULER_CASES="500x1000,5000x1000" picks sizes explicitly.
  const explicit = process.env.BENCH_SCHEDULER_CASES?.split(',').map(
    (c) => c.split('x').map(Number) as [number, number],
  );
  const defaults: [number, number][] = [
    [100, 1000],
    [500, 1000],
    [5000, 1000],
  ];
  const cases: [number, number][] = explicit ?? (quick ? [[100, 300]] : defaults);
  if (process.env.BENCH_10K === '1') cases.push([500, 10_000]);
  const algorithm = cases.map(([nodes, pods]) => algorithmOnly(nodes, pods));
  process.stderr.write(`${JSON.stringify(algorithm)}\n`);
  const results: object[] = [];
  for (const [nodes, pods] of cases) {
    results.push(await throughput(nodes, pods));
    process.stderr.write(`${JSON.stringify(results[results.length - 1])}\n`);
  }
  const hollow =
    process.env.BENCH_SKIP_HOLLOW === '1'
      ? undefined
      : quick
        ? await hollowRunning(20, 1000)
        : await hollowRunning(100, 10_000);
  process.stderr.write(`${JSON.stringify(hollow)}\n`);
  const live = await hollowLive(quick ? 100 : 500, quick ? 300 : 1000);
  process.stderr.write(`${JSON.stringify(live)}\n`);
  const headline = [
    compare(
      `scheduler bound pods/s (first → last binding) with ${live.hollowNodes} hollow kubelets live vs binding the same number directly`,
      live.schedulerBoundPodsPerS,
      live.directBindingPodsPerS,
      'pods/s',
      'ratio ≥ 0.6',
    ),
  ];
  if (hollow)
    headline.push(
      {
        what: `${hollow.pods} pods on ${hollow.hollowNodes} hollow nodes: first create → all Running`,
        measured: hollow.allRunningS,
        limit: Number.NaN,
        unit: 's',
        ratio: Number.NaN,
        goal: '≤ 60 s',
      },
      {
        what: `control plane RSS (apiserver + scheduler + controller-manager, bundled) with those ${hollow.pods} pods Running, right after the last one`,
        measured: hollow.controlPlaneRssMiB.total,
        limit: Number.NaN,
        unit: 'MiB',
        ratio: Number.NaN,
        goal: '≤ 400 MB',
      },
      {
        what: `the same control plane RSS ${hollow.idleS} s later, idle but for heartbeats`,
        measured: hollow.controlPlaneRssMiBAfterIdle.total,
        limit: Number.NaN,
        unit: 'MiB',
        ratio: Number.NaN,
        goal: '≤ 400 MB',
      },
      {
        what: `the same control plane RSS ${hollow.restS} s after the last pod was Running`,
        measured: hollow.controlPlaneRssMiBAtRest.total,
        limit: Number.NaN,
        unit: 'MiB',
        ratio: Number.NaN,
        goal: '≤ 400 MB',
      },
      {
        what: `its PSS then: pages the three share (the node binary's text) counted once, not three times`,
        measured: hollow.controlPlanePssMiBAtRest.total,
        limit: Number.NaN,
        unit: 'MiB',
        ratio: Number.NaN,
        goal: '',
      },
    );
  return {
    headline,
    hollowLive: live,
    algorithm,
    scheduler: results,
    hollow,
    goals: { podsPerSAt500: 300, podsPerSAt5000: 100, hollow10kRunningS: 60 },
  };
}

runWhenMain(import.meta.url, run);
