// The StatefulSet controller (stateful_set.go, stateful_set_control.go): pods with stable
// names `<set>-0 … <set>-N-1`, created, replaced and removed in ordinal order. Handlers wake a
// set on its own events and on its pods' (orphans wake the sets that select them). sync(key):
//   1. claim pods: the set's selector and its name pattern (`web-3`); adopt and release;
//   2. revisions: the update revision is the current template, the current one is
//      status.currentRevision (revisions.ts);
//   3. claims (claims.ts): owner references of the pods' claims follow the retention policy;
//   4. planUpdate (statefulset-math.ts): creates (each pod's claims first), scale-down deletes,
//      one rolling-update delete;
//   5. write status (counters, revisions, observedGeneration) when it changed; drop old revisions.

import { isAlreadyExists, isNotFound } from '../../../api/errors';
import { R } from '../../../api/resources';
import { objectKey } from '../../../api/types';
import type { Controller, ControllerContext } from '../../controller';
import { canonicalJson, clone, type PodObj, type StatefulSetObj, semantic } from '../common/objects';
import { adoptPatch, claimObjects, controllerRef, newControllerRef, releasePatch } from '../common/owner';
import { isPodReady } from '../common/pods';
import { compileSelector, selectorMatches } from '../common/selector';
import {
  type ClaimObj,
  claimsForOrdinal,
  desiredClaimOwners,
  ownersUpToDate,
  withClaimVolumes,
} from './claims';
import {
  type RevisionObj,
  revisionTemplate,
  type SetRevisions,
  syncRevisions,
  truncateHistory,
} from './revisions';
import { isMemberOf, newStatefulSetPod, ordinalOf, podRevision } from './stateful-pods';
import { computeStatus, planUpdate, revisionForOrdinal, type Step, splitByOrdinal } from './statefulset-math';

