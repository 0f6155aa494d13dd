// Pure: the PersistentVolume the local-path provisioner makes for a claim (what upstream's
// external provisioners do for a StorageClass, e.g. rancher's local-path-provisioner). A claim of
// class `local-path` that the scheduler marked `volume.kubernetes.io/selected-node: node-a` gets
//
//   pvc-<claim uid>   local: {path: <root>/pvc-<claim uid>}   nodeAffinity hostname In [node-a]
//                     capacity = the claim's request, modes = the claim's, reclaim = the class's
//                     claimRef pre-bound to the claim (uid too), so the binder binds exactly it.
import type { PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import type { Obj } from '../common/objects';

export const PROVISIONER = 'nodekube.io/local-path';
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const DEFAULT_ROOT = '/var/lib/nodekube/local-path';
/** The storage class the apiserver creates at bootstrap, the cluster's default. */
export const LOCAL_PATH_CLASS = 'local-path';

export const volumeNameFor = (claim: PersistentVolumeClaim) => `pvc-${claim.metadata?.uid}`;

/** What a claim needs from the provisioner: nothing yet, or a volume on the selected node. */
export function needsVolume(claim: PersistentVolumeClaim, cls: StorageClass | undefined): string | undefined {
  if (!cls || cls.provisioner !== PROVISIONER) return undefined;
  if (claim.spec?.volumeName || claim.metadata?.deletionTimestamp) return undefined;
  return claim.metadata?.annotations?.[ANN_SELECTED_NODE];
}

export function provisionedVolume(
  claim: PersistentVolumeClaim,
  cls: StorageClass,
  node: string,
  root: string,
): Obj<PersistentVolume> {
  const name = volumeNameFor(claim);
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, annotations: { [ANN_PROVISIONED_BY]: PROVISIONER } },
    spec: {
      capacity: { storage: claim.spec?.resources?.requests?.storage ?? '0' },
      accessModes: claim.spec?.accessModes,
      volumeMode: claim.spec?.volumeMode ?? 'Filesystem',
      persistentVolumeReclaimPolicy: cls.reclaimPolicy ?? 'Delete',
      storageClassName: cls.metadata?.name,
      local: { path: `${root.replace(/\/+$/, '')}/${name}` },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
          ],
        },
      },
      claimRef: {
        kind: 'PersistentVolumeClaim',
        apiVersion: 'v1',
        namespace: claim.metadata?.namespace,
        name: claim.metadata?.name,
        uid: claim.metadata?.uid,
      },
    },
  };
}

/** A Released volume of ours whose policy is Delete: its directory is emptied, then it goes. */
export function needsDelete(pv: PersistentVolume): boolean {
  return (
    pv.metadata?.annotations?.[ANN_PROVISIONED_BY] === PROVISIONER &&
    pv.status?.phase === 'Released' &&
    pv.spec?.persistentVolumeReclaimPolicy === 'Delete' &&
    !pv.metadata?.deletionTimestamp
  );
}

/** Label naming the volume a cleanup pod removes the directory of. */
export const CLEANUP_LABEL = 'nodekube.io/local-path-cleanup';

/**
 * The helper pod that removes a deleted volume's directory on its node: the provisioner runs in
 * the controller-manager on the master, the directory is on a minion, so a pod pinned there
 * (the volume's own nodeAffinity) mounts the parent directory and removes `<name>` from it.
 */
export function cleanupPod(pv: PersistentVolume): Obj<Pod> {
  const name = pv.metadata?.name ?? '';
  const path = pv.spec?.local?.path ?? '';
  const parent = path.slice(0, path.lastIndexOf('/')) || '/';
  const dir = path.slice(path.lastIndexOf('/') + 1);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `cleanup-${name}`, namespace: 'kube-system', labels: { [CLEANUP_LABEL]: name } },
    spec: {
      restartPolicy: 'Never',
      activeDeadlineSeconds: 60,
      ...(pv.spec?.nodeAffinity?.required
        ? {
            affinity: {
              nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: pv.spec.nodeAffinity.required },
            },
          }
        : {}),
      volumes: [{ name: 'root', hostPath: { path: parent } }],
      containers: [
        {
          name: 'cleanup',
          image: 'busybox',
          imagePullPolicy: 'IfNotPresent',
          command: ['rm', '-rf', `/root/${dir}`],
          volumeMounts: [{ name: 'root', mountPath: '/root' }],
        },
      ],
    },
  };
}
