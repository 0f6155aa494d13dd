// Object types come from `kubernetes-types` (generated from upstream's OpenAPI), never hand-copied.
// Server-set fields are `readonly` there; the apiserver and controllers build objects, so they
// work with `Mutable<T>`.

import type { ObjectMeta } from 'kubernetes-types/meta/v1';

export type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1';
export type { CronJob, Job } from 'kubernetes-types/batch/v1';
export type { Lease } from 'kubernetes-types/coordination/v1';
export type {
  ConfigMap,
  Endpoints,
  Event,
  Namespace,
  Node,
  Pod,
  ReplicationController,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-types/core/v1';
export type { EndpointSlice } from 'kubernetes-types/discovery/v1';
export type { ObjectMeta } from 'kubernetes-types/meta/v1';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

/** Any object the API stores: apiVersion, kind, metadata, and whatever else its kind has. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

/** A list as the API returns it: `<Kind>List` with the list's resourceVersion. */
export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
}

/** `namespace/name`, or `name` for cluster-scoped objects: the key controllers queue. */
export function objectKey(obj: { metadata?: ObjectMeta }): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata?.name}` : `${obj.metadata?.name}`;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
