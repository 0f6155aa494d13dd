import { describe, expect, it } from 'vitest';
import { pod } from '../../testing/builders';
import type { PodObj, StatefulSetObj } from '../common/objects';
import { parentAndOrdinal } from './stateful-pods';
import {
  computeStatus,
  type PlanInput,
  planUpdate,
  revisionForOrdinal,
  splitByOrdinal,
} from './statefulset-math';

// A pod of set `web` by a short code: R = Running+Ready, P = Pending, N = Running not ready,
// T = terminating (ready), F = Failed; the revision after the colon (default `new`).
function p(ordinal: number, code: string): PodObj {
  const [state, rev = 'new'] = code.split(':');
  const x = pod(`web-${ordinal}`, {
    node: state === 'P' ? undefined : 'n1',
    phase: state === 'F' ? 'Failed' : state === 'P' ? 'Pending' : 'Running',
    ready: state === 'R' || state === 'T',
    deleting: state === 'T',
    labels: { app: 'web', 'controller-revision-hash': rev },
  });
  return x;
}

/** Pods from a layout string like "R R P" (ordinal = position; '-' = missing). */
function layout(s: string, replicas: number) {
  const pods = (s ? s.split(' ') : [])
    .map((code, i) => (code === '-' ? undefined : p(i, code)))
    .filter((x): x is PodObj => x !== undefined);
  return splitByOrdinal(pods, 0, replicas);
}

function plan(s: string, replicas: number, opts: Partial<PlanInput> = {}): string[] {
  return planUpdate({
    monotonic: true,
    ...layout(s, replicas),
    start: 0,
    onDelete: false,
    partition: 0,
    updateRevision: 'new',
    minReadySeconds: 0,
    now: Date.parse('2026-01-01T00:00:00Z'),
    ...opts,
  }).map((st) =>
    st.op === 'create' ? `create web-${st.ordinal}` : `delete ${st.pod.metadata?.name} (${st.why})`,
  );
}

describe('planUpdate', () => {
  it.each([
    // pods (by ordinal),  spec.replicas, OrderedReady steps
    ['', 3, ['create web-0']],
    ['P', 3, []], // web-0 not Running and Ready yet: wait
    ['N', 3, []],
    ['R', 3, ['create web-1']],
    ['R R', 3, ['create web-2']],
    ['R R R', 3, []],
    ['R F R', 3, ['delete web-1 (failed)']],
    ['R R R', 1, ['delete web-2 (condemned)']], // highest ordinal first
    ['R R T', 1, []], // wait for web-2 to be gone
    ['R R', 1, ['delete web-1 (condemned)']],
    ['R P R', 1, ['delete web-2 (condemned)']], // web-2 is ready and highest: it goes first
    ['R R P', 1, ['delete web-2 (condemned)']], // the first unhealthy pod may go
    ['P R R', 1, []], // web-0 must be ready before anything is removed
  ])('OrderedReady %j × %i → %j', (pods, replicas, steps) => {
    expect(plan(pods, replicas)).toEqual(steps);
  });

  it.each([
    ['', 3, ['create web-0', 'create web-1', 'create web-2']],
    ['P - P', 3, ['create web-1']],
    ['R R R R', 1, ['delete web-3 (condemned)', 'delete web-2 (condemned)', 'delete web-1 (condemned)']],
    ['R T', 0, ['delete web-0 (condemned)']],
  ])('Parallel %j × %i → %j', (pods, replicas, steps) => {
    expect(plan(pods, replicas, { monotonic: false })).toEqual(steps);
  });

  it.each([
    // pods with revisions,            partition, steps
    ['R:old R:old R:old', 0, ['delete web-2 (update)']], // highest ordinal first
    ['R:old R:old T:old', 0, []], // wait for web-2 to go (then it is created new)
    ['R:old R:old P', 0, []], // wait for the new web-2 to be Ready
    ['R:old R:old R', 0, ['delete web-1 (update)']],
    ['R:old R R', 0, ['delete web-0 (update)']],
    ['R R R', 0, []],
    ['R:old R:old R', 1, ['delete web-1 (update)']],
    ['R:old R R', 1, []], // web-0 is below the partition: it keeps the old revision
    ['R:old R:old R:old', 3, []],
  ])('RollingUpdate %j, partition %i → %j', (pods, partition, steps) => {
    expect(plan(pods, 3, { partition })).toEqual(steps);
  });

  it('OnDelete replaces nothing by itself', () => {
    expect(plan('R:old R:old R:old', 3, { onDelete: true })).toEqual([]);
    expect(plan('R:old - R:old', 3, { onDelete: true })).toEqual(['create web-1']);
  });
});

describe('revisionForOrdinal', () => {
  it.each([
    [0, false, 2, 'current'],
    [1, false, 2, 'current'],
    [2, false, 2, 'update'],
    [0, false, 0, 'update'],
    [0, true, 2, 'update'], // OnDelete: a recreated pod gets the new template
  ] as const)('ordinal %i, onDelete %s, partition %i → %s', (ordinal, onDelete, partition, which) => {
    expect(revisionForOrdinal(ordinal, { onDelete, partition })).toBe(which);
  });
});

describe('identity', () => {
  it.each([
    ['web-0', { parent: 'web', ordinal: 0 }],
    ['my-db-12', { parent: 'my-db', ordinal: 12 }],
    ['web', undefined],
    ['web-x', undefined],
  ])('%s → %j', (name, out) => {
    expect(parentAndOrdinal(name)).toEqual(out);
  });
});

describe('computeStatus', () => {
  const set = (type = 'RollingUpdate'): StatefulSetObj => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', generation: 4 },
    spec: { replicas: 3, selector: {}, serviceName: 'web', template: {}, updateStrategy: { type } },
  });
  const revs = { current: 'old', update: 'new', collisionCount: 0 };
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('counts replicas, ready, current and updated pods (terminating ones only in replicas and ready)', () => {
    const { replicas, condemned } = layout('R:old N:old R T:old', 4);
    const pods = [...replicas, ...condemned].filter((x): x is PodObj => !!x);
    expect(computeStatus(set(), pods, revs, now)).toEqual({
      observedGeneration: 4,
      replicas: 4,
      readyReplicas: 3,
      availableReplicas: 3,
      currentReplicas: 2,
      updatedReplicas: 1,
      currentRevision: 'old',
      updateRevision: 'new',
      collisionCount: 0,
    });
  });

  it('a finished rolling update makes the update revision current', () => {
    const pods = layout('R R R', 3).replicas as PodObj[];
    expect(computeStatus(set(), pods, revs, now)).toMatchObject({
      currentReplicas: 3,
      updatedReplicas: 3,
      currentRevision: 'new',
    });
    // OnDelete keeps status.currentRevision where it was (upstream does the same).
    expect(computeStatus(set('OnDelete'), pods, revs, now)).toMatchObject({ currentRevision: 'old' });
  });
});
