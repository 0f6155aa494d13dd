import { describe, expect, it } from 'vitest';
import { isNotFound, toStatusError } from '../../api/errors';
import { R } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import { MetricsCollector } from './collector';
import { getMetrics, listMetrics, type MetricsSources } from './metrics-api';
import { parsePrometheusText } from './prometheus-text';
import { pointsFromScrape, recordScrape, usageBetween } from './usage-points';

const T = Date.parse('2026-12-01T10:00:00Z');
/** What a kubelet's /metrics/resource says at time t (ms) with `cpu` seconds used by web-1/app. */
const scrapeText = (
  t: number,
  cpu: number,
  nodeCpu = 100 + cpu,
) => `# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time
# TYPE container_cpu_usage_seconds_total counter
container_cpu_usage_seconds_total{container="app",namespace="default",pod="web-1"} ${cpu} ${t}
container_cpu_usage_seconds_total{container="side",namespace="default",pod="web-1"} 1 ${t}
container_memory_working_set_bytes{container="app",namespace="default",pod="web-1"} 1388544 ${t}
container_memory_working_set_bytes{container="side",namespace="default",pod="web-1"} 4096 ${t}
container_start_time_seconds{container="app",namespace="default",pod="web-1"} 1.7e+09 ${t}
node_cpu_usage_seconds_total ${nodeCpu} ${t}
node_memory_working_set_bytes 2.1e+09 ${t}
scrape_error 0
`;

describe('the Prometheus text reader', () => {
  it('reads names, escaped labels, values and timestamps', () => {
    expect(parsePrometheusText('# c\nm{a="x\\"y",b="1"} 1.5e+03 1700\nn NaN\nk +Inf\n')).toEqual([
      { name: 'm', labels: { a: 'x"y', b: '1' }, value: 1500, timestampMs: 1700 },
      { name: 'n', labels: {}, value: Number.NaN },
      { name: 'k', labels: {}, value: Number.POSITIVE_INFINITY },
    ]);
    expect(() => parsePrometheusText('m{a=x} 1')).toThrow('bad');
  });
});

describe('usage between two scrapes', () => {
  it('is Δcpu / Δt: 2.5 s over 10 s is a quarter core; the window is the time between readings', () => {
    const a = pointsFromScrape(parsePrometheusText(scrapeText(T, 12)), 0);
    const b = pointsFromScrape(parsePrometheusText(scrapeText(T + 10_000, 14.5)), 0);
    const app = (s: typeof a) => s.pods.get('default/web-1')?.get('app');
    expect(usageBetween(app(a), app(b) as never)).toEqual({
      timeMs: T + 10_000,
      windowMs: 10_000,
      nanoCores: 250_000_000,
      memoryBytes: 1388544,
    });
    expect(usageBetween(a.node, b.node as never)?.nanoCores).toBe(250_000_000);
  });

  it('starts over when the counter went back or the container started again', () => {
    const p = { timeMs: T, cpuSeconds: 5, memoryBytes: 1, startTimeSeconds: 1 };
    expect(usageBetween(p, { ...p, timeMs: T + 1000, cpuSeconds: 4 })).toBeUndefined();
    expect(usageBetween(p, { ...p, timeMs: T + 1000, cpuSeconds: 6, startTimeSeconds: 2 })).toBeUndefined();
    expect(usageBetween(undefined, p)).toBeUndefined();
  });

  it('keeps the last usage while the kubelet has not sampled again, and drops what the scrape no longer shows', () => {
    const first = recordScrape(undefined, pointsFromScrape(parsePrometheusText(scrapeText(T, 1)), 0));
    const second = recordScrape(first, pointsFromScrape(parsePrometheusText(scrapeText(T + 5000, 2)), 0));
    const same = recordScrape(second, pointsFromScrape(parsePrometheusText(scrapeText(T + 5000, 2)), 0));
    expect(same.pods.get('default/web-1')?.get('app')?.usage?.nanoCores).toBe(200_000_000);
    const gone = recordScrape(
      same,
      pointsFromScrape(
        parsePrometheusText('node_cpu_usage_seconds_total 1 1\nnode_memory_working_set_bytes 1 1\n'),
        0,
      ),
    );
    expect(gone.pods.size).toBe(0);
  });
});

