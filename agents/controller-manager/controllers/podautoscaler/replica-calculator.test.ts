import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CALCULATOR_CONFIG as cfg,
  groupPods,
  type PodMetricsInfo,
  podRequests,
  rawResourceReplicas,
  resourceReplicas,
} from './replica-calculator';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

/** A Running, Ready pod started an hour ago, each container requesting `cpu` (and 100Mi memory). */
function pod(
  name: string,
  o: {
    cpu?: string;
    ready?: 'True' | 'False';
    readySince?: number;
    startedAgo?: number;
    phase?: string;
    deleting?: boolean;
    containers?: number;
  } = {},
): Pod {
  return {
    metadata: { name, namespace: 'default', ...(o.deleting ? { deletionTimestamp: ago(1) } : {}) },
    spec: {
      containers: Array.from({ length: o.containers ?? 1 }, (_, i) => ({
        name: `c${i}`,
        image: 'busybox',
        resources: {
          requests: {
            ...(o.cpu === undefined ? { cpu: '1' } : o.cpu ? { cpu: o.cpu } : {}),
            memory: '100Mi',
          },
        },
      })),
    },
    status: {
      phase: o.phase ?? 'Running',
      startTime: ago(o.startedAgo ?? 3600),
      conditions: [
        { type: 'Ready', status: o.ready ?? 'True', lastTransitionTime: ago(o.readySince ?? 3500) },
      ],
    },
  };
}

/** Metrics as read an instant ago over a 30 s window, milli-units by pod name. */
const metrics = (values: Record<string, number>): PodMetricsInfo =>
  new Map(Object.entries(values).map(([n, value]) => [n, { timestampMs: NOW, windowMs: 30_000, value }]));

const cpu = (currentReplicas: number, pods: Pod[], m: PodMetricsInfo, targetUtilization: number) =>
  resourceReplicas({ currentReplicas, resource: 'cpu', pods, metrics: m, targetUtilization }, cfg, NOW);

