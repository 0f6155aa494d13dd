import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import { describe, expect, it } from 'vitest';
import type { NodeInfo } from '../framework';
import { REASON_NODE_CONFLICT, REASON_UNBOUND_IMMEDIATE, volumeBinding } from './volume-binding';

const node = (name: string): NodeInfo =>
  ({ node: { metadata: { name, labels: { 'kubernetes.io/hostname': name } } } as Node }) as NodeInfo;
const pod = (claim: string): Pod => ({
  metadata: { name: 'p', namespace: 'default' },
  spec: { containers: [], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }] },
});
const claims: Record<string, PersistentVolumeClaim> = {
  bound: { spec: { volumeName: 'pv-a' } },
  wait: { spec: { storageClassName: 'local-path' } },
  immediate: { spec: { storageClassName: 'fast' } },
};
const volumes: Record<string, PersistentVolume> = {
  'pv-a': {
    spec: {
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['a'] }] },
          ],
        },
      },
    },
  },
};
const classes: Record<string, StorageClass> = {
  'local-path': { provisioner: 'nodekube.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' },
  fast: { provisioner: 'x', volumeBindingMode: 'Immediate' },
};
const plugin = volumeBinding({
  claim: (_ns, n) => claims[n],
  volume: (n) => volumes[n],
  storageClass: (n) => classes[n],
});

describe('VolumeBinding filter', () => {
  it.each([
    ['a bound claim whose local volume is on node a, on a', 'bound', 'a', 'Success', []],
    ['… on node b', 'bound', 'b', 'UnschedulableAndUnresolvable', [REASON_NODE_CONFLICT]],
    ['an unbound WaitForFirstConsumer claim: any node', 'wait', 'b', 'Success', []],
    [
      'an unbound Immediate claim waits for the binder',
      'immediate',
      'a',
      'Unschedulable',
      [REASON_UNBOUND_IMMEDIATE],
    ],
    [
      'a missing claim',
      'nope',
      'a',
      'UnschedulableAndUnresolvable',
      ['persistentvolumeclaim "nope" not found'],
    ],
  ])('%s', (_what, claim, nodeName, code, reasons) => {
    expect(plugin.filter(pod(claim), node(nodeName))).toEqual({ code, reasons });
  });
});
