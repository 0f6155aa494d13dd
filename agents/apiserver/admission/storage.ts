// Defaults and validation for the storage kinds (pkg/apis/core/v1/defaults.go,
// pkg/apis/core/validation: ValidatePersistentVolume, ValidatePersistentVolumeClaim;
// pkg/apis/storage/validation):
//
//   PersistentVolume       capacity.storage, accessModes and exactly one volume source required;
//                          reclaim policy Retain unless given (dynamic provisioners set Delete)
//   PersistentVolumeClaim  accessModes and resources.requests.storage required; the spec is
//                          immutable once created except requests (expansion) and volumeName
//                          (binding); volumeMode Filesystem by default
//   StorageClass           provisioner required and immutable, reclaimPolicy Delete by default

import type { FieldCause } from '../../api/errors';
import { parseQuantity } from '../../api/quantity';
import { forbidden, immutable, invalid, notSupported, required } from './field-errors';
import { child, setDefault } from './pod-defaults';

type Obj = Record<string, any>;

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
const VOLUME_MODES = ['Block', 'Filesystem'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];
/** The volume sources a PersistentVolume may name; nodekube's kubelet mounts hostPath, local and nfs. */
const PV_SOURCES = [
  'hostPath',
  'local',
  'nfs',
  'iscsi',
  'csi',
  'cephfs',
  'rbd',
  'fc',
  'glusterfs',
  'awsElasticBlockStore',
  'gcePersistentDisk',
  'azureDisk',
  'azureFile',
];

export const storageDefaulters: Record<string, (obj: Obj) => void> = {
  persistentvolumes(pv) {
    const spec = child(pv, 'spec');
    setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
    setDefault(spec, 'volumeMode', 'Filesystem');
  },
  persistentvolumeclaims(pvc) {
    const spec = child(pvc, 'spec');
    setDefault(spec, 'volumeMode', 'Filesystem');
  },
  storageclasses(sc) {
    setDefault(sc, 'reclaimPolicy', 'Delete');
    setDefault(sc, 'volumeBindingMode', 'Immediate');
  },
};

function validateAccessModes(field: string, modes: unknown): FieldCause[] {
  if (!Array.isArray(modes) || modes.length === 0) return [required(field)];
  return modes.filter((m) => !ACCESS_MODES.includes(m)).map((m) => notSupported(field, m, ACCESS_MODES));
}

function validateStorageQuantity(field: string, value: unknown): FieldCause[] {
  if (value === undefined || value === '') return [required(field)];
  try {
    if (parseQuantity(String(value)) <= 0) return [invalid(field, value, 'must be greater than zero')];
  } catch {
    return [invalid(field, value, 'must be a quantity like 5Gi')];
  }
  return [];
}

function validatePersistentVolume(pv: Obj): FieldCause[] {
  const spec: Obj = pv.spec ?? {};
  const causes = [
    ...validateAccessModes('spec.accessModes', spec.accessModes),
    ...validateStorageQuantity('spec.capacity', spec.capacity?.storage),
  ];
  const sources = PV_SOURCES.filter((s) => spec[s] !== undefined);
  if (sources.length === 0) causes.push(required('spec', 'must specify a volume type'));
  if (sources.length > 1)
    causes.push(forbidden(`spec.${sources[1]}`, 'may not specify more than 1 volume type'));
  if (spec.hostPath && !spec.hostPath.path) causes.push(required('spec.hostPath.path'));
  if (spec.nfs && !spec.nfs.server) causes.push(required('spec.nfs.server'));
  if (spec.nfs && !spec.nfs.path) causes.push(required('spec.nfs.path'));
  if (spec.local && !spec.local.path) causes.push(required('spec.local.path'));
  // A local volume lives on one node: upstream requires the node affinity that says which.
  if (spec.local && !spec.nodeAffinity?.required)
    causes.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  if (!RECLAIM_POLICIES.includes(spec.persistentVolumeReclaimPolicy))
    causes.push(
      notSupported(
        'spec.persistentVolumeReclaimPolicy',
        spec.persistentVolumeReclaimPolicy,
        RECLAIM_POLICIES,
      ),
    );
  if (spec.persistentVolumeReclaimPolicy === 'Recycle' && !spec.hostPath && !spec.nfs)
    causes.push(
      forbidden(
        'spec.persistentVolumeReclaimPolicy',
        "may not be 'recycle' for a volume other than hostPath or nfs",
      ),
    );
  if (!VOLUME_MODES.includes(spec.volumeMode))
    causes.push(notSupported('spec.volumeMode', spec.volumeMode, VOLUME_MODES));
  return causes;
}

function validatePersistentVolumeClaim(pvc: Obj): FieldCause[] {
  const spec: Obj = pvc.spec ?? {};
  const causes = [
    ...validateAccessModes('spec.accessModes', spec.accessModes),
    ...validateStorageQuantity('spec.resources[storage]', spec.resources?.requests?.storage),
  ];
  if (!VOLUME_MODES.includes(spec.volumeMode))
    causes.push(notSupported('spec.volumeMode', spec.volumeMode, VOLUME_MODES));
  return causes;
}

function validateStorageClass(sc: Obj): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!sc.provisioner) causes.push(required('provisioner'));
  if (!RECLAIM_POLICIES.includes(sc.reclaimPolicy))
    causes.push(notSupported('reclaimPolicy', sc.reclaimPolicy, ['Delete', 'Retain']));
  if (!BINDING_MODES.includes(sc.volumeBindingMode))
    causes.push(notSupported('volumeBindingMode', sc.volumeBindingMode, BINDING_MODES));
  return causes;
}

export const storageValidators: Record<string, (obj: Obj) => FieldCause[]> = {
  persistentvolumes: validatePersistentVolume,
  persistentvolumeclaims: validatePersistentVolumeClaim,
  storageclasses: validateStorageClass,
};

const json = (x: unknown) => JSON.stringify(x ?? null);

export const storageUpdateValidators: Record<string, (next: Obj, old: Obj) => FieldCause[]> = {
  persistentvolumeclaims(next, old) {
    // Upstream: "spec is immutable after creation except resources.requests and
    // volumeAttributesClassName for bound claims"; volumeName may be set once (binding), and
    // storageClassName may be set once when it was unset (retroactive default class, GA 1.28).
    const strip = ({ resources: _r, volumeName: _v, volumeAttributesClassName: _a, ...rest }: Obj = {}) =>
      rest;
    const classSetOnce = (spec: Obj = {}): Obj =>
      old.spec?.storageClassName === undefined ? { ...spec, storageClassName: undefined } : spec;
    const causes: FieldCause[] = [];
    if (json(strip(classSetOnce(next.spec))) !== json(strip(classSetOnce(old.spec))))
      causes.push(
        forbidden(
          'spec',
          'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
        ),
      );
    if (old.spec?.volumeName && next.spec?.volumeName !== old.spec.volumeName)
      causes.push(immutable('spec.volumeName', next.spec?.volumeName));
    return causes;
  },
  storageclasses(next, old) {
    const causes: FieldCause[] = [];
    for (const f of ['provisioner', 'parameters', 'reclaimPolicy', 'volumeBindingMode'])
      if (json(next[f]) !== json(old[f])) causes.push(immutable(f, next[f]));
    return causes;
  },
};
