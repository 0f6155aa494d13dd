// How a DELETE ends (upstream: registry/generic/registry/store.go Delete, rest/delete.go
// BeforeDelete, pod strategy CheckGracefulDelete). Pure: the caller reads, decides, writes.
//
//   finalizers present       → keep the object, set deletionTimestamp; whoever removes the last
//                              finalizer completes the delete (see shouldFinishDelete)
//   pod on a node, grace > 0 → keep it, deletionTimestamp = now + grace; the kubelet stops the
//                              containers and deletes again with grace 0
//   namespace                → phase Terminating; the namespace controller empties it and
//                              clears spec.finalizers through /finalize
//   otherwise                → remove from etcd now
//
// propagationPolicy is recorded as a finalizer for the garbage collector: Foreground →
// `foregroundDeletion`, Orphan → `orphan`; Background needs nothing (the collector deletes
// dependents whose owner is gone).

import type { DeleteOptions } from 'kubernetes-types/meta/v1';
import type { ResourceInfo } from '../../api/resources';
import type { KubeObject } from '../../api/types';

export type DeleteDecision =
  | { action: 'remove' }
  | { action: 'update'; obj: KubeObject }
  | { action: 'unchanged' };

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';
/** The namespace finalizer the namespace controller removes once the namespace is empty. */
export const NAMESPACE_FINALIZER = 'kubernetes';

function podGraceSeconds(pod: KubeObject, requested: number | undefined): number {
  const spec = (pod.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  // Never scheduled, or already finished: nothing runs that needs time to stop.
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  return Math.max(0, requested ?? spec.terminationGracePeriodSeconds ?? 30);
}

function finalizersFor(existing: string[], opts: DeleteOptions): string[] {
  const out = [...existing];
  const policy = opts.propagationPolicy ?? (opts.orphanDependents ? 'Orphan' : undefined);
  const add = policy === 'Foreground' ? FOREGROUND : policy === 'Orphan' ? ORPHAN : undefined;
  if (add && !out.includes(add)) out.push(add);
  return out;
}

function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

export function decideDelete(
  r: ResourceInfo,
  current: KubeObject,
  opts: DeleteOptions,
  now: Date,
): DeleteDecision {
  const meta = current.metadata ?? {};
  const grace = r.resource === 'pods' ? podGraceSeconds(current, opts.gracePeriodSeconds) : 0;
  const finalizers = finalizersFor(meta.finalizers ?? [], opts);
  if (r.resource === 'namespaces') return deleteNamespace(current, now);

  if (meta.deletionTimestamp) {
    // Deleting again: a shorter grace period wins (kubelet's final grace-0 delete, --force).
    const currentGrace = meta.deletionGracePeriodSeconds ?? 0;
    if (finalizers.length === 0 && grace === 0) return { action: 'remove' };
    if (grace < currentGrace || finalizers.length !== (meta.finalizers ?? []).length) {
      return {
        action: 'update',
        obj: {
          ...current,
          metadata: {
            ...meta,
            finalizers: finalizers.length ? finalizers : undefined,
            deletionGracePeriodSeconds: Math.min(grace, currentGrace),
          },
        },
      };
    }
    return { action: 'unchanged' };
  }
  if (finalizers.length === 0 && grace === 0) return { action: 'remove' };
  const deletionTimestamp = isoSeconds(new Date(now.getTime() + grace * 1000));
  return {
    action: 'update',
    obj: {
      ...current,
      metadata: {
        ...meta,
        finalizers: finalizers.length ? finalizers : undefined,
        deletionTimestamp,
        deletionGracePeriodSeconds: grace,
      },
    },
  };
}

function deleteNamespace(ns: KubeObject, now: Date): DeleteDecision {
  const meta = ns.metadata ?? {};
  const spec = (ns.spec ?? {}) as { finalizers?: string[] };
  if (!meta.finalizers?.length && !spec.finalizers?.length) return { action: 'remove' };
  if (meta.deletionTimestamp) return { action: 'unchanged' };
  return {
    action: 'update',
    obj: {
      ...ns,
      metadata: { ...meta, deletionTimestamp: isoSeconds(now), deletionGracePeriodSeconds: 0 },
      status: { ...(ns.status as object), phase: 'Terminating' },
    },
  };
}

/**
 * After an update of an object that is being deleted: true when nothing holds it any more —
 * no finalizers (and for namespaces no spec.finalizers), and a pod's grace period is over.
 */
export function shouldFinishDelete(r: ResourceInfo, obj: KubeObject): boolean {
  const meta = obj.metadata ?? {};
  if (!meta.deletionTimestamp || (meta.finalizers?.length ?? 0) > 0) return false;
  if (r.resource === 'namespaces')
    return !(obj.spec as { finalizers?: string[] } | undefined)?.finalizers?.length;
  if (r.resource === 'pods') return (meta.deletionGracePeriodSeconds ?? 0) === 0;
  return true;
}

/** DeleteOptions.preconditions: a mismatch is a 409 Conflict with upstream's wording. */
export function preconditionFailure(current: KubeObject, opts: DeleteOptions): string | undefined {
  const pre = opts.preconditions;
  if (!pre) return undefined;
  if (pre.uid && pre.uid !== current.metadata?.uid) {
    return `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata?.uid}`;
  }
  if (pre.resourceVersion && pre.resourceVersion !== current.metadata?.resourceVersion) {
    return `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata?.resourceVersion}`;
  }
  return undefined;
}

/** Stores that answer a finished DELETE with the deleted object itself (ReturnDeletedObject). */
const RETURNS_DELETED_OBJECT = new Set(['pods', 'services', 'serviceaccounts', 'namespaces']);

/**
 * The body of a DELETE answer (store.go finalizeDelete). An object still on its way out
 * (deletionTimestamp set) is answered as it now is; one removed outright is answered with a
 * Success Status naming it (`details.kind` is the resource, upstream's quirk), except by the
 * stores above.
 *
 *   DELETE configmaps/c1 → {"kind":"Status",…,"status":"Success","details":{"name":"c1","kind":"configmaps","uid":"…"}}
 */
export function deleteAnswer(r: ResourceInfo, obj: KubeObject): KubeObject {
  if (obj.metadata?.deletionTimestamp || RETURNS_DELETED_OBJECT.has(r.resource)) return obj;
  const m = obj.metadata ?? {};
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {
      ...(m.name ? { name: m.name } : {}),
      ...(r.group ? { group: r.group } : {}),
      kind: r.resource,
      ...(m.uid ? { uid: m.uid } : {}),
    },
  } as KubeObject;
}
