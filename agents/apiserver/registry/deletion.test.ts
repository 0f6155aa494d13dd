import { describe, expect, it } from 'vitest';
import { R } from '../../api/resources';
import { decideDelete, deleteAnswer, preconditionFailure, shouldFinishDelete } from './deletion';

const now = new Date('2026-01-01T00:00:00Z');
const pod = (spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) => ({
  metadata: { name: 'p', ...meta },
  spec,
  status: { phase: 'Running' },
});

describe('decideDelete', () => {
  it('removes an unscheduled pod at once', () => {
    expect(decideDelete(R.pods, pod(), {}, now)).toEqual({ action: 'remove' });
  });

  it('gives a bound pod its grace period: 30 s by default, the spec, or the request', () => {
    const d = decideDelete(R.pods, pod({ nodeName: 'n1' }), {}, now);
    expect(d).toMatchObject({
      action: 'update',
      obj: { metadata: { deletionTimestamp: '2026-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 } },
    });
    expect(
      decideDelete(R.pods, pod({ nodeName: 'n1', terminationGracePeriodSeconds: 5 }), {}, now),
    ).toMatchObject({ obj: { metadata: { deletionGracePeriodSeconds: 5 } } });
    expect(decideDelete(R.pods, pod({ nodeName: 'n1' }), { gracePeriodSeconds: 0 }, now)).toEqual({
      action: 'remove',
    });
  });

  it('lets a second delete shorten the grace period, and grace 0 finish it', () => {
    const terminating = pod(
      { nodeName: 'n1' },
      { deletionTimestamp: '2026-01-01T00:00:30Z', deletionGracePeriodSeconds: 30 },
    );
    expect(decideDelete(R.pods, terminating, {}, now)).toEqual({ action: 'unchanged' });
    expect(decideDelete(R.pods, terminating, { gracePeriodSeconds: 10 }, now)).toMatchObject({
      action: 'update',
      obj: { metadata: { deletionGracePeriodSeconds: 10 } },
    });
    expect(decideDelete(R.pods, terminating, { gracePeriodSeconds: 0 }, now)).toEqual({ action: 'remove' });
  });

  it('keeps objects with finalizers, and records propagationPolicy as one', () => {
    const cm = { metadata: { name: 'c', finalizers: ['x/y'] } };
    expect(decideDelete(R.configmaps, cm, {}, now)).toMatchObject({
      action: 'update',
      obj: { metadata: { finalizers: ['x/y'], deletionTimestamp: '2026-01-01T00:00:00Z' } },
    });
    expect(
      decideDelete(R.deployments, { metadata: { name: 'd' } }, { propagationPolicy: 'Foreground' }, now),
    ).toMatchObject({ obj: { metadata: { finalizers: ['foregroundDeletion'] } } });
    expect(
      decideDelete(R.deployments, { metadata: { name: 'd' } }, { propagationPolicy: 'Orphan' }, now),
    ).toMatchObject({ obj: { metadata: { finalizers: ['orphan'] } } });
    expect(
      decideDelete(R.deployments, { metadata: { name: 'd' } }, { propagationPolicy: 'Background' }, now),
    ).toEqual({ action: 'remove' });
  });

  it('turns a namespace Terminating while its spec.finalizers remain', () => {
    const ns = { metadata: { name: 'n' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
    expect(decideDelete(R.namespaces, ns, {}, now)).toMatchObject({
      action: 'update',
      obj: { status: { phase: 'Terminating' }, metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } },
    });
    expect(decideDelete(R.namespaces, { metadata: { name: 'n' }, spec: {} }, {}, now)).toEqual({
      action: 'remove',
    });
  });
});

describe('shouldFinishDelete', () => {
  it('finishes when the last finalizer is gone (pods: once their grace is 0)', () => {
    const deleting = { deletionTimestamp: '2026-01-01T00:00:00Z' };
    expect(shouldFinishDelete(R.configmaps, { metadata: { ...deleting } })).toBe(true);
    expect(shouldFinishDelete(R.configmaps, { metadata: { ...deleting, finalizers: ['a'] } })).toBe(false);
    expect(shouldFinishDelete(R.configmaps, { metadata: {} })).toBe(false);
    expect(shouldFinishDelete(R.pods, { metadata: { ...deleting, deletionGracePeriodSeconds: 30 } })).toBe(
      false,
    );
    expect(shouldFinishDelete(R.pods, { metadata: { ...deleting, deletionGracePeriodSeconds: 0 } })).toBe(
      true,
    );
    expect(
      shouldFinishDelete(R.namespaces, { metadata: { ...deleting }, spec: { finalizers: ['kubernetes'] } }),
    ).toBe(false);
  });
});

describe('preconditionFailure', () => {
  it('names the mismatching uid or resourceVersion', () => {
    const obj = { metadata: { uid: 'u1', resourceVersion: '5' } };
    expect(preconditionFailure(obj, { preconditions: { uid: 'u2' } })).toBe(
      'Precondition failed: UID in precondition: u2, UID in object meta: u1',
    );
    expect(preconditionFailure(obj, { preconditions: { resourceVersion: '4' } })).toMatch(
      /ResourceVersion in precondition: 4/,
    );
    expect(preconditionFailure(obj, { preconditions: { uid: 'u1', resourceVersion: '5' } })).toBeUndefined();
  });
});

describe('deleteAnswer (store.go finalizeDelete)', () => {
  const cm = { kind: 'ConfigMap', metadata: { name: 'c1', namespace: 'default', uid: 'u-1' } };
  it('answers a removed object with a Success Status naming it', () => {
    expect(deleteAnswer(R.configmaps, cm)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: 'c1', kind: 'configmaps', uid: 'u-1' },
    });
    expect(deleteAnswer(R.deployments, { metadata: { name: 'd', uid: 'u-2' } })).toMatchObject({
      details: { name: 'd', group: 'apps', kind: 'deployments', uid: 'u-2' },
    });
  });

  it('answers with the object when it is still terminating, or when the store returns deleted objects', () => {
    const pending = { ...cm, metadata: { ...cm.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
    expect(deleteAnswer(R.configmaps, pending)).toBe(pending);
    const p = { kind: 'Pod', metadata: { name: 'p' } };
    expect(deleteAnswer(R.pods, p)).toBe(p);
    expect(deleteAnswer(R.services, p)).toBe(p);
  });
});
