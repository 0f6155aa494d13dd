// The garbage collector (garbagecollector.go, attemptToDeleteItem / orphanDependents): deletes
// objects whose owners are all gone, and carries out the two non-default deletion policies.
//   background (the default)  owner removed → its dependents are dangling → delete them
//   foreground                owner keeps `foregroundDeletion` until its dependents are gone:
//                             delete them, then remove the finalizer (the apiserver finishes)
//   orphan                    owner keeps `orphan`: strip our ownerReference from each
//                             dependent, then remove the finalizer
// sync(item) reads the graph and the caches; an owner missing from our caches is checked with
// a live GET before anything is deleted, because its informer may simply be behind (a pod's
// ADDED can arrive before its brand-new ReplicaSet's).

import type { OwnerReference } from 'kubernetes-types/meta/v1';
import { isNotFound } from '../../../api/errors';
import { findResource, R, type ResourceInfo, resourceForKind } from '../../../api/resources';
import { type KubeObject, objectKey, splitKey } from '../../../api/types';
import type { Informer } from '../../../client/types';
import type { Controller, ControllerContext } from '../../controller';
import { clone } from '../common/objects';
import { type ItemKey, itemKey, OwnerGraph, splitItemKey } from './owner-graph';

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';

/** The resources whose objects own or are owned in a cluster like this one. */
export const GC_RESOURCES: ResourceInfo[] = [
  R.pods,
  R.replicasets,
  R.deployments,
  R.daemonsets,
  R.statefulsets,
  R.jobs,
  R.cronjobs,
  R.replicationcontrollers,
  R.controllerrevisions,
  R.endpointslices,
  R.services,
  R.configmaps,
  R.secrets,
  // A StatefulSet's claims under a Delete retention policy (owned by the set or a pod).
  R.persistentvolumeclaims,
];

export function newGarbageCollector(ctx: ControllerContext, workers = 20): Controller {
  const graph = new OwnerGraph();
  const informers = new Map<string, Informer<KubeObject>>();
  const { queue, client } = ctx;

  for (const r of GC_RESOURCES) {
    const inf = ctx.informers.for<KubeObject>(r);
    informers.set(`${r.group}/${r.resource}`, inf);
    const key = (o: KubeObject) => itemKey(r.group, r.resource, objectKey(o));
    const touched = (o: KubeObject) => {
      graph.upsert(key(o), o);
      const fin = o.metadata?.finalizers ?? [];
      if (
        (o.metadata?.ownerReferences?.length ?? 0) > 0 ||
        (o.metadata?.deletionTimestamp && (fin.includes(FOREGROUND) || fin.includes(ORPHAN)))
      ) {
        queue.add(key(o));
      }
    };
    inf.addEventHandler({
      add: touched,
      update: (_old, o) => touched(o),
      delete(o) {
        graph.remove(key(o), o);
        // Its dependents may now be dangling; a foreground owner may now be free.
        for (const d of graph.dependentsOf(o.metadata?.uid)) queue.add(d);
        for (const ref of o.metadata?.ownerReferences ?? []) {
          const owner = graph.itemOf(ref.uid);
          if (owner) queue.add(owner);
        }
      },
    });
  }

  const lookup = (item: ItemKey) => {
    const { group, resource, objKey } = splitItemKey(item);
    return { r: findResource(group, resource), obj: informers.get(`${group}/${resource}`)?.get(objKey) };
  };

  async function sync(item: ItemKey): Promise<void> {
    const { r, obj } = lookup(item);
    if (!r || !obj) return;
    const finalizers = obj.metadata?.finalizers ?? [];
    if (obj.metadata?.deletionTimestamp && finalizers.includes(ORPHAN)) return orphanDependents(r, obj);
    if (obj.metadata?.deletionTimestamp && finalizers.includes(FOREGROUND))
      return deleteDependentsFirst(r, obj);
    const refs = obj.metadata?.ownerReferences ?? [];
    if (refs.length === 0 || obj.metadata?.deletionTimestamp) return;
    const alive: OwnerReference[] = [];
    for (const ref of refs) if (await ownerExists(obj, ref)) alive.push(ref);
    const { namespace, name } = splitKey(objectKey(obj));
    if (alive.length === 0) {
      ctx.log(`deleting ${item}: every owner is gone`);
      await client
        .delete(r, namespace, name, {
          propagationPolicy: 'Background',
          preconditions: { uid: obj.metadata?.uid },
        })
        .catch(ignoreGone);
    } else if (alive.length < refs.length) {
      await client
        .patch(r, namespace, name, 'merge', { metadata: { ownerReferences: alive } })
        .catch(ignoreGone);
    }
  }

  /** Is the owner there with the uid the reference names? Cache first, then the API. */
  async function ownerExists(obj: KubeObject, ref: OwnerReference): Promise<boolean> {
    if (graph.has(ref.uid)) return true;
    const r = resourceForKind(ref.apiVersion, ref.kind);
    if (!r) return true; // a kind we do not know: never delete on a guess
    try {
      const owner = await client.get(r, r.namespaced ? obj.metadata?.namespace : undefined, ref.name);
      return owner.metadata?.uid === ref.uid;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async function orphanDependents(r: ResourceInfo, owner: KubeObject): Promise<void> {
    for (const dep of graph.dependentsOf(owner.metadata?.uid)) {
      const { r: dr, obj } = lookup(dep);
      if (!dr || !obj) continue;
      const refs = (obj.metadata?.ownerReferences ?? []).filter((x) => x.uid !== owner.metadata?.uid);
      const { namespace, name } = splitKey(objectKey(obj));
      await client
        .patch(dr, namespace, name, 'merge', { metadata: { ownerReferences: refs.length ? refs : null } })
        .catch(ignoreGone);
    }
    await removeFinalizer(r, owner, ORPHAN);
  }

  async function deleteDependentsFirst(r: ResourceInfo, owner: KubeObject): Promise<void> {
    const deps = graph
      .dependentsOf(owner.metadata?.uid)
      .map(lookup)
      .filter((d) => d.r && d.obj);
    for (const { r: dr, obj } of deps) {
      if (obj!.metadata?.deletionTimestamp) continue;
      const { namespace, name } = splitKey(objectKey(obj!));
      // Foreground all the way down only where there is a further level to wait for.
      const policy = graph.dependentsOf(obj!.metadata?.uid).length > 0 ? 'Foreground' : 'Background';
      await client.delete(dr!, namespace, name, { propagationPolicy: policy }).catch(ignoreGone);
    }
    // Wait for the dependents that block their owner's deletion; their DELETED events requeue us.
    const blocking = deps.filter(({ obj }) =>
      obj!.metadata?.ownerReferences?.some((x) => x.uid === owner.metadata?.uid && x.blockOwnerDeletion),
    );
    if (blocking.length === 0) await removeFinalizer(r, owner, FOREGROUND);
  }

  async function removeFinalizer(r: ResourceInfo, obj: KubeObject, finalizer: string): Promise<void> {
    const body = clone(obj);
    body.metadata.finalizers = (obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer);
    await client.update(r, body).catch(ignoreGone);
  }

  return { name: 'garbagecollector', queue, workers, sync };
}

function ignoreGone(err: unknown): void {
  if (!isNotFound(err)) throw err;
}
