// kubernetes-types interfaces carry no index signature, so they are not KubeObjects by
// themselves; `Obj<Pod>` is the Pod shape the client and informers accept.

import type { KubeObject } from '../../../api/types';
import type {
  CronJob,
  DaemonSet,
  Deployment,
  Endpoints,
  EndpointSlice,
  Job,
  Lease,
  Namespace,
  Node,
  Pod,
  ReplicaSet,
  ReplicationController,
  Service,
  ServiceAccount,
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
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
      : v,
  );
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
