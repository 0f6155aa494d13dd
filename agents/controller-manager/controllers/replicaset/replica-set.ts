// The ReplicaSet (and ReplicationController) controller (replica_set.go): keep `spec.replicas`
// pods that match the selector. Handlers turn pod and ReplicaSet events into owner keys; sync
// reads the caches and does five things:
//   1. look up the ReplicaSet (gone → forget it);
//   2. claimPods: adopt matching orphans, release owned pods that no longer match;
//   3. manageReplicas: create or delete the difference, unless earlier writes are still in flight;
//   4. calculateStatus and write it to /status when it changed;
//   5. come back after minReadySeconds when pods still have to become available.

import { isNotFound } from '../../../api/errors';
import { R } from '../../../api/resources';
import { objectKey } from '../../../api/types';
import type { Informer } from '../../../client/types';
import type { Controller, ControllerContext } from '../../controller';
import { Expectations } from '../common/expectations';
import { canonicalJson, clone, type PodObj } from '../common/objects';
import { adoptPatch, claimObjects, controllerRef, newControllerRef, releasePatch } from '../common/owner';
import { isPodActive } from '../common/pods';
import { compileSelector, selectorMatches } from '../common/selector';
import { slowStartBatch } from '../common/slow-start';
import type { ReplicaKind, ReplicatedObj } from './kinds';
import { calculateStatus, podsToDelete, replicaDiff } from './replica-math';

