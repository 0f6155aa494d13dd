import type { Node, Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { SchedulerCache } from './cache';
import { fitErrorMessage, numFeasibleNodesToFind, schedulePod, selectHost } from './find-node';
import { unresolvable, unschedulable } from './framework';
import { defaultFilters, defaultScores } from './plugins';
import { errorBackoffMs, SchedulingQueue } from './queue';
import { bindingFor, responsibleFor } from './schedule-one';
import { nodeSchedulingChanged } from './scheduler';

const node = (name: string, cpu = '4', extra: Partial<Node['spec']> = {}): Node => ({
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  spec: { ...extra },
  status: {
    allocatable: { cpu, memory: '16Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True' }],
  },
});
const pod = (name: string, cpu?: string): Pod => ({
  metadata: {
    namespace: 'default',
    name,
    uid: `uid-${name}`,
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs', controller: true },
    ],
  },
  spec: { containers: [{ name: 'c', image: 'i', resources: cpu ? { requests: { cpu } } : {} }] },
});

function clusterOf(nodes: Node[]) {
  const cache = new SchedulerCache();
  for (const n of nodes) cache.setNode(n);
  return cache;
}

/** Schedule pods one after another as the loop does: assume each before the next. */
function scheduleAll(cache: SchedulerCache, pods: Pod[]) {
  let start = 0;
  return pods.map((p) => {
    const r = schedulePod({
      pod: p,
      nodes: cache.nodes(),
      filters: defaultFilters,
      scores: defaultScores,
      ctx: { services: [] },
      start,
      rand: () => 0.5,
    });
    if (r.nodeName === undefined) return r.message;
    start = (start + r.evaluated) % cache.nodes().length;
    cache.assume(p, r.nodeName);
    return r.nodeName;
  });
}

describe('schedulePod', () => {
  it('spreads 6 pods of one ReplicaSet over 3 nodes 2/2/2', () => {
    const placed = scheduleAll(
      clusterOf([node('a'), node('b'), node('c')]),
      [1, 2, 3, 4, 5, 6].map((i) => pod(`web-${i}`)),
    );
    const perNode = Object.fromEntries(['a', 'b', 'c'].map((n) => [n, placed.filter((p) => p === n).length]));
    expect(perNode).toEqual({ a: 2, b: 2, c: 2 });
  });

  it('keeps pods off a cordoned node', () => {
    const placed = scheduleAll(
      clusterOf([node('a'), node('b', '4', { unschedulable: true })]),
      [1, 2, 3].map((i) => pod(`web-${i}`)),
    );
    expect(placed).toEqual(['a', 'a', 'a']);
  });

  it('sees assumed pods: two 3-cpu pods on two 4-cpu nodes go to different nodes, a third fits nowhere', () => {
    const placed = scheduleAll(clusterOf([node('a'), node('b')]), [
      pod('x', '3'),
      pod('y', '3'),
      pod('z', '3'),
    ]);
    expect(new Set(placed.slice(0, 2))).toEqual(new Set(['a', 'b']));
    expect(placed[2]).toBe(
      '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
  });

  it('says so when there are no nodes', () => {
    expect(scheduleAll(clusterOf([]), [pod('x')])).toEqual(['no nodes available to schedule pods']);
  });
});

describe('fitErrorMessage', () => {
  it('counts reasons over nodes and sorts them as upstream does', () => {
    const statuses = new Map([
      ['a', unresolvable('node(s) were unschedulable')],
      ['b', unschedulable('Insufficient cpu')],
      ['c', unschedulable('Insufficient cpu', 'Insufficient memory')],
    ]);
    expect(fitErrorMessage(3, statuses)).toBe(
      '0/3 nodes are available: 1 Insufficient memory, 1 node(s) were unschedulable, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });
});

describe('numFeasibleNodesToFind', () => {
  it.each([
    [3, 3],
    [99, 99],
    [100, 100],
    [500, 230],
    [5000, 500],
    [20000, 1000],
  ])('%i nodes → stop after %i feasible', (n, want) => {
    expect(numFeasibleNodesToFind(n)).toBe(want);
  });
});

describe('selectHost', () => {
  it('picks the highest total', () => {
    expect(selectHost([10, 30, 20], () => 0)).toBe(1);
  });
  it('breaks ties among the best at random', () => {
    expect(selectHost([30, 10, 30], () => 0)).toBe(2);
    expect(selectHost([30, 10, 30], () => 0.99)).toBe(0);
  });
});

describe('cache', () => {
  it('confirms an assumed pod from the informer and frees it when deleted or finished', () => {
    const cache = clusterOf([node('a')]);
    const p = pod('x', '1');
    cache.assume(p, 'a');
    expect(cache.get('a')?.requested.milliCpu).toBe(1000);
    const bound = { ...p, spec: { ...p.spec, nodeName: 'a' } } as Pod;
    cache.updatePod(bound);
    expect(cache.isAssumed('default/x')).toBe(false);
    expect(cache.get('a')?.requested).toMatchObject({ milliCpu: 1000, pods: 1 });
    cache.updatePod({ ...bound, status: { phase: 'Succeeded' } });
    expect(cache.get('a')?.requested).toMatchObject({ milliCpu: 0, pods: 0 });
  });
  it('forgets an assumed pod whose binding failed', () => {
    const cache = clusterOf([node('a')]);
    cache.assume(pod('x', '2'), 'a');
    cache.forget(pod('x', '2'));
    expect(cache.get('a')?.requested.milliCpu).toBe(0);
  });
});

describe('queue', () => {
  it('parks unschedulable pods until a node changes, or 60 s pass', () => {
    let now = 0;
    const q = new SchedulingQueue(() => now);
    q.park('default/a');
    q.park('default/b');
    now = 59_999;
    q.flushLeftover();
    expect(q.active.len()).toBe(0);
    now = 60_000;
    q.flushLeftover();
    expect(q.active.len()).toBe(2);
    q.park('default/c');
    q.moveAllToActive();
    expect(q.active.len()).toBe(3);
    expect(q.parkedCount()).toBe(0);
  });
  it('backs off errors 1 s, 2 s, 4 s … 10 s', () => {
    expect([1, 2, 3, 4, 5, 6].map(errorBackoffMs)).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
  });
});

describe('which pods and node changes matter', () => {
  it.each([
    ['pending pod for default-scheduler', pod('a'), true],
    ['already bound', { ...pod('a'), spec: { ...pod('a').spec, nodeName: 'n' } }, false],
    ['other scheduler', { ...pod('a'), spec: { ...pod('a').spec, schedulerName: 'mine' } }, false],
    ['being deleted', { ...pod('a'), metadata: { ...pod('a').metadata, deletionTimestamp: 'now' } }, false],
  ])('%s → ours: %s', (_n, p, want) => {
    expect(responsibleFor(p as Pod)).toBe(want);
  });
  it('ignores heartbeat-only node updates', () => {
    const a = node('a');
    const heartbeat = {
      ...a,
      status: { ...a.status, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: 'later' }] },
    };
    expect(nodeSchedulingChanged(a, heartbeat)).toBe(false);
    expect(nodeSchedulingChanged(a, { ...a, spec: { unschedulable: true } })).toBe(true);
  });
  it('binds with a Binding naming the node', () => {
    expect(bindingFor(pod('web-1'), 'minion1')).toEqual({
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'web-1', namespace: 'default', uid: 'uid-web-1' },
      target: { apiVersion: 'v1', kind: 'Node', name: 'minion1' },
    });
  });
});
