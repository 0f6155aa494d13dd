// What the server decides about an object on create and update, before defaults and validation
// (upstream: each resource's strategy.go, PrepareForCreate / PrepareForUpdate). Pure functions.
//
// - create: a fresh uid and creationTimestamp, generation 1, no deletion fields, and for kinds
//   with a status subresource the status the client sent is dropped (controllers own it).
// - update of the main resource keeps the stored status; update of /status keeps everything but
//   the status. generation moves only when the spec changes, which is how `rollout status`
//   tells a new rollout from an old one.

import { randomUUID } from 'node:crypto';
import { cloneJson } from '../../api/clone';
import type { ResourceInfo } from '../../api/resources';
import { groupVersion } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import { withRequiredStatus } from './required-status';

export function hasStatusSubresource(r: ResourceInfo): boolean {
  return r.subresources?.includes('status') ?? false;
}

/** Kinds whose server-set fields (uid etc.) are all there is; their "spec" is the whole object. */
const NO_SPEC = new Set([
  'configmaps',
  'secrets',
  'endpoints',
  'events',
  'serviceaccounts',
  'controllerrevisions',
  'endpointslices',
]);

function specOf(r: ResourceInfo, obj: KubeObject): unknown {
  if (NO_SPEC.has(r.resource)) {
    const { metadata: _m, status: _s, ...rest } = obj;
    return rest;
  }
  return obj.spec;
}

function clone<T>(v: T): T {
  return v === undefined ? v : cloneJson(v);
}

/** Order-insensitive deep equality for JSON values: spec changes are detected by value. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ka.length === kb.length &&
    ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

export function prepareForCreate(
  r: ResourceInfo,
  input: KubeObject,
  now: Date,
  uid: string = randomUUID(),
): KubeObject {
  const obj = clone(input);
  obj.apiVersion = groupVersion(r);
  obj.kind = r.kind;
  const meta = { ...(obj.metadata ?? {}) };
  for (const f of ['resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'])
    delete (meta as Record<string, unknown>)[f];
  obj.metadata = { ...meta, uid, creationTimestamp: now.toISOString().replace(/\.\d+Z$/, 'Z') };
  // Only kinds with a spec count generations (configmaps, secrets, events… have none upstream).
  if (!NO_SPEC.has(r.resource)) (obj.metadata as Record<string, unknown>).generation = 1;
  else delete (obj.metadata as Record<string, unknown>).generation;
  if (!r.namespaced) delete obj.metadata.namespace;
  // Nodes register with their status (the kubelet sends capacity on create); other kinds start
  // from the status their controller will fill in.
  if (hasStatusSubresource(r) && r.resource !== 'nodes') obj.status = initialStatus(r, obj);
  return obj;
}

function initialStatus(r: ResourceInfo, obj: KubeObject): Record<string, unknown> {
  if (r.resource === 'pods') return { phase: 'Pending', qosClass: qosClass(obj) };
  if (r.resource === 'namespaces') return { phase: 'Active' };
  // The PersistentVolume controller moves them on: Available/Bound/Released, Bound/Lost.
  if (r.resource === 'persistentvolumes' || r.resource === 'persistentvolumeclaims')
    return { phase: 'Pending' };
  return withRequiredStatus(r, {}) as Record<string, unknown>;
}

interface ContainerResources {
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

/**
 * The pod's QoS class (upstream pkg/apis/core/helper/qos): BestEffort with no requests or limits
 * at all, Guaranteed when every container limits cpu and memory and requests equal limits.
 */
export function qosClass(pod: KubeObject): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const spec = (pod.spec ?? {}) as {
    containers?: ContainerResources[];
    initContainers?: ContainerResources[];
  };
  const all = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  const any = all.some(
    (c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length,
  );
  if (!any) return 'BestEffort';
  const guaranteed = all.every((c) => {
    const lim = c.resources?.limits ?? {};
    const req = c.resources?.requests ?? lim;
    return ['cpu', 'memory'].every((k) => lim[k] !== undefined && (req[k] ?? lim[k]) === lim[k]);
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Fields of metadata the client cannot change on update. */
function keepServerMetadata(next: KubeObject, old: KubeObject): void {
  const om = old.metadata ?? {};
  const kept = {
    name: om.name,
    namespace: om.namespace,
    uid: om.uid,
    creationTimestamp: om.creationTimestamp,
    deletionTimestamp: om.deletionTimestamp,
    deletionGracePeriodSeconds: om.deletionGracePeriodSeconds,
    generation: om.generation,
  };
  const meta: Record<string, unknown> = { ...(next.metadata ?? {}), ...kept };
  for (const [k, v] of Object.entries(kept)) if (v === undefined) delete meta[k];
  next.metadata = meta;
}

/**
 * The object to store for an update of `subresource` ('' for the main resource, 'status' for
 * /status). Returns a new object; neither input is changed.
 */
export function prepareForUpdate(
  r: ResourceInfo,
  input: KubeObject,
  old: KubeObject,
  subresource = '',
): KubeObject {
  if (subresource === 'status') {
    const next = clone(old);
    next.status = withRequiredStatus(r, clone(input.status));
    // Upstream lets status writers touch labels/annotations too (node status carries labels).
    if (input.metadata?.labels) next.metadata = { ...next.metadata, labels: clone(input.metadata.labels) };
    if (input.metadata?.annotations)
      next.metadata = { ...next.metadata, annotations: clone(input.metadata.annotations) };
    return next;
  }
  const next = clone(input);
  next.apiVersion = groupVersion(r);
  next.kind = r.kind;
  keepServerMetadata(next, old);
  if (hasStatusSubresource(r)) next.status = withRequiredStatus(r, clone(old.status));
  // A namespace's finalizers change only through /finalize (upstream namespace strategy).
  if (r.resource === 'namespaces' && subresource !== 'finalize') {
    next.spec = {
      ...(next.spec as object),
      finalizers: clone((old.spec as { finalizers?: string[] } | undefined)?.finalizers),
    };
  }
  if (!NO_SPEC.has(r.resource) && !jsonEqual(specOf(r, next), specOf(r, old))) {
    next.metadata = { ...next.metadata, generation: (old.metadata?.generation ?? 1) + 1 };
  }
  return next;
}
