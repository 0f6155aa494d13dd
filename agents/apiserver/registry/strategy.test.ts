import { describe, expect, it } from 'vitest';
import { R } from '../../api/resources';
import { jsonEqual, prepareForCreate, prepareForUpdate, qosClass } from './strategy';

const now = new Date('2026-01-01T00:00:00.123Z');

describe('prepareForCreate', () => {
  it('stamps identity, drops client-set server fields, and resets status', () => {
    const out = prepareForCreate(
      R.deployments,
      {
        metadata: { name: 'd', resourceVersion: '9', deletionTimestamp: 'x' },
        spec: { replicas: 1 },
        status: { replicas: 5 },
      },
      now,
      'uid-1',
    );
    expect(out).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', uid: 'uid-1', creationTimestamp: '2026-01-01T00:00:00Z', generation: 1 },
      status: {},
    });
    expect(out.metadata?.resourceVersion).toBeUndefined();
    expect(out.metadata?.deletionTimestamp).toBeUndefined();
  });

  it('starts pods Pending with their QoS class, namespaces Active; nodes keep the status they register with', () => {
    expect(
      prepareForCreate(R.pods, { metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } }, now)
        .status,
    ).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    expect(prepareForCreate(R.namespaces, { metadata: { name: 'n' } }, now).status).toEqual({
      phase: 'Active',
    });
    expect(
      prepareForCreate(R.nodes, { metadata: { name: 'n' }, status: { capacity: { cpu: '2' } } }, now).status,
    ).toEqual({ capacity: { cpu: '2' } });
    expect(
      prepareForCreate(R.configmaps, { metadata: { name: 'c' } }, now).metadata?.generation,
    ).toBeUndefined();
  });
});

describe('prepareForUpdate', () => {
  const old = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'ns', uid: 'u', creationTimestamp: 't', generation: 3 },
    spec: { replicas: 1 },
    status: { replicas: 1 },
  };
  it('bumps generation only when the spec changes, and keeps status on the main resource', () => {
    const relabel = prepareForUpdate(
      R.deployments,
      { ...old, metadata: { ...old.metadata, labels: { a: 'b' }, uid: 'forged' }, status: { replicas: 99 } },
      old,
    );
    expect(relabel.metadata).toMatchObject({ generation: 3, uid: 'u', labels: { a: 'b' } });
    expect(relabel.status).toEqual({ replicas: 1 });
    expect(prepareForUpdate(R.deployments, { ...old, spec: { replicas: 2 } }, old).metadata?.generation).toBe(
      4,
    );
  });

  it('takes only the status on /status', () => {
    const out = prepareForUpdate(
      R.deployments,
      { ...old, spec: { replicas: 7 }, status: { replicas: 2 } },
      old,
      'status',
    );
    expect(out.spec).toEqual({ replicas: 1 });
    expect(out.status).toEqual({ replicas: 2 });
  });
});

describe('helpers', () => {
  it('jsonEqual ignores key order and undefined fields', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1, d: undefined })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
  });

  it('qosClass follows requests and limits', () => {
    const pod = (resources: Record<string, unknown>) => ({
      spec: { containers: [{ name: 'c', resources }] },
    });
    expect(qosClass(pod({}))).toBe('BestEffort');
    expect(qosClass(pod({ requests: { cpu: '100m' } }))).toBe('Burstable');
    expect(qosClass(pod({ limits: { cpu: '1', memory: '1Gi' } }))).toBe('Guaranteed');
    expect(qosClass(pod({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } }))).toBe(
      'Burstable',
    );
  });
});
