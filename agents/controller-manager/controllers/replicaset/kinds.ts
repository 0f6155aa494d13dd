// One controller serves ReplicaSets and ReplicationControllers (upstream does the same: the RC
// controller is the ReplicaSet controller behind a conversion). What differs is only the
// resource, the kind written into ownerReferences, and the selector's shape.

import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { R, type ResourceInfo } from '../../../api/resources';
import type { RCObj, ReplicaSetObj } from '../common/objects';

/** The fields both kinds share, with the selector normalised to a LabelSelector. */
export type ReplicatedObj = ReplicaSetObj | RCObj;

export interface ReplicaKind {
  resource: ResourceInfo;
  apiVersion: string;
  kind: 'ReplicaSet' | 'ReplicationController';
  selector(obj: ReplicatedObj): LabelSelector | undefined;
}

export const replicaSetKind: ReplicaKind = {
  resource: R.replicasets,
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  selector: (obj) => (obj as ReplicaSetObj).spec?.selector,
};

export const replicationControllerKind: ReplicaKind = {
  resource: R.replicationcontrollers,
  apiVersion: 'v1',
  kind: 'ReplicationController',
  // An RC selects with a plain map; when it has none, its template's labels are the selector.
  selector: (obj) => {
    const rc = obj as RCObj;
    const map = rc.spec?.selector ?? rc.spec?.template?.metadata?.labels;
    return map && Object.keys(map).length > 0 ? { matchLabels: { ...map } } : undefined;
  },
};