describe('replicas for a CPU utilization target', () => {
  it('scales up: 3 pods at 300m, 500m, 700m of 1 core, target 30 % → 50 %/30 % × 3 = 5', () => {
    const pods = [pod('a'), pod('b'), pod('c')];
    expect(cpu(3, pods, metrics({ a: 300, b: 500, c: 700 }), 30)).toEqual({
      replicas: 5,
      utilization: 50,
      rawUtilization: 500,
    });
  });

  it('scales down: 5 pods averaging 28 %, target 50 % → ceil(0.56 × 5) = 3', () => {
    const pods = ['a', 'b', 'c', 'd', 'e'].map((n) => pod(n));
    const r = cpu(5, pods, metrics({ a: 100, b: 300, c: 500, d: 250, e: 250 }), 50);
    expect(r).toEqual({ replicas: 3, utilization: 28, rawUtilization: 280 });
  });

  it('keeps the count within the 10 % tolerance: 102 % of a 100 % target', () => {
    const pods = [pod('a'), pod('b'), pod('c')];
    expect(cpu(3, pods, metrics({ a: 1010, b: 1030, c: 1020 }), 100).replicas).toBe(3);
  });

  it('scales up less with an unready pod, counting it as using nothing: 60 % → 40 % of 30 % × 3 = 4', () => {
    const pods = [pod('a', { ready: 'False', readySince: 10, startedAgo: 20 }), pod('b'), pod('c')];
    expect(cpu(3, pods, metrics({ a: 300, b: 500, c: 700 }), 30)).toEqual({
      replicas: 4,
      utilization: 60,
      rawUtilization: 600,
    });
  });

  it('counts a pod as unready while its metric window reaches back before it became Ready', () => {
    // Started a minute ago (within the 5 min initialisation period), Ready 10 s ago, 30 s window.
    const fresh = pod('a', { startedAgo: 60, readySince: 10 });
    expect(groupPods([fresh], metrics({ a: 900 }), 'cpu', cfg, NOW).unreadyPods).toEqual(new Set(['a']));
    // Memory does not look at readiness.
    expect(groupPods([fresh], metrics({ a: 900 }), 'memory', cfg, NOW).readyPodCount).toBe(1);
  });

  it('on a scale up counts a pod without metrics as using nothing: 146 % → 110 % of 50 % × 4 = 9', () => {
    const pods = ['a', 'b', 'c', 'd'].map((n) => pod(n));
    expect(cpu(4, pods, metrics({ a: 1400, b: 1500, c: 1500 }), 50).replicas).toBe(9);
  });

  it('on a scale down counts a pod without metrics as using its whole request', () => {
    // 3 of 4 pods at 10 %: alone, 4 → 1; with the missing pod at 100 %: 32 % of 50 % → ceil(0.64 × 4) = 3.
    const pods = ['a', 'b', 'c', 'd'].map((n) => pod(n));
    expect(cpu(4, pods, metrics({ a: 100, b: 100, c: 100 }), 50).replicas).toBe(3);
  });

  it('never turns a scale up into a scale down: filled-in pods that flip the direction keep the count', () => {
    const pods = ['a', 'b', 'c'].map((n) => pod(n));
    // Measured 55 % of 50 % (a scale up, outside tolerance only barely); with the missing pod at 0 %: 36 %.
    expect(cpu(3, pods, metrics({ a: 560, b: 540 }), 50).replicas).toBe(3);
  });

  it('leaves out pods being deleted or failed', () => {
    const pods = [pod('a'), pod('b', { deleting: true }), pod('c', { phase: 'Failed' })];
    const g = groupPods(pods, metrics({ a: 1, b: 1, c: 1 }), 'cpu', cfg, NOW);
    expect(g).toMatchObject({ readyPodCount: 1, ignoredPods: new Set(['b', 'c']) });
    expect(cpu(1, pods, metrics({ a: 2000, b: 5000, c: 5000 }), 100).replicas).toBe(2);
  });

  it('sums requests over containers and refuses a container without one', () => {
    expect(podRequests([pod('a', { cpu: '250m', containers: 2 })], 'cpu')).toEqual(new Map([['a', 500]]));
    expect(podRequests([pod('a', { cpu: '250m', containers: 2 })], 'cpu', 'c1')).toEqual(
      new Map([['a', 250]]),
    );
    expect(() => cpu(1, [pod('p', { cpu: '' })], metrics({ p: 1 }), 50)).toThrow(
      'missing request for cpu in container c0 of Pod p',
    );
  });

  it('fails without pods, or without metrics for any ready pod', () => {
    expect(() => cpu(1, [], metrics({}), 50)).toThrow(
      'no pods returned by selector while calculating replica count',
    );
    expect(() => cpu(1, [pod('a', { phase: 'Pending' })], metrics({ a: 1 }), 50)).toThrow(
      'did not receive metrics for targeted pods (pods might be unready)',
    );
  });
});

describe('replicas for an average value target (memory)', () => {
  const Mi = 1024 * 1024 * 1000; // in milli-bytes
  const mem = (currentReplicas: number, pods: Pod[], m: PodMetricsInfo, targetMi: number) =>
    rawResourceReplicas(
      { currentReplicas, resource: 'memory', pods, metrics: m, targetAverageMilli: targetMi * Mi },
      cfg,
      NOW,
    );

  it('3 pods at 200Mi against 100Mi → 6', () => {
    const pods = ['a', 'b', 'c'].map((n) => pod(n));
    expect(mem(3, pods, metrics({ a: 200 * Mi, b: 200 * Mi, c: 200 * Mi }), 100)).toEqual({
      replicas: 6,
      usage: 200 * Mi,
    });
  });

  it('a missing pod counts as exactly the target on a scale down', () => {
    const pods = ['a', 'b', 'c', 'd'].map((n) => pod(n));
    // 3 pods at 20Mi of 100Mi → alone 1; with the missing one at 100Mi: 40Mi → ceil(0.4 × 4) = 2.
    expect(mem(4, pods, metrics({ a: 20 * Mi, b: 20 * Mi, c: 20 * Mi }), 100).replicas).toBe(2);
  });
});
