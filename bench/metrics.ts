// What the resource metrics collector costs the apiserver (issue 11): 100 hollow nodes with 30
// running pods each, every node serving /metrics/resource of its own (fake usage through the
// kubelet's stats code), the apiserver scraping all of them every --metric-resolution (10 s).
//
//   cpuSecondsPerMinute   the apiserver process's CPU time (utime + stime from /proc) over a
//                         measured minute, with the collector on and, as the limit underneath,
//                         the same cluster with --metric-resolution=0s (collector off)
//   collectorCpuSecondsPerMinute   the difference: what collection costs, sockets included (the
//                         apiserver's other work — 100 nodes' heartbeats — is in both, so this
//                         difference is noisy at the scale of a few tenths of a second)
//   processingSecondsPerMinute     the collector's own count of its synchronous work (parsing
//                         and computing usage: apiserver_metrics_scrape_processing_cpu_seconds_total)
//   scrapes, rounds       from the apiserver's own /metrics (apiserver_metrics_*)
//
// Sizes: BENCH_METRICS_NODES (100), BENCH_METRICS_PODS_PER_NODE (30), BENCH_METRICS_SECONDS (60).
// Prints JSON: `node --import tsx bench/metrics.ts`.

import { pathToFileURL } from 'node:url';
import type { Pod } from 'kubernetes-types/core/v1';
import { R } from '../agents/api/resources';
import type { KubeObject } from '../agents/api/types';
import { type ApiClient, createClient } from '../agents/client';
import { startControlPlane } from '../test/support/apiserver';
import { startAgent } from '../test/support/process';
import { cpuSeconds } from './lib/proc';
import { compare } from './lib/report';

const NODES = Number(process.env.BENCH_METRICS_NODES ?? 100);
const PODS_PER_NODE = Number(process.env.BENCH_METRICS_PODS_PER_NODE ?? 30);
const SECONDS = Number(process.env.BENCH_METRICS_SECONDS ?? 60);
const RESOLUTION = '10s';
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const boundPod = (i: number, node: string): Pod & KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `m-${i}`, namespace: 'default', labels: { app: 'metrics-bench' } },
  spec: {
    nodeName: node,
    containers: [{ name: 'app', image: 'pause', resources: { requests: { cpu: '10m' } } }],
  },
});

async function waitFor(what: string, check: () => Promise<boolean>, timeoutS: number): Promise<void> {
  const deadline = Date.now() + timeoutS * 1000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A metric's value summed over its series in the apiserver's /metrics (0 when absent). */
function metricSum(text: string, name: string, labels = ''): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(name) && l.includes(labels))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
}

/** One cluster: nodes × pods running, then the apiserver's CPU over the measured window. */
async function measure(resolution: string) {
  const cp = await startControlPlane({
    name: `apiserver-bench-metrics-${resolution}`,
    flags: [`--metric-resolution=${resolution}`],
  });
  const client: ApiClient = createClient({ baseUrl: cp.url, qps: 0 });
  const hollow = startAgent(`hollow-bench-metrics-${resolution}`, 'hollow-node', [
    `--master=${cp.url}`,
    `--count=${NODES}`,
    '--name-prefix=metrics',
    '--kube-api-qps=5000',
    '--kube-api-burst=5000',
  ]);
  try {
    await waitFor('hollow nodes', async () => (await client.list(R.nodes)).items.length >= NODES, 300);
    const names = (await client.list(R.nodes)).items.map((n) => n.metadata?.name ?? '');
    const total = NODES * PODS_PER_NODE;
    await pool([...Array(total).keys()], 32, (i) =>
      client.create(R.pods, boundPod(i, names[i % names.length])),
    );
    await waitFor(
      'pods Running',
      async () =>
        (await client.list<Pod & KubeObject>(R.pods)).items.filter((p) => p.status?.phase === 'Running')
          .length >= total,
      600,
    );
    // Two rounds, so every series has usage and the measured minute is steady state.
    if (resolution !== '0s') {
      await waitFor(
        'pod metrics',
        async () => (await client.list(R.podmetrics, { namespace: 'default' })).items.length >= total,
        120,
      );
    }
    const before = cpuSeconds(cp.apiserver.pid);
    const metricsBefore = await (await fetch(`${cp.url}/metrics`)).text();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const cpu = cpuSeconds(cp.apiserver.pid) - before;
    const metricsAfter = await (await fetch(`${cp.url}/metrics`)).text();
    const delta = (name: string, labels = '') =>
      metricSum(metricsAfter, name, labels) - metricSum(metricsBefore, name, labels);
    const rounds = delta('apiserver_metrics_collection_duration_seconds_count');
    let listMs = 0;
    if (resolution !== '0s') {
      const t = performance.now();
      await client.list(R.podmetrics);
      listMs = performance.now() - t;
    }
    return {
      cpuSecondsPerMinute: round((cpu * 60) / SECONDS),
      scrapes: delta('apiserver_metrics_scrapes_total', 'result="success"'),
      scrapeErrors: delta('apiserver_metrics_scrapes_total', 'result="error"'),
      rounds,
      meanRoundSeconds: rounds
        ? round(delta('apiserver_metrics_collection_duration_seconds_sum') / rounds)
        : 0,
      processingSecondsPerMinute: round(
        (delta('apiserver_metrics_scrape_processing_cpu_seconds_total') * 60) / SECONDS,
      ),
      listAllPodMetricsMs: round(listMs, 1),
    };
  } finally {
    await hollow.stop();
    await cp.stop();
  }
}

export async function run() {
  const on = await measure(RESOLUTION);
  const off = await measure('0s');
  const collector = on.cpuSecondsPerMinute - off.cpuSecondsPerMinute;
  return {
    nodes: NODES,
    podsPerNode: PODS_PER_NODE,
    measuredSeconds: SECONDS,
    resolution: RESOLUTION,
    collectorOn: on,
    collectorOff: off,
    collectorCpuSecondsPerMinute: round(collector),
    collectorProcessingSecondsPerMinute: on.processingSecondsPerMinute,
    apiserverCpu: compare(
      `apiserver CPU s/min, collecting ${NODES}×${PODS_PER_NODE} pods every ${RESOLUTION} vs not collecting`,
      on.cpuSecondsPerMinute,
      off.cpuSecondsPerMinute,
      'CPU s/min',
    ),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      process.exit(0);
    },
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
