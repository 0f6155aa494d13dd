// The PersistentVolume controller (upstream's persistentvolume-binder, pv_controller.go): binds
// claims to volumes and takes volumes back when their claims go. One queue holds two kinds of
// key, `claim/<ns>/<name>` and `volume/<name>`; each sync reads the caches and does one step, and
// the write it makes comes back as an event that wakes the next step (level-triggered):
//
//   claim: no class set and a default class exists → give it the default (retroactive
//          assignment, GA in 1.28); bound → nothing; else findBestMatch → bind, or Pending with
//          the event upstream writes.
//   bind:  volume.spec.claimRef (+ bound-by-controller) → volume status Bound →
//          claim.spec.volumeName (+ bind-completed) → claim status Bound with capacity and modes.
//   volume: volumeAction → phase, or the reclaim policy of a Released volume: Retain keeps it,
//          Recycle runs a pod that empties it and makes it Available again, Delete removes it
//          (volumes the local-path provisioner made; other kinds fail as upstream's would).
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import { R } from '../../../api/resources';
import { objectKey } from '../../../api/types';
import type { Controller, ControllerContext } from '../../controller';
import { clone, ignoreNotFound, type Obj, type PodObj } from '../common/objects';
import { claimRefMatches, findBestMatch, volumeAction } from './binding';
import { RECYCLER_LABEL, recyclerPod, recyclerPodKey } from './recycler';

type PVObj = Obj<PersistentVolume>;
type PVCObj = Obj<PersistentVolumeClaim>;
type SCObj = Obj<StorageClass>;

export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
const DEFAULT_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

const claimKey = (ns: string | undefined, name: string | undefined) => `claim/${ns}/${name}`;
const volumeKey = (name: string | undefined) => `volume/${name}`;

