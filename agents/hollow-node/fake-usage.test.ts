import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { renderResourceMetrics } from '../kubelet/stats/resource-metrics';
import { buildSummary } from '../kubelet/stats/summary';
import { CPU_ANNOTATION, fakeStatsSnapshot, fakeUsage } from './fake-usage';

const NOW = Date.parse('2026-12-01T10:00:00Z');
const pod = (name: string, phase: string, annotations?: Record<string, string>): Pod => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}`, annotations },
  spec: { containers: [{ name: 'a' }, { name: 'b' }] },
  status: { phase, startTime: '2026-12-01T09:00:00Z' },
});

describe('a hollow node’s fake usage', () => {
  const node = { name: 'hollow-0', startedMs: NOW - 3_600_000, memoryCapacityBytes: 16 * 2 ** 30 };
  const usage = fakeUsage('10m', '16Mi');
  const s = fakeStatsSnapshot(
    node,
    [pod('web', 'Running'), pod('hot', 'Running', { [CPU_ANNOTATION]: '250m' }), pod('new', 'Pending')],
    usage,
    NOW,
  );

  it('gives each Running container the configured usage as a rate, and the node the sum plus a base', () => {
    const summary = buildSummary(s, []);
    expect(summary.pods.map((p) => [p.podRef.name, p.cpu.usageNanoCores, p.memory.workingSetBytes])).toEqual([
      ['web', 20_000_000, 32 * 2 ** 20],
      ['hot', 500_000_000, 32 * 2 ** 20],
    ]);
    expect(summary.node.cpu?.usageNanoCores).toBe(100_000_000 + 520_000_000);
    expect(summary.node.memory?.availableBytes).toBe(16 * 2 ** 30 - (512 + 64) * 2 ** 20);
  });

  it('reads as a kubelet’s /metrics/resource', () => {
    // 10m for an hour: 36 s of CPU.
    expect(renderResourceMetrics(s)).toContain(
      `container_cpu_usage_seconds_total{container="a",namespace="default",pod="web"} 36 ${NOW}`,
    );
  });
});
