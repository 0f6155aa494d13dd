import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { renderResourceMetrics } from './resource-metrics';
import { StatsSampler } from './sampler';
import { buildSummary } from './summary';
import type { ContainerStats, MeasuredContainer, NodeSample, StatsSnapshot, UsageSample } from './types';

const T0 = Date.parse('2026-12-01T10:00:00Z');
const reading = (timeMs: number, cpuSeconds: number, workingSet: number): UsageSample => ({
  timeMs,
  cpuUsageNanoSeconds: cpuSeconds * 1e9,
  memoryUsageBytes: workingSet + 4096,
  memoryWorkingSetBytes: workingSet,
  memoryRssBytes: workingSet / 2,
});
const container = (name: string, pod: string, uid: string): ContainerStats['container'] => ({
  id: `id-${pod}-${name}`,
  name,
  podUid: uid,
  podName: pod,
  podNamespace: 'default',
  startedAt: '2026-12-01T09:00:00Z',
});
const nodePair = {
  previous: { ...reading(T0, 100, 1e9), memoryAvailableBytes: 3e9 },
  latest: { ...reading(T0 + 5000, 102, 1e9), memoryAvailableBytes: 3e9 },
};
// web-1: a busy loop (0.5 core) and an idle sidecar; web-2 seen once so far (no rate yet).
const snapshot: StatsSnapshot = {
  nodeName: 'minion1',
  nodeStartTime: '2026-12-01T08:00:00Z',
  node: nodePair,
  containers: [
    {
      container: container('burn', 'web-1', 'u1'),
      previous: reading(T0, 10, 2e6),
      latest: reading(T0 + 5000, 12.5, 2e6),
    },
    {
      container: container('side', 'web-1', 'u1'),
      previous: reading(T0, 1, 1e6),
      latest: reading(T0 + 5000, 1, 1e6),
    },
    { container: container('burn', 'web-2', 'u2'), latest: reading(T0 + 5000, 3, 5e5) },
  ],
  scrapeError: false,
};

describe('/stats/summary', () => {
  const pods = [{ metadata: { uid: 'u1' }, status: { startTime: '2026-12-01T08:59:59Z' } }] as Pod[];
  const s = buildSummary(snapshot, pods);

  it('reports the node with its rate over the sampling window', () => {
    expect(s.node).toEqual({
      nodeName: 'minion1',
      startTime: '2026-12-01T08:00:00Z',
      cpu: { time: '2026-12-01T10:00:05Z', usageNanoCores: 400_000_000, usageCoreNanoSeconds: 102e9 },
      memory: {
        time: '2026-12-01T10:00:05Z',
        availableBytes: 3e9,
        usageBytes: 1e9 + 4096,
        workingSetBytes: 1e9,
        rssBytes: 5e8,
      },
    });
  });

  it('reports each pod with its containers and their sums', () => {
    const web1 = s.pods[0];
    expect(web1.podRef).toEqual({ name: 'web-1', namespace: 'default', uid: 'u1' });
    expect(web1.startTime).toBe('2026-12-01T08:59:59Z');
    expect(web1.containers.map((c) => [c.name, c.cpu.usageNanoCores])).toEqual([
      ['burn', 500_000_000],
      ['side', 0],
    ]);
    expect(web1.cpu).toEqual({
      time: '2026-12-01T10:00:05Z',
      usageNanoCores: 500_000_000,
      usageCoreNanoSeconds: 13.5e9,
    });
    expect(web1.memory.workingSetBytes).toBe(3e6);
    // Seen once: cumulative CPU but no rate yet; the start time comes from the container.
    expect(s.pods[1].cpu).not.toHaveProperty('usageNanoCores');
    expect(s.pods[1].startTime).toBe('2026-12-01T09:00:00Z');
  });
});

describe('/metrics/resource', () => {
  it('prints the KEP-727 families with millisecond timestamps', () => {
    const text = renderResourceMetrics(snapshot);
    const at = T0 + 5000;
    expect(text).toContain('# TYPE container_cpu_usage_seconds_total counter');
    expect(text).toContain(
      `container_cpu_usage_seconds_total{container="burn",namespace="default",pod="web-1"} 12.5 ${at}`,
    );
    expect(text).toContain(
      `container_memory_working_set_bytes{container="side",namespace="default",pod="web-1"} 1000000 ${at}`,
    );
    expect(text).toContain(`pod_cpu_usage_seconds_total{namespace="default",pod="web-1"} 13.5 ${at}`);
    expect(text).toContain(`pod_memory_working_set_bytes{namespace="default",pod="web-2"} 500000 ${at}`);
    expect(text).toContain(`node_cpu_usage_seconds_total 102 ${at}`);
    expect(text).toContain(`node_memory_working_set_bytes 1000000000 ${at}`);
    expect(text).toContain(
      `container_start_time_seconds{container="burn",namespace="default",pod="web-2"} ${Date.parse('2026-12-01T09:00:00Z') / 1000} ${at}`,
    );
    expect(text).toMatch(/\nscrape_error 0\n$/);
  });
});

describe('the sampler', () => {
  it('keeps two readings per container, drops the gone, and flags a failed read', async () => {
    let now = T0;
    let running: MeasuredContainer[] = [container('a', 'p', 'u'), container('b', 'p', 'u')];
    const forgotten: string[] = [];
    const node = (): NodeSample => ({ ...reading(now, now / 1000, 1), memoryAvailableBytes: 1 });
    const sampler = new StatsSampler({
      nodeName: 'n',
      source: {
        node: async () => node(),
        container: async (c) => {
          if (c.name === 'b' && now > T0 + 5000) throw new Error('EACCES');
          return reading(now, (now - T0) / 1000, 10);
        },
        forget: (id) => void forgotten.push(id),
      },
      containers: async () => running,
    });
    await sampler.sampleOnce();
    now += 5000;
    await sampler.sampleOnce();
    let s = sampler.snapshot();
    expect(s.containers.map((c) => [c.container.name, c.previous?.timeMs, c.latest.timeMs])).toEqual([
      ['a', T0, T0 + 5000],
      ['b', T0, T0 + 5000],
    ]);
    expect(s.scrapeError).toBe(false);
    now += 5000;
    running = [container('b', 'p', 'u')];
    await sampler.sampleOnce();
    s = sampler.snapshot();
    expect(s.containers).toEqual([]);
    expect(forgotten).toEqual(['id-p-a', 'id-p-b']);
    expect(s.scrapeError).toBe(true);
    expect(s.node?.previous?.timeMs).toBe(T0 + 5000);
  });
});