export function newReplicaSetController(ctx: ControllerContext, kind: ReplicaKind, workers = 5): Controller {
  const owners = ctx.informers.for<ReplicatedObj>(kind.resource);
  const pods = ctx.informers.for<PodObj>(R.pods);
  const expectations = new Expectations(ctx.now);
  const { queue, client, recorder } = ctx;

  // The key of the owner of `pod` when it is one of ours and the owner still has that uid.
  const ownerKey = (pod: PodObj): string | undefined => {
    const ref = controllerRef(pod);
    if (!ref || ref.kind !== kind.kind) return undefined;
    const key = `${pod.metadata?.namespace}/${ref.name}`;
    return owners.get(key)?.metadata?.uid === ref.uid ? key : undefined;
  };
  // An orphan wakes every owner whose selector matches it: one of them may adopt it.
  const enqueueSelecting = (pod: PodObj) => {
    for (const o of owners.list(pod.metadata?.namespace)) {
      if (selectorMatches(kind.selector(o), pod.metadata?.labels)) queue.add(objectKey(o));
    }
  };

  owners.addEventHandler({
    add: (o) => queue.add(objectKey(o)),
    update: (_old, o) => queue.add(objectKey(o)),
    delete: (o) => {
      expectations.forget(objectKey(o));
      queue.add(objectKey(o));
    },
  });
  pods.addEventHandler({
    add(pod) {
      const key = ownerKey(pod);
      if (key) {
        expectations.creationObserved(key);
        queue.add(key);
      } else if (!controllerRef(pod)) enqueueSelecting(pod);
    },
    update(old, pod) {
      const oldKey = ownerKey(old);
      const key = ownerKey(pod);
      if (oldKey && oldKey !== key) queue.add(oldKey);
      if (key) {
        if (pod.metadata?.deletionTimestamp) expectations.deletionObserved(key, objectKey(pod));
        queue.add(key);
      } else if (!controllerRef(pod)) enqueueSelecting(pod);
    },
    delete(pod) {
      const key = ownerKey(pod);
      if (!key) return;
      expectations.deletionObserved(key, objectKey(pod));
      queue.add(key);
    },
  });

  async function sync(key: string): Promise<void> {
    const owner = owners.get(key);
    if (!owner) {
      expectations.forget(key);
      return;
    }
    const needsSync = expectations.satisfied(key) && !owner.metadata?.deletionTimestamp;
    const mine = await claimPods(owner, pods, kind, ctx);
    let manageError: unknown;
    if (needsSync) manageError = await manageReplicas(owner, mine, key).catch((err) => err);
    await updateStatus(owner, mine);
    if (manageError) throw manageError;
    const minReady = owner.spec?.minReadySeconds ?? 0;
    if (
      minReady > 0 &&
      mine.some((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    ) {
      queue.addAfter(key, minReady * 1000);
    }
  }

  async function manageReplicas(owner: ReplicatedObj, active: PodObj[], key: string): Promise<void> {
    const diff = replicaDiff(active.length, owner.spec?.replicas ?? 1);
    if (diff > 0) {
      expectations.expectCreations(key, diff);
      const { succeeded, error } = await slowStartBatch(diff, () => createPod(owner));
      // Pods we never asked for will never be observed: stop expecting them.
      expectations.creationObserved(key, diff - succeeded);
      if (error) throw error;
    } else if (diff < 0) {
      const victims = podsToDelete(active, -diff);
      expectations.expectDeletions(key, victims.map(objectKey));
      await Promise.all(victims.map((p) => deletePod(owner, p, key)));
    }
  }

  async function createPod(owner: ReplicatedObj): Promise<void> {
    const t = owner.spec?.template;
    const pod = await client.create<PodObj>(
      R.pods,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          generateName: `${owner.metadata?.name}-`,
          namespace: owner.metadata?.namespace,
          labels: { ...(t?.metadata?.labels ?? {}) },
          annotations: t?.metadata?.annotations ? { ...t.metadata.annotations } : undefined,
          ownerReferences: [newControllerRef(owner, kind.apiVersion, kind.kind)],
        },
        spec: clone(t?.spec),
      },
      { namespace: owner.metadata?.namespace },
    );
    recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name}`);
  }

  async function deletePod(owner: ReplicatedObj, pod: PodObj, key: string): Promise<void> {
    try {
      await client.delete(R.pods, pod.metadata?.namespace, pod.metadata?.name ?? '');
      recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata?.name}`);
    } catch (err) {
      expectations.deletionObserved(key, objectKey(pod));
      if (!isNotFound(err)) throw err;
    }
  }

  async function updateStatus(owner: ReplicatedObj, active: PodObj[]): Promise<void> {
    const status = calculateStatus(active, {
      selector: kind.selector(owner),
      templateLabels: owner.spec?.template?.metadata?.labels,
      minReadySeconds: owner.spec?.minReadySeconds ?? 0,
      generation: owner.metadata?.generation,
      now: ctx.now(),
    });
    const next = { ...(owner.status ?? {}), ...status };
    if (canonicalJson(next) === canonicalJson(owner.status ?? {})) return;
    const body = clone(owner);
    body.status = next;
    await client.update(kind.resource, body, { subresource: 'status' });
  }

  return { name: kind.kind === 'ReplicaSet' ? 'replicaset' : 'replicationcontroller', queue, workers, sync };
}

/** claimPods: the active pods this owner controls after adopting and releasing (see owner.ts). */
async function claimPods(
  owner: ReplicatedObj,
  pods: Informer<PodObj>,
  kind: ReplicaKind,
  ctx: ControllerContext,
): Promise<PodObj[]> {
  const selector = kind.selector(owner);
  const candidates = pods.list(owner.metadata?.namespace).filter(isPodActive);
  const selects = compileSelector(selector);
  const claim = claimObjects(owner, candidates, (p) => selects(p.metadata?.labels));
  const ref = newControllerRef(owner, kind.apiVersion, kind.kind);
  const ns = owner.metadata?.namespace;
  const adopted: PodObj[] = [];
  for (const pod of claim.adopt) {
    try {
      adopted.push(
        await ctx.client.patch<PodObj>(R.pods, ns, pod.metadata?.name ?? '', 'merge', adoptPatch(pod, ref)),
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  for (const pod of claim.release) {
    await ctx.client
      .patch(R.pods, ns, pod.metadata?.name ?? '', 'merge', releasePatch(pod, ref.uid))
      .catch((err) => {
        if (!isNotFound(err)) throw err;
      });
  }
  return [
    ...claim.owned,
    ...claim.adopt.filter((p) => adopted.some((a) => a.metadata?.name === p.metadata?.name)),
  ];
}
