import type { ComponentStatus, Node } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { parseUnitShow } from '../services';
import { componentTable, humanAge, nodeTable } from '../tables';
import { MINION_UNITS, readiness, suspectUnit, waitingLine } from './validate';

const node = (
  name: string,
  ready: 'True' | 'False' | undefined,
  extra: Partial<Node['spec']> = {},
): Node => ({
  metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: extra,
  status: {
    conditions: ready ? [{ type: 'Ready', status: ready }] : [],
    nodeInfo: { kubeletVersion: 'v1.33.0-nodekube' } as never,
  },
});

describe('validate-cluster lines', () => {
  it('counts ready and registered minions like kube-up', () => {
    const r = readiness(
      [node('minion1', 'True'), node('minion2', 'False')],
      ['minion1', 'minion2', 'minion3'],
    );
    expect(r).toEqual({
      ready: ['minion1'],
      registered: ['minion1', 'minion2'],
      missing: ['minion3'],
      notReady: ['minion2'],
    });
    expect(waitingLine(3, r)).toBe('Waiting for 3 ready nodes. 1 ready nodes, 2 registered. Retrying.');
  });

  it('ignores nodes that are not in the inventory', () => {
    expect(readiness([node('stranger', 'True')], ['minion1']).ready).toEqual([]);
  });

  it('prints the node table kubectl-style', () => {
    const now = Date.parse('2026-01-01T00:03:05Z');
    expect(nodeTable([node('minion2', 'False', { unschedulable: true }), node('minion1', 'True')], now)).toBe(
      [
        'NAME      STATUS                        ROLES    AGE    VERSION',
        'minion1   Ready                         <none>   3m5s   v1.33.0-nodekube',
        'minion2   NotReady,SchedulingDisabled   <none>   3m5s   v1.33.0-nodekube',
      ].join('\n'),
    );
  });

  it('prints componentstatuses like kubectl get cs', () => {
    const cs = (name: string, ok: boolean, message: string): ComponentStatus => ({
      metadata: { name },
      conditions: [
        {
          type: 'Healthy',
          status: ok ? 'True' : 'False',
          message,
          ...(ok ? {} : { error: 'connection refused' }),
        },
      ],
    });
    expect(componentTable([cs('etcd-0', true, '{"health":"true"}'), cs('scheduler', false, '')])).toBe(
      [
        'NAME        STATUS      MESSAGE             ERROR',
        'etcd-0      Healthy     {"health":"true"}',
        'scheduler   Unhealthy                       connection refused',
      ].join('\n'),
    );
  });

  it.each([
    [45_000, '45s'],
    [185_000, '3m5s'],
    [30 * 60_000, '30m'],
    [125 * 60_000, '2h5m'],
    [50 * 3_600_000, '2d'],
  ])('age %i ms → %s', (ms, want) => {
    expect(humanAge(ms)).toBe(want);
  });
});

describe('diagnosis', () => {
  const show = (units: [string, string, string, number][]) =>
    parseUnitShow(
      units
        .map(([id, a, s, n]) => `Id=${id}.service\nActiveState=${a}\nSubState=${s}\nNRestarts=${n}`)
        .join('\n\n'),
    );

  it('blames the first unit that is down, causes before effects', () => {
    const h = show([
      ['docker', 'failed', 'failed', 0],
      ['kubelet', 'activating', 'auto-restart', 4],
      ['kube-proxy', 'active', 'running', 0],
      ['kube-hostgw', 'active', 'running', 0],
    ]);
    expect(suspectUnit(h, MINION_UNITS)).toEqual({ unit: 'docker', state: 'failed (failed)' });
  });

  it('sees a crash loop even while the unit looks active', () => {
    const h = show([
      ['docker', 'active', 'running', 0],
      ['kubelet', 'active', 'running', 7],
      ['kube-proxy', 'active', 'running', 0],
      ['kube-hostgw', 'active', 'running', 0],
    ]);
    expect(suspectUnit(h, MINION_UNITS)).toEqual({ unit: 'kubelet', state: 'active (running, 7 restarts)' });
  });

  it('reads the kubelet when everything runs, and names a missing unit', () => {
    const all = show(
      MINION_UNITS.map((u) => [u, 'active', 'running', 0] as [string, string, string, number]),
    );
    expect(suspectUnit(all, MINION_UNITS).unit).toBe('kubelet');
    expect(suspectUnit(show([['docker', 'active', 'running', 0]]), MINION_UNITS)).toEqual({
      unit: 'kubelet',
      state: 'not installed',
    });
  });
});