export function newStatefulSetController(ctx: ControllerContext, workers = 5): Controller {
  const sets = ctx.informers.for<StatefulSetObj>(R.statefulsets);
  const pods = ctx.informers.for<PodObj>(R.pods);
  const revisions = ctx.informers.for<RevisionObj>(R.controllerrevisions);
  const claims = ctx.informers.for<ClaimObj>(R.persistentvolumeclaims);
  const { queue, client, recorder } = ctx;

  const ownerKey = (pod: PodObj): string | undefined => {
    const ref = controllerRef(pod);
    return ref?.kind === 'StatefulSet' ? `${pod.metadata?.namespace}/${ref.name}` : undefined;
  };
  const wake = (pod: PodObj) => {
    const key = ownerKey(pod);
    if (key) return queue.add(key);
    if (controllerRef(pod)) return;
    for (const s of sets.list(pod.metadata?.namespace))
      if (selectorMatches(s.spec?.selector, pod.metadata?.labels)) queue.add(objectKey(s));
  };
  sets.addEventHandler({
    add: (s) => queue.add(objectKey(s)),
    update: (_o, s) => queue.add(objectKey(s)),
  });
  pods.addEventHandler({
    add: wake,
    update: (old, pod) => {
      const oldKey = ownerKey(old);
      if (oldKey && oldKey !== ownerKey(pod)) queue.add(oldKey);
      wake(pod);
    },
    delete: wake,
  });

  async function sync(key: string): Promise<void> {
    const set = sets.get(key);
    if (!set) return;
    const mine = await claimPods(set);
    const revs = await syncRevisions(client, revisions, set);
    if (!set.metadata?.deletionTimestamp) {
      await syncClaimOwners(set, mine);
      await applySteps(set, mine, revs);
    }
    await writeStatus(set, mine, revs);
    await truncateHistory(client, set, revs, new Set(mine.map((p) => podRevision(p) ?? '')));
    const minReady = set.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && mine.some(isPodReady)) queue.addAfter(key, minReady * 1000);
  }

  async function applySteps(set: StatefulSetObj, mine: PodObj[], revs: SetRevisions): Promise<void> {
    const start = set.spec?.ordinals?.start ?? 0;
    const strategy = {
      onDelete: set.spec?.updateStrategy?.type === 'OnDelete',
      partition: set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0,
    };
    const { replicas, condemned } = splitByOrdinal(mine, start, set.spec?.replicas ?? 1);
    const steps = planUpdate({
      monotonic: (set.spec?.podManagementPolicy ?? 'OrderedReady') !== 'Parallel',
      replicas,
      condemned,
      start,
      ...strategy,
      updateRevision: revs.update.metadata?.name ?? '',
      minReadySeconds: set.spec?.minReadySeconds ?? 0,
      now: ctx.now(),
    });
    // Steps of one sync are independent (distinct ordinals): Parallel runs them together.
    await Promise.all(steps.map((step) => apply(set, step, revs, strategy)));
  }

  async function apply(
    set: StatefulSetObj,
    step: Step,
    revs: SetRevisions,
    strategy: { onDelete: boolean; partition: number },
  ): Promise<void> {
    const name = set.metadata?.name;
    if (step.op === 'create') {
      const rev = revisionForOrdinal(step.ordinal, strategy) === 'current' ? revs.current : revs.update;
      const pod = withClaimVolumes(
        set,
        newStatefulSetPod(set, revisionTemplate(rev), step.ordinal, rev.metadata?.name ?? ''),
        step.ordinal,
      );
      await createClaims(set, step.ordinal, pod.metadata?.name ?? '');
      try {
        await client.create(R.pods, pod, { namespace: set.metadata?.namespace });
      } catch (err) {
        // The informer has not seen our last create yet: the pod is there, nothing to do.
        if (isAlreadyExists(err)) return;
        recorder.event(
          set,
          'Warning',
          'FailedCreate',
          `create Pod ${pod.metadata?.name} in StatefulSet ${name} failed error: ${(err as Error).message}`,
        );
        throw err;
      }
      recorder.event(
        set,
        'Normal',
        'SuccessfulCreate',
        `create Pod ${pod.metadata?.name} in StatefulSet ${name} successful`,
      );
      return;
    }
    const podName = step.pod.metadata?.name ?? '';
    try {
      await client.delete(R.pods, step.pod.metadata?.namespace, podName);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    recorder.event(
      set,
      'Normal',
      'SuccessfulDelete',
      `delete Pod ${podName} in StatefulSet ${name} successful`,
    );
  }

  /** createPersistentVolumeClaims: the ordinal's claims that do not exist yet, before its pod. */
  async function createClaims(set: StatefulSetObj, ordinal: number, pod: string): Promise<void> {
    const ns = set.metadata?.namespace;
    for (const claim of claimsForOrdinal(set, ordinal)) {
      const name = claim.metadata?.name ?? '';
      const have = claims.get(`${ns}/${name}`);
      if (have?.metadata?.deletionTimestamp)
        throw new Error(`pvc ${name} is being deleted; pod ${pod} waits for it to be gone`);
      if (have) continue;
      const owners = desiredClaimOwners(set, claim, undefined, false);
      if (owners.length) claim.metadata = { ...claim.metadata, ownerReferences: owners };
      try {
        await client.create(R.persistentvolumeclaims, claim, { namespace: ns });
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        recorder.event(
          set,
          'Warning',
          'FailedCreate',
          `create Claim ${name} for Pod ${pod} in StatefulSet ${set.metadata?.name} failed error: ${(err as Error).message}`,
        );
        throw err;
      }
      recorder.event(
        set,
        'Normal',
        'SuccessfulCreate',
        `create Claim ${name} Pod ${pod} in StatefulSet ${set.metadata?.name} success`,
      );
    }
  }

  /** The retention policy as owner references on the claims of the set's pods. */
  async function syncClaimOwners(set: StatefulSetObj, mine: PodObj[]): Promise<void> {
    const ns = set.metadata?.namespace;
    const start = set.spec?.ordinals?.start ?? 0;
    const end = start + (set.spec?.replicas ?? 1);
    for (const pod of mine) {
      const ordinal = ordinalOf(pod);
      for (const want of claimsForOrdinal(set, ordinal)) {
        const claim = claims.get(`${ns}/${want.metadata?.name}`);
        if (!claim || claim.metadata?.deletionTimestamp) continue;
        const owners = desiredClaimOwners(set, claim, pod, ordinal < start || ordinal >= end);
        if (ownersUpToDate(claim, owners)) continue;
        await client
          .patch(R.persistentvolumeclaims, ns, claim.metadata?.name ?? '', 'merge', {
            metadata: { ownerReferences: owners, resourceVersion: claim.metadata?.resourceVersion },
          })
          .catch((err) => {
            if (!isNotFound(err)) throw err;
          });
      }
    }
  }

  async function writeStatus(set: StatefulSetObj, mine: PodObj[], revs: SetRevisions): Promise<void> {
    // Status reflects the pods the informer shows; the writes above arrive as events and resync.
    const status = computeStatus(
      set,
      mine,
      {
        current: revs.current.metadata?.name ?? '',
        update: revs.update.metadata?.name ?? '',
        collisionCount: revs.collisionCount,
      },
      ctx.now(),
    );
    const next = { ...(set.status ?? {}), ...status };
    if (canonicalJson(semantic(next)) === canonicalJson(semantic(set.status ?? {}))) return;
    const body = clone(set);
    body.status = next;
    await client.update(R.statefulsets, body, { subresource: 'status' });
  }

  /** claimPods: selector and name pattern both say "ours"; adopt orphans, release strays. */
  async function claimPods(set: StatefulSetObj): Promise<PodObj[]> {
    const ns = set.metadata?.namespace;
    const selects = compileSelector(set.spec?.selector);
    const claim = claimObjects(set, pods.list(ns), (p) => selects(p.metadata?.labels) && isMemberOf(set, p));
    const ref = newControllerRef(set, 'apps/v1', 'StatefulSet');
    const adopted: PodObj[] = [];
    for (const pod of claim.adopt) {
      try {
        await client.patch(R.pods, ns, pod.metadata?.name ?? '', 'merge', adoptPatch(pod, ref));
        adopted.push(pod);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    for (const pod of claim.release) {
      await client
        .patch(R.pods, ns, pod.metadata?.name ?? '', 'merge', releasePatch(pod, ref.uid))
        .catch((err) => {
          if (!isNotFound(err)) throw err;
        });
    }
    return [...claim.owned, ...adopted];
  }

  return { name: 'statefulset', queue, workers, sync };
}