export function newPersistentVolumeController(ctx: ControllerContext): Controller {
  const volumes = ctx.informers.for<PVObj>(R.persistentvolumes);
  const claims = ctx.informers.for<PVCObj>(R.persistentvolumeclaims);
  const classes = ctx.informers.for<SCObj>(R.storageclasses);
  const pods = ctx.informers.for<PodObj>(R.pods);
  const { queue, client, recorder } = ctx;

  const onVolume = (pv: PVObj) => {
    queue.add(volumeKey(pv.metadata?.name));
    const ref = pv.spec?.claimRef;
    if (ref) queue.add(claimKey(ref.namespace, ref.name));
    // A free volume may be what a Pending claim waits for (upstream finds it on its 15 s resync).
    else
      for (const c of claims.list())
        if (c.status?.phase !== 'Bound') queue.add(claimKey(c.metadata?.namespace, c.metadata?.name));
  };
  const onClaim = (pvc: PVCObj) => {
    queue.add(claimKey(pvc.metadata?.namespace, pvc.metadata?.name));
    // The volumes that name it: a deleted claim releases them.
    for (const pv of volumes.list())
      if (
        pv.spec?.claimRef?.name === pvc.metadata?.name &&
        pv.spec?.claimRef?.namespace === pvc.metadata?.namespace
      )
        queue.add(volumeKey(pv.metadata?.name));
  };
  volumes.addEventHandler({ add: onVolume, update: (_o, pv) => onVolume(pv), delete: onVolume });
  claims.addEventHandler({ add: onClaim, update: (_o, c) => onClaim(c), delete: onClaim });
  // A new default class: claims waiting without a class may now get one.
  classes.addEventHandler({
    add: () => {
      for (const c of claims.list()) if (c.status?.phase !== 'Bound') onClaim(c);
    },
  });
  const onPod = (pod: PodObj) => {
    const pv = pod.metadata?.labels?.[RECYCLER_LABEL];
    if (pv) queue.add(volumeKey(pv));
  };
  pods.addEventHandler({ add: onPod, update: (_o, p) => onPod(p), delete: onPod });

  const defaultClass = () =>
    classes
      .list()
      .find((sc) => DEFAULT_CLASS_ANNOTATIONS.some((a) => sc.metadata?.annotations?.[a] === 'true'));

  async function syncClaim(ns: string, name: string): Promise<void> {
    const claim = claims.get(`${ns}/${name}`);
    if (!claim || claim.metadata?.deletionTimestamp) return;
    if (claim.spec?.storageClassName === undefined) {
      const def = defaultClass();
      if (def) {
        await client.patch(R.persistentvolumeclaims, ns, name, 'merge', {
          spec: { storageClassName: def.metadata?.name },
        });
        return;
      }
    }
    const all = volumes.list();
    const boundTo = all.find(
      (pv) => pv.metadata?.name === claim.spec?.volumeName && claimRefMatches(pv, claim),
    );
    if (boundTo?.spec?.claimRef?.uid) return finishClaim(claim, boundTo);
    const pv = findBestMatch(claim, all);
    if (pv) return bindVolume(pv, claim);
    const cls = claim.spec?.storageClassName ? classes.get(claim.spec.storageClassName) : undefined;
    if (claim.spec?.storageClassName && !cls) {
      recorder.event(
        claim,
        'Warning',
        'ProvisioningFailed',
        `storageclass.storage.k8s.io "${claim.spec.storageClassName}" not found`,
      );
    } else if (cls?.volumeBindingMode === 'WaitForFirstConsumer') {
      if (!claim.metadata?.annotations?.['volume.kubernetes.io/selected-node'])
        recorder.event(
          claim,
          'Normal',
          'WaitForFirstConsumer',
          'waiting for first consumer to be created before binding',
        );
    } else if (!cls) {
      recorder.event(
        claim,
        'Normal',
        'FailedBinding',
        'no persistent volumes available for this claim and no storage class is set',
      );
    }
  }

  /** Step 1 of a bind: the volume points at the claim and is Bound. */
  async function bindVolume(pv: PVObj, claim: PVCObj): Promise<void> {
    let next = pv;
    if (!pv.spec?.claimRef?.uid) {
      const edit = clone(pv);
      edit.spec.claimRef = {
        kind: 'PersistentVolumeClaim',
        apiVersion: 'v1',
        namespace: claim.metadata?.namespace,
        name: claim.metadata?.name,
        uid: claim.metadata?.uid,
        resourceVersion: claim.metadata?.resourceVersion,
      };
      if (!pv.spec?.claimRef)
        edit.metadata.annotations = { ...edit.metadata.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' };
      next = await client.update(R.persistentvolumes, edit);
    }
    if (next.status?.phase !== 'Bound')
      next = await client.update(
        R.persistentvolumes,
        { ...clone(next), status: { phase: 'Bound' } },
        { subresource: 'status' },
      );
    await finishClaim(claim, next);
  }

  /** Step 2: the claim names the volume and is Bound with the volume's capacity and modes. */
  async function finishClaim(claim: PVCObj, pv: PVObj): Promise<void> {
    let next = claim;
    const ann = claim.metadata?.annotations ?? {};
    if (claim.spec?.volumeName !== pv.metadata?.name || ann[ANN_BIND_COMPLETED] !== 'yes') {
      const edit = clone(claim);
      edit.spec.volumeName = pv.metadata?.name;
      edit.metadata.annotations = {
        ...ann,
        [ANN_BIND_COMPLETED]: 'yes',
        ...(claim.spec?.volumeName ? {} : { [ANN_BOUND_BY_CONTROLLER]: 'yes' }),
      };
      next = await client.update(R.persistentvolumeclaims, edit);
    }
    const status = { phase: 'Bound', accessModes: pv.spec?.accessModes, capacity: pv.spec?.capacity };
    if (JSON.stringify(next.status) !== JSON.stringify(status))
      await client.update(R.persistentvolumeclaims, { ...clone(next), status }, { subresource: 'status' });
  }

  async function syncVolume(name: string): Promise<void> {
    const pv = volumes.get(name);
    // A recycler pod outlives its work until the volume is seen Available (or gone): removed
    // earlier, a sync that still saw the volume Released would start a second one.
    const recycler = pods.get(recyclerPodKey(name));
    if (recycler && pv?.status?.phase !== 'Released') await deletePod(recycler);
    if (!pv || pv.metadata?.deletionTimestamp) return;
    const ref = pv.spec?.claimRef;
    const claim = ref ? claims.get(`${ref.namespace}/${ref.name}`) : undefined;
    const action = volumeAction(pv, claim);
    if (action.kind === 'phase') return setPhase(pv, action.phase);
    if (action.kind !== 'reclaim') return;
    if (action.policy === 'Recycle') return recycle(pv);
    if (pv.metadata?.annotations?.[ANN_PROVISIONED_BY]) return; // its provisioner deletes it
    await setPhase(
      pv,
      'Failed',
      `error getting deleter volume plugin for volume "${name}": no deletable volume plugin matched`,
    );
    recorder.event(pv, 'Warning', 'VolumeFailedDelete', 'no deletable volume plugin matched');
  }

  async function setPhase(pv: PVObj, phase: string, message?: string): Promise<void> {
    await client.update(
      R.persistentvolumes,
      { ...clone(pv), status: { phase, ...(message ? { message } : {}) } },
      { subresource: 'status' },
    );
  }

  /** Recycle: a pod empties the volume; then the volume forgets its claim and is Available. */
  async function recycle(pv: PVObj): Promise<void> {
    const template = recyclerPod(pv);
    const pod = pods.get(objectKey(template));
    if (!pod) {
      await client.create(R.pods, template);
      recorder.event(pv, 'Normal', 'RecyclerPod', `Recycler pod: started ${template.metadata?.name}`);
      return;
    }
    const phase = pod.status?.phase;
    if (phase !== 'Succeeded' && phase !== 'Failed') return; // its next update wakes us
    // The pod is removed by syncVolume once the volume has left Released.
    if (phase === 'Failed') {
      await setPhase(pv, 'Failed', 'Recycle failed: the recycler pod failed');
      recorder.event(
        pv,
        'Warning',
        'VolumeFailedRecycle',
        `Recycle failed: recycler pod ${pod.metadata?.name} failed`,
      );
      return;
    }
    const edit = clone(pv);
    delete edit.spec.claimRef;
    if (edit.metadata.annotations) delete edit.metadata.annotations[ANN_BOUND_BY_CONTROLLER];
    const cleared = await client.update(R.persistentvolumes, edit);
    await setPhase(cleared, 'Available');
    recorder.event(pv, 'Normal', 'VolumeRecycled', 'Volume recycled');
  }

  async function deletePod(pod: PodObj): Promise<void> {
    await client.delete(R.pods, pod.metadata?.namespace, pod.metadata?.name ?? '').catch(ignoreNotFound);
  }

  return {
    name: 'persistentvolume-binder',
    queue,
    workers: 1,
    async sync(key) {
      const [kind, ...rest] = key.split('/');
      if (kind === 'claim') return syncClaim(rest[0], rest[1]);
      if (kind === 'volume') return syncVolume(rest.join('/'));
    },
  };
}
