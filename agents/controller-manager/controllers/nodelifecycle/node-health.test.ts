import { describe, expect, it } from 'vitest';
import type { NodeObj } from '../common/objects';
import { desiredTaints, isStale, observeHeartbeat, unknownConditions } from './node-health';
import { evictionTime } from './taint-eviction';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const node = (ready: string | undefined, extra: Record<string, any> = {}): NodeObj => ({
  metadata: { name: 'n1' },
  spec: { ...extra },
  status: {
    conditions: ready ? [{ type: 'Ready', status: ready, lastHeartbeatTime: '2026-01-01T00:00:00Z' }] : [],
  },
});

describe('heartbeat on our clock', () => {
  it('a heartbeat that stops changing goes stale after the grace period (40 s)', () => {
    const lease = { spec: { renewTime: '2026-01-01T00:00:00.000000Z' } };
    const h0 = observeHeartbeat(undefined, node('True'), lease, T0);
    const h1 = observeHeartbeat(h0, node('True'), lease, T0 + 30_000);
    expect(h1.probeTime).toBe(T0);
    expect(isStale(h1, node('True'), T0 + 40_000, 40_000)).toBe(false);
    expect(isStale(h1, node('True'), T0 + 40_001, 40_000)).toBe(true);
    // A lease renewal restarts the clock even when the Node status itself is unchanged.
    const h2 = observeHeartbeat(
      h1,
      node('True'),
      { spec: { renewTime: '2026-01-01T00:00:10.000000Z' } },
      T0 + 45_000,
    );
    expect(h2.probeTime).toBe(T0 + 45_000);
    // Already Unknown: nothing more to mark.
    expect(isStale(h1, node('Unknown'), T0 + 60_000, 40_000)).toBe(false);
  });

  it('marks every condition Unknown with upstream reason and message', () => {
    const [ready] = unknownConditions(node('True'), T0);
    expect(ready).toMatchObject({
      type: 'Ready',
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    });
    expect(unknownConditions(node(undefined), T0)[0].reason).toBe('NodeStatusNeverUpdated');
  });
});

describe('desiredTaints', () => {
  const keys = (n: NodeObj) => desiredTaints(n, T0).map((t) => `${t.key}:${t.effect}`);
  it.each([
    ['True', {}, []],
    [
      'Unknown',
      {},
      ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule'],
    ],
    ['False', {}, ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/not-ready:NoSchedule']],
    ['True', { unschedulable: true }, ['node.kubernetes.io/unschedulable:NoSchedule']],
    [
      'True',
      {
        taints: [
          { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2025-12-31T00:00:00Z' },
          { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
        ],
      },
      ['dedicated:NoSchedule'],
    ],
  ])('Ready %s, spec %j → %j', (ready, spec, want) => {
    expect(keys(node(ready, spec))).toEqual(want);
  });
  it('keeps timeAdded of a taint that stays', () => {
    const n = node('Unknown', {
      taints: [
        { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2025-12-31T23:59:00Z' },
      ],
    });
    expect(desiredTaints(n, T0)[0].timeAdded).toBe('2025-12-31T23:59:00Z');
    expect(desiredTaints(node('Unknown'), T0)[0].timeAdded).toBe('2026-01-01T00:00:00Z');
  });
});

describe('evictionTime', () => {
  const unreachable = [
    { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' },
  ];
  it.each([
    ['no toleration → at once', [], 0],
    [
      'default 300 s toleration → 300 s after timeAdded',
      [
        {
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ],
      T0 + 300_000,
    ],
    [
      '5 s (short test flag)',
      [
        {
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 5,
        },
      ],
      T0 + 5_000,
    ],
    [
      'tolerate forever (DaemonSet pods)',
      [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }],
      Number.POSITIVE_INFINITY,
    ],
    ['Exists without key tolerates everything', [{ operator: 'Exists' }], Number.POSITIVE_INFINITY],
    [
      'a NoSchedule toleration does not help',
      [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }],
      0,
    ],
  ] as const)('%s', (_name, tolerations, want) => {
    expect(evictionTime(tolerations as any, unreachable as any)).toBe(want);
  });
});
