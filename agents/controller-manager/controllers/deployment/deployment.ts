// The Deployment controller (deployment_controller.go): a Deployment owns ReplicaSets, one per
// pod template it has had; the newest runs the current template. Handlers wake the Deployment
// when it or one of its ReplicaSets changes; sync reads the caches and does five things:
//   1. look up the Deployment (gone or being deleted → nothing; the garbage collector deletes
//      its ReplicaSets);
//   2. claim its ReplicaSets and split them into the new one and the old ones;
//   3. paused, or only spec.replicas changed → scale and write status;
//   4. otherwise take one rollout step: rolling.ts or recreate.ts;
//   5. come back when minReadySeconds or the progress deadline need a look.
// Rollback needs nothing here: `kubectl rollout undo` copies an old ReplicaSet's template back
// into the Deployment, which makes that ReplicaSet "new" again and the controller converges.

import { R } from '../../../api/resources';
import { objectKey } from '../../../api/types';
import type { Controller, ControllerContext } from '../../controller';
import type { DeploymentObj, PodObj, ReplicaSetObj } from '../common/objects';
import { controllerRef } from '../common/owner';
import { isPodActive } from '../common/pods';
import { selectorIsEmpty, selectorMatches } from '../common/selector';
import { rolloutRecreate } from './recreate';
import { DeploymentWriter } from './replica-sets';
import { rolloutRolling } from './rolling';
import { isScalingEvent, scale } from './scale';

export function newDeploymentController(ctx: ControllerContext, workers = 5): Controller {
  const deployments = ctx.informers.for<DeploymentObj>(R.deployments);
  const replicaSets = ctx.informers.for<ReplicaSetObj>(R.replicasets);
  const pods = ctx.informers.for<PodObj>(R.pods);
  const writer = new DeploymentWriter(ctx.client, ctx.recorder, ctx.now);
  const { queue } = ctx;

  const ownerOf = (rs: ReplicaSetObj): string | undefined => {
    const ref = controllerRef(rs);
    if (ref?.kind !== 'Deployment') return undefined;
    const key = `${rs.metadata?.namespace}/${ref.name}`;
    return deployments.get(key)?.metadata?.uid === ref.uid ? key : undefined;
  };
  const onReplicaSet = (rs: ReplicaSetObj) => {
    const key = ownerOf(rs);
    if (key) return queue.add(key);
    if (controllerRef(rs)) return;
    for (const d of deployments.list(rs.metadata?.namespace)) {
      if (selectorMatches(d.spec?.selector, rs.metadata?.labels)) queue.add(objectKey(d));
    }
  };
  deployments.addEventHandler({
    add: (d) => queue.add(objectKey(d)),
    update: (_o, d) => queue.add(objectKey(d)),
    delete: (d) => queue.add(objectKey(d)),
  });
  replicaSets.addEventHandler({
    add: onReplicaSet,
    update: (_o, rs) => onReplicaSet(rs),
    delete: onReplicaSet,
  });
  // Recreate waits for old pods to be gone: their deletion is what wakes it.
  pods.addEventHandler({
    delete(pod) {
      const ref = controllerRef(pod);
      const rs =
        ref?.kind === 'ReplicaSet' ? replicaSets.get(`${pod.metadata?.namespace}/${ref.name}`) : undefined;
      const key = rs && ownerOf(rs);
      if (key && deployments.get(key)?.spec?.strategy?.type === 'Recreate') queue.add(key);
    },
  });

  async function sync(key: string): Promise<void> {
    const d = deployments.get(key);
    if (!d || d.metadata?.deletionTimestamp) return;
    if (selectorIsEmpty(d.spec?.selector)) {
      ctx.recorder.event(
        d,
        'Warning',
        'SelectingAll',
        'This deployment is selecting all pods. A non-empty selector is required.',
      );
      return;
    }
    const owned = await writer.claim(d, replicaSets.list(d.metadata?.namespace));
    let state = writer.split(d, owned);
    if (d.spec?.paused || isScalingEvent(state)) {
      if (isScalingEvent(state)) state = await scale(writer, state);
      await writer.syncStatus(state);
    } else if (d.spec?.strategy?.type === 'Recreate') {
      await rolloutRecreate(writer, state, oldPodsRunning(state.oldRSs));
    } else {
      await rolloutRolling(writer, state, ctx.now());
    }
    requeueForTime(key, d);
  }

  const oldPodsRunning = (oldRSs: ReplicaSetObj[]) => {
    const uids = new Set(oldRSs.map((rs) => rs.metadata?.uid));
    return pods
      .list()
      .some(
        (p) => uids.has(controllerRef(p)?.uid) && (isPodActive(p) || Boolean(p.metadata?.deletionTimestamp)),
      );
  };

  // Nothing else wakes a Deployment when a pod turns available after minReadySeconds, or when
  // the progress deadline passes without news.
  function requeueForTime(key: string, d: DeploymentObj): void {
    if ((d.spec?.minReadySeconds ?? 0) > 0) queue.addAfter(key, (d.spec?.minReadySeconds ?? 0) * 1000 + 500);
    const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
    if (progressing?.reason === 'ReplicaSetUpdated' && progressing.status === 'True' && !d.spec?.paused) {
      queue.addAfter(key, (d.spec?.progressDeadlineSeconds ?? 600) * 1000 + 1000);
    }
  }

  return { name: 'deployment', queue, workers, sync };
}
