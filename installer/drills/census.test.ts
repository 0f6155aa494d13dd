import { describe, expect, it } from 'vitest';
import { census, nodeSample } from './census';
import { compareSnapshots, entryOf } from './snapshot';
import type { KNode, KPod } from './types';

const node = (name: string, ready: string, taints: { key: string; effect: string }[] = []): KNode => ({
  metadata: { name },
  spec: { taints },
  status: { conditions: [{ type: 'Ready', status: ready }] },
});
const pod = (uid: string, nodeName: string, ready: boolean, deleting = false): KPod => ({
  metadata: {
    uid,
    name: uid,
    namespace: 'drill',
    ...(deleting ? { deletionTimestamp: '2026-12-01T19:00:00Z' } : {}),
  },
  spec: { nodeName, containers: [] },
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

describe('what one look at the API says', () => {
  it('reads Ready True/False/Unknown as the lane states, and only NoExecute lifecycle taints as tainted', () => {
    expect(nodeSample(1, node('m1', 'True'))).toEqual({ t: 1, node: 'm1', state: 'Ready', tainted: false });
    expect(nodeSample(1, node('m1', 'False')).state).toBe('NotReady');
    expect(
      nodeSample(1, node('m1', 'Unknown', [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }])),
    ).toMatchObject({ state: 'Unknown', tainted: true });
    expect(
      nodeSample(1, node('m1', 'True', [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }]))
        .tainted,
    ).toBe(false);
  });

  it('counts per node: Ready, live (not terminating), terminating, and evictions remembered by uid', () => {
    const gone = new Map([['c', 'minion2']]);
    const c = census(
      5,
      [pod('a', 'minion1', true), pod('b', 'minion2', false), pod('c', 'minion2', true, true)],
      gone,
    );
    expect(c).toEqual({
      t: 5,
      ready: { minion1: 1 },
      live: { minion1: 1, minion2: 1 },
      terminating: { minion2: 1 },
      evictedFrom: { minion2: 1 },
    });
  });
});

describe('snapshots', () => {
  const svc = (uid: string, port: number) => ({
    metadata: { uid, name: 'web', namespace: 'default', resourceVersion: '7' },
    spec: { ports: [{ port }], type: 'ClusterIP' },
  });

  it('hashes specs independently of key order', () => {
    const a = entryOf('services', {
      metadata: { uid: 'u' },
      spec: { type: 'ClusterIP', ports: [{ port: 80 }] },
    });
    const b = entryOf('services', {
      metadata: { uid: 'u' },
      spec: { ports: [{ port: 80 }], type: 'ClusterIP' },
    });
    expect(a.specHash).toBe(b.specHash);
  });

  it('calls an object lost when its uid is gone, changed when its spec differs; replaced pods are neither', () => {
    const before = [
      entryOf('services', svc('s1', 80)),
      entryOf('services', { ...svc('s2', 80), metadata: { ...svc('s2', 80).metadata, name: 'api' } }),
      entryOf('pods', {
        metadata: {
          uid: 'p1',
          name: 'web-1',
          namespace: 'drill',
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs', controller: true },
          ],
        },
      }),
      entryOf('pods', { metadata: { uid: 'p2', name: 'bare', namespace: 'default' } }),
    ];
    const after = [
      entryOf('services', svc('s1', 81)),
      entryOf('configmaps', { metadata: { uid: 'w1', name: 'drill-write-1', namespace: 'drill' } }),
    ];
    expect(compareSnapshots(before, after, (k) => k.startsWith('configmaps/drill/drill-write-'))).toEqual({
      before: 4,
      after: 1,
      lost: ['services/default/api', 'pods/default/bare'],
      specChanged: ['services/default/web'],
    });
  });
});

describe('entryOf: what counts as a Node spec change', () => {
  const nodeObj = (spec: object) => ({ metadata: { name: 'minion1', uid: 'u' }, spec });
  it('ignores the node-lifecycle taints and an emptied taint list', () => {
    const before = entryOf('nodes', nodeObj({ podCIDR: '10.244.1.0/24' })).specHash;
    expect(entryOf('nodes', nodeObj({ podCIDR: '10.244.1.0/24', taints: [] })).specHash).toBe(before);
    expect(
      entryOf(
        'nodes',
        nodeObj({
          podCIDR: '10.244.1.0/24',
          taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }],
        }),
      ).specHash,
    ).toBe(before);
  });
  it('still sees a taint a user added, and a cordon', () => {
    const before = entryOf('nodes', nodeObj({ podCIDR: '10.244.1.0/24' })).specHash;
    expect(
      entryOf(
        'nodes',
        nodeObj({ podCIDR: '10.244.1.0/24', taints: [{ key: 'dedicated', effect: 'NoSchedule' }] }),
      ).specHash,
    ).not.toBe(before);
    expect(entryOf('nodes', nodeObj({ podCIDR: '10.244.1.0/24', unschedulable: true })).specHash).not.toBe(
      before,
    );
  });
});
