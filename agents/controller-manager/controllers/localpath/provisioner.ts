// The local-path provisioner (an external provisioner in upstream's terms, built in here): for a
// claim of a class whose provisioner is nodekube.io/local-path, once the scheduler has chosen a
// node (selected-node annotation, WaitForFirstConsumer), it creates the volume local-path.ts
// describes; the persistentvolume-binder then binds the pre-bound pair. When such a volume is
// Released and its policy is Delete, a cleanup pod removes its directory on the node (the
// kubelet made it on first mount), and then the volume object is deleted.
// Keys: `claim/<ns>/<name>` and `volume/<name>`.
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import { isAlreadyExists } from '../../../api/errors';
import { R } from '../../../api/resources';
import { objectKey } from '../../../api/types';
import type { Controller, ControllerContext } from '../../controller';
import type { Obj, PodObj } from '../common/objects';
import { ignoreNotFound } from '../common/objects';
import {
  CLEANUP_LABEL,
  cleanupPod,
  needsDelete,
  needsVolume,
  PROVISIONER,
  provisionedVolume,
} from './local-path';

export function newLocalPathProvisioner(ctx: ControllerContext, root: string): Controller {
  const claims = ctx.informers.for<Obj<PersistentVolumeClaim>>(R.persistentvolumeclaims);
  const volumes = ctx.informers.for<Obj<PersistentVolume>>(R.persistentvolumes);
  const classes = ctx.informers.for<Obj<StorageClass>>(R.storageclasses);
  const pods = ctx.informers.for<PodObj>(R.pods);
  const { queue, client, recorder } = ctx;

  const onClaim = (c: Obj<PersistentVolumeClaim>) => queue.add(`claim/${objectKey(c)}`);
  const onVolume = (pv: Obj<PersistentVolume>) => queue.add(`volume/${pv.metadata?.name}`);
  claims.addEventHandler({ add: onClaim, update: (_o, c) => onClaim(c) });
  // A deleted volume wakes its key too: its finished cleanup pod is removed then.
  volumes.addEventHandler({ add: onVolume, update: (_o, pv) => onVolume(pv), delete: onVolume });
  const onPod = (p: PodObj) => {
    const pv = p.metadata?.labels?.[CLEANUP_LABEL];
    if (pv) queue.add(`volume/${pv}`);
  };
  pods.addEventHandler({ add: onPod, update: (_o, p) => onPod(p), delete: onPod });

  async function syncClaim(key: string): Promise<void> {
    const claim = claims.get(key);
    if (!claim) return;
    const cls = claim.spec?.storageClassName ? classes.get(claim.spec.storageClassName) : undefined;
    const node = needsVolume(claim, cls);
    if (!node || !cls) return;
    const pv = provisionedVolume(claim, cls, node, root);
    if (volumes.get(pv.metadata?.name ?? '')) return;
    recorder.event(
      claim,
      'Normal',
      'Provisioning',
      `External provisioner is provisioning volume for claim "${key}"`,
    );
    try {
      await client.create(R.persistentvolumes, pv);
    } catch (err) {
      if (isAlreadyExists(err)) return;
      recorder.event(
        claim,
        'Warning',
        'ProvisioningFailed',
        `failed to provision volume: ${(err as Error).message}`,
      );
      throw err;
    }
    recorder.event(
      claim,
      'Normal',
      'ProvisioningSucceeded',
      `Successfully provisioned volume ${pv.metadata?.name} on node ${node}`,
    );
  }

  async function syncVolume(name: string): Promise<void> {
    const pv = volumes.get(name);
    const cleanupKey = `kube-system/cleanup-${name}`;
    // The volume is gone: its cleanup pod has done its work. Removing the pod only after the
    // volume (never before) keeps a sync that still sees the volume from starting a second one.
    if (!pv) {
      const done = pods.get(cleanupKey);
      if (done) await deletePod(done);
      return;
    }
    if (!needsDelete(pv)) return;
    const pod = pods.get(cleanupKey);
    if (!pod) {
      await client.create(R.pods, cleanupPod(pv)).catch((err) => {
        if (!isAlreadyExists(err)) throw err;
      });
      return;
    }
    const phase = pod.status?.phase;
    if (phase !== 'Succeeded' && phase !== 'Failed') return; // its next update wakes us
    if (phase === 'Failed') {
      await deletePod(pod);
      recorder.event(
        pv,
        'Warning',
        'VolumeFailedDelete',
        `${PROVISIONER}: cleanup pod ${pod.metadata?.name} failed`,
      );
      await client.update(
        R.persistentvolumes,
        { ...pv, status: { phase: 'Failed', message: 'the cleanup pod failed' } },
        { subresource: 'status' },
      );
      return;
    }
    await client.delete(R.persistentvolumes, undefined, name).catch(ignoreNotFound);
  }

  async function deletePod(pod: PodObj): Promise<void> {
    await client.delete(R.pods, pod.metadata?.namespace, pod.metadata?.name ?? '').catch(ignoreNotFound);
  }

  return {
    name: 'local-path-provisioner',
    queue,
    workers: 1,
    async sync(key) {
      const [kind, ...rest] = key.split('/');
      if (kind === 'claim') return syncClaim(rest.join('/'));
      if (kind === 'volume') return syncVolume(rest.join('/'));
    },
  };
}