const node = (name: string, labels?: Record<string, string>): KubeObject => ({ metadata: { name, labels } });
const pod = (name: string, nodeName: string | undefined, labels?: Record<string, string>): KubeObject => ({
  metadata: { name, namespace: 'default', labels },
  spec: { nodeName, containers: [{ name: 'side' }, { name: 'app' }] },
});

async function collected(): Promise<MetricsSources> {
  let t = T;
  const collector = new MetricsCollector({
    nodes: () => [
      { metadata: { name: 'minion1' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] } },
    ],
    resolutionMs: 10_000,
    fetch: async (endpoint, path) => {
      expect([endpoint.nodeAddress, endpoint.kubeletPort, path]).toEqual([
        '10.0.0.1',
        10250,
        '/metrics/resource',
      ]);
      return scrapeText(t, (t - T) / 4000); // a quarter core
    },
    log: { warn: () => undefined },
  });
  await collector.collectOnce();
  t += 10_000;
  await collector.collectOnce();
  const objects = {
    nodes: [node('minion1', { zone: 'a' }), node('minion2')],
    pods: [
      pod('web-1', 'minion1', { app: 'web' }),
      pod('pending', undefined),
      pod('db-0', 'minion1', { app: 'db' }),
    ],
  };
  return {
    objects: (r) => (r === R.nodes ? objects.nodes : objects.pods),
    series: (n) => collector.node(n),
    now: () => T + 60_000,
  };
}

describe('metrics.k8s.io', () => {
  it('serves NodeMetrics and PodMetrics as metrics-server does', async () => {
    const src = await collected();
    expect(getMetrics(R.nodemetrics, undefined, 'minion1', src)).toEqual({
      kind: 'NodeMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: { name: 'minion1', creationTimestamp: '2026-12-01T10:01:00Z', labels: { zone: 'a' } },
      timestamp: '2026-12-01T10:00:10Z',
      window: '10s',
      usage: { cpu: '250m', memory: '2100000000' },
    });
    expect(getMetrics(R.podmetrics, 'default', 'web-1', src)).toMatchObject({
      kind: 'PodMetrics',
      metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web' } },
      window: '10s',
      containers: [
        { name: 'side', usage: { cpu: '0', memory: '4Ki' } },
        { name: 'app', usage: { cpu: '250m', memory: '1356Ki' } },
      ],
    });
  });

  it('says NotFound as metrics-server does: the object missing, or its usage', async () => {
    const src = await collected();
    const message = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        expect(isNotFound(err)).toBe(true);
        return toStatusError(err).message;
      }
    };
    expect(message(() => getMetrics(R.podmetrics, 'default', 'missing', src))).toBe(
      'pods "missing" not found',
    );
    expect(message(() => getMetrics(R.podmetrics, 'default', 'db-0', src))).toBe(
      'podmetrics.metrics.k8s.io "default/db-0" not found',
    );
    expect(message(() => getMetrics(R.nodemetrics, undefined, 'minion2', src))).toBe(
      'nodemetrics.metrics.k8s.io "minion2" not found',
    );
    expect(message(() => getMetrics(R.nodemetrics, undefined, 'minion9', src))).toBe(
      'nodes "minion9" not found',
    );
  });

  it('lists only objects with usage, filtered by the selector on the described objects', async () => {
    const src = await collected();
    const names = (items: KubeObject[]) => items.map((m) => m.metadata?.name);
    expect(names(listMetrics(R.podmetrics, 'default', () => true, src))).toEqual(['web-1']);
    expect(names(listMetrics(R.podmetrics, 'default', (p) => p.metadata?.labels?.app === 'db', src))).toEqual(
      [],
    );
    expect(names(listMetrics(R.nodemetrics, undefined, () => true, src))).toEqual(['minion1']);
  });
});
