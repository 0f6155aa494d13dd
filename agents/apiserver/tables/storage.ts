// PersistentVolumes, PersistentVolumeClaims and StorageClasses as `kubectl get pv,pvc,sc` prints
// them (pkg/printers/internalversion/printers.go):
//
//   NAME   CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS   CLAIM           STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE
//   pv01   10Gi       RWO            Recycle          Bound    default/myclaim slow           <unset>                          2m
//   NAME         PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      ALLOWVOLUMEEXPANSION   AGE
//   local-path (default)   nodekube.io/local-path   Delete   WaitForFirstConsumer   false   5m

import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import { since } from './age';
import { AGE, column, NAME, type Printer } from './columns';

const str = (name: string, description: string, wide = false) =>
  column(name, 'string', description, { wide });

/** ReadWriteOnce → RWO, as kubectl abbreviates access modes. */
const ABBREVIATION: Record<string, string> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP',
};
export const accessModes = (modes: readonly string[] | undefined) =>
  (modes ?? []).map((m) => ABBREVIATION[m] ?? m).join(',');

/** The annotation (and its beta spelling) that makes a StorageClass the default. */
export const isDefaultClass = (sc: StorageClass) =>
  ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'].some(
    (a) => sc.metadata?.annotations?.[a] === 'true',
  );

const UNSET = '<unset>';

export const persistentVolumePrinter: Printer = {
  columns: [
    NAME,
    str('Capacity', "capacity is the description of the persistent volume's resources and capacity."),
    str('Access Modes', 'accessModes contains all ways the volume can be mounted.'),
    str(
      'Reclaim Policy',
      'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.',
    ),
    str('Status', 'phase indicates if a volume is available, bound to a claim, or released by a claim.'),
    str(
      'Claim',
      'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.',
    ),
    str(
      'StorageClass',
      'storageClassName is the name of StorageClass to which this persistent volume belongs.',
    ),
    str('VolumeAttributesClass', 'Name of VolumeAttributesClass to which this persistent volume belongs.'),
    str('Reason', 'reason is a brief CamelCase string that describes any failure.'),
    AGE,
    str(
      'VolumeMode',
      'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.',
      true,
    ),
  ],
  cells: (pv: PersistentVolume, now) => {
    const claim = pv.spec?.claimRef;
    return [
      pv.metadata?.name,
      pv.spec?.capacity?.storage ?? '',
      accessModes(pv.spec?.accessModes),
      pv.spec?.persistentVolumeReclaimPolicy ?? '',
      pv.status?.phase ?? '',
      claim ? `${claim.namespace}/${claim.name}` : '',
      pv.spec?.storageClassName ?? '',
      pv.spec?.volumeAttributesClassName ?? UNSET,
      pv.status?.reason ?? '',
      since(now, pv.metadata?.creationTimestamp),
      pv.spec?.volumeMode ?? 'Filesystem',
    ];
  },
};

export const persistentVolumeClaimPrinter: Printer = {
  columns: [
    NAME,
    str('Status', 'phase represents the current phase of PersistentVolumeClaim.'),
    str('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
    str('Capacity', 'capacity represents the actual resources of the underlying volume.'),
    str('Access Modes', 'accessModes contains the actual access modes the volume backing the PVC has.'),
    str('StorageClass', 'storageClassName is the name of the StorageClass required by the claim.'),
    str(
      'VolumeAttributesClass',
      'volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.',
    ),
    AGE,
    str('VolumeMode', 'volumeMode defines what type of volume is required by the claim.', true),
  ],
  cells: (pvc: PersistentVolumeClaim, now) => {
    const bound = pvc.status?.phase === 'Bound';
    return [
      pvc.metadata?.name,
      pvc.status?.phase ?? '',
      pvc.spec?.volumeName ?? '',
      bound ? (pvc.status?.capacity?.storage ?? '') : '',
      bound ? accessModes(pvc.status?.accessModes) : '',
      pvc.spec?.storageClassName ?? '',
      pvc.spec?.volumeAttributesClassName ?? UNSET,
      since(now, pvc.metadata?.creationTimestamp),
      pvc.spec?.volumeMode ?? 'Filesystem',
    ];
  },
};

export const storageClassPrinter: Printer = {
  columns: [
    NAME,
    str('Provisioner', 'provisioner indicates the type of the provisioner.'),
    str(
      'ReclaimPolicy',
      'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.',
    ),
    str(
      'VolumeBindingMode',
      'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.',
    ),
    str('AllowVolumeExpansion', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
    AGE,
  ],
  cells: (sc: StorageClass, now) => [
    isDefaultClass(sc) ? `${sc.metadata?.name} (default)` : sc.metadata?.name,
    sc.provisioner,
    sc.reclaimPolicy ?? 'Delete',
    sc.volumeBindingMode ?? 'Immediate',
    sc.allowVolumeExpansion ?? false,
    since(now, sc.metadata?.creationTimestamp),
  ],
};
