import { describe, expect, it } from 'vitest';
import { R, type ResourceInfo } from '../../api/resources';
import { withRequiredStatus } from './required-status';
import { prepareForCreate, prepareForUpdate } from './strategy';

const now = new Date('2026-01-01T00:00:00Z');

// What upstream answers to a create of each kind (k8s.io/api json tags without omitempty).
const created: Array<[ResourceInfo, unknown]> = [
  [R.replicationcontrollers, { replicas: 0 }],
  [R.replicasets, { replicas: 0 }],
  [R.statefulsets, { replicas: 0, availableReplicas: 0 }],
  [
    R.daemonsets,
    { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 },
  ],
  [R.poddisruptionbudgets, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }],
  [R.services, { loadBalancer: {} }],
  [R.deployments, {}],
  [R.jobs, {}],
  [R.cronjobs, {}],
  [R.namespaces, { phase: 'Active' }],
];

describe('upstream-defaulted status', () => {
  it.each(created)('create %s answers status %j', (r, want) => {
    const obj = prepareForCreate(
      r,
      { metadata: { name: 'x', namespace: 'default' }, status: { bogus: 1 } },
      now,
    );
    expect(obj.status).toEqual(want);
  });

  it('a status write keeps what the writer set and fills only the missing zeros', () => {
    const old = prepareForCreate(R.daemonsets, { metadata: { name: 'ds' } }, now);
    const next = prepareForUpdate(
      R.daemonsets,
      { ...old, status: { numberReady: 2, observedGeneration: 1 } },
      old,
      'status',
    );
    expect(next.status).toEqual({
      currentNumberScheduled: 0,
      numberMisscheduled: 0,
      desiredNumberScheduled: 0,
      numberReady: 2,
      observedGeneration: 1,
    });
  });

  it('an update of the main resource carries the stored status, zeros filled', () => {
    const old = { metadata: { name: 'rs', generation: 1 }, spec: { replicas: 1 }, status: {} };
    expect(prepareForUpdate(R.replicasets, { ...old, spec: { replicas: 2 } }, old).status).toEqual({
      replicas: 0,
    });
  });

  it('leaves kinds without required fields alone', () => {
    expect(withRequiredStatus(R.deployments, { replicas: 3 })).toEqual({ replicas: 3 });
    expect(withRequiredStatus(R.jobs, undefined)).toBeUndefined();
  });
});
