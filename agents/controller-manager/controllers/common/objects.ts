// kubernetes-types interfaces carry no index signature, so they are not KubeObjects by
// themselves; `Obj<Pod>` is the Pod shape the client and informers accept.

import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import { isNotFound } from '../../../api/errors';
import type {
  CronJob,
  DaemonSet,
  Deployment,
  EndpointSlice,
  Endpoints,
  Job,
  KubeObject,
  Lease,
  Namespace,
  Node,
  Pod,
  ReplicaSet,
  ReplicationController,
  Service,
  ServiceAccount,
  StatefulSet,
} from '../../../api/types';

export type Obj<T> = T & KubeObject;
export type PodObj = Obj<Pod>;
export type NodeObj = Obj<Node>;
export type ServiceObj = Obj<Service>;
export type EndpointsObj = Obj<Endpoints>;
export type EndpointSliceObj = Obj<EndpointSlice>;
export type ReplicaSetObj = Obj<ReplicaSet>;
export type RCObj = Obj<ReplicationController>;
export type DeploymentObj = Obj<Deployment>;
export type DaemonSetObj = Obj<DaemonSet>;
export type StatefulSetObj = Obj<StatefulSet>;
export type PdbObj = Obj<PodDisruptionBudget>;
export type JobObj = Obj<Job>;
export type CronJobObj = Obj<CronJob>;
export type LeaseObj = Obj<Lease>;
export type NamespaceObj = Obj<Namespace>;
export type ServiceAccountObj = Obj<ServiceAccount>;

/** A deep, writable copy of an informer's frozen object, to build the next version from. */
export function clone<T>(obj: T): any {
  return structuredClone(obj) as any;
}

/** JSON with keys sorted: equal objects give equal text whatever order their keys were written in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

/**
 * Drop nulls and empty objects/arrays, recursively: Go clients send `"creationTimestamp": null`
 * inside pod templates (kubectl rollout undo does), and upstream compares templates on Go
 * structs, where null, absent and empty are the same zero value.
 */
export function semantic(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(semantic).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .map(([k, v]) => [k, semantic(v)] as const)
      .filter(([, v]) => v !== undefined);
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return value === null ? undefined : value;
}

export function isoNow(now: number): string {
  // Kubernetes timestamps are RFC 3339 with second precision.
  return new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function ms(time: string | undefined): number | undefined {
  if (!time) return undefined;
  const t = Date.parse(time);
  return Number.isNaN(t) ? undefined : t;
}

/** `.catch(ignoreNotFound)`: a delete or write whose object is already gone has nothing left to do. */
export function ignoreNotFound(err: unknown): void {
  if (!isNotFound(err)) throw err;
}
