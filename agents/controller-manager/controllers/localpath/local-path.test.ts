import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import { describe, expect, it } from 'vitest';
import { cleanupPod, needsDelete, needsVolume, provisionedVolume } from './local-path';

const cls: StorageClass = {
  metadata: { name: 'local-path' },
  provisioner: 'nodekube.io/local-path',
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'WaitForFirstConsumer',
};
const claim = (annotations?: Record<string, string>, volumeName?: string): PersistentVolumeClaim => ({
  metadata: { name: 'data-web-0', namespace: 'default', uid: 'u1', annotations },
  spec: {
    storageClassName: 'local-path',
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: '2Gi' } },
    volumeName,
  },
});
const selected = { 'volume.kubernetes.io/selected-node': 'node-a' };

describe('local-path provisioner decisions', () => {
  it.each([
    ['no node selected yet', claim(), cls, undefined],
    ['node selected', claim(selected), cls, 'node-a'],
    ['already bound', claim(selected, 'pv-x'), cls, undefined],
    ['another provisioner', claim(selected), { ...cls, provisioner: 'x' }, undefined],
  ])('needsVolume: %s', (_what, c, k, want) => {
    expect(needsVolume(c, k)).toBe(want);
  });

  it('provisions pvc-<uid> on the selected node, sized as asked, pre-bound to the claim', () => {
    const pv = provisionedVolume(claim(selected), cls, 'node-a', '/var/lib/nodekube/local-path/');
    expect(pv).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        name: 'pvc-u1',
        annotations: { 'pv.kubernetes.io/provisioned-by': 'nodekube.io/local-path' },
      },
      spec: {
        capacity: { storage: '2Gi' },
        accessModes: ['ReadWriteOnce'],
        volumeMode: 'Filesystem',
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: 'local-path',
        local: { path: '/var/lib/nodekube/local-path/pvc-u1' },
        nodeAffinity: {
          required: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-a'] }] },
            ],
          },
        },
        claimRef: {
          kind: 'PersistentVolumeClaim',
          apiVersion: 'v1',
          namespace: 'default',
          name: 'data-web-0',
          uid: 'u1',
        },
      },
    });
    expect(needsDelete(pv)).toBe(false);
    expect(needsDelete({ ...pv, status: { phase: 'Released' } })).toBe(true);
    const pod = cleanupPod(pv);
    expect(pod.spec?.containers[0].command).toEqual(['rm', '-rf', '/root/pvc-u1']);
    expect(pod.spec?.volumes).toEqual([{ name: 'root', hostPath: { path: '/var/lib/nodekube/local-path' } }]);
    expect(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual(
      pv.spec?.nodeAffinity?.required,
    );
  });
});
