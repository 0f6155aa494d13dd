// The pod garbage collector (podgc/gc_controller.go): removes pods nobody else will. A pod's
// kubelet finishes its deletion; when the kubelet is gone for good, nothing would. So, every
// 20 s (and when a node is deleted), force-delete (grace 0):
//   - orphaned pods: bound to a node that no longer exists (checked with a live GET first,
//     because the node informer may lag behind);
//   - terminating pods on a node tainted node.kubernetes.io/out-of-service (the admin's word
//     that the machine is dead, GA in 1.28);
//   - terminating pods that were never scheduled.

import { isNotFound } from '../../../api/errors';
import { R } from '../../../api/resources';
import { objectKey } from '../../../api/types';
import type { Controller, ControllerContext } from '../../controller';
import type { NodeObj, PodObj } from '../common/objects';

export const OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';
const SWEEP = 'sweep';

/** Pure: why this pod should be force-deleted, or undefined. `nodeExists` answers from the cache. */
export function gcReason(
  pod: PodObj,
  node: NodeObj | undefined,
): 'orphaned' | 'out-of-service' | 'unscheduled-terminating' | undefined {
  const nodeName = pod.spec?.nodeName;
  const terminating = Boolean(pod.metadata?.deletionTimestamp);
  if (!nodeName) return terminating ? 'unscheduled-terminating' : undefined;
  if (!node) return 'orphaned';
  if (
    terminating &&
    (node.spec?.taints ?? []).some((t) => t.key === OUT_OF_SERVICE && t.effect === 'NoExecute')
  )
    return 'out-of-service';
  return undefined;
}

export function newPodGcController(ctx: ControllerContext): Controller {
  const pods = ctx.informers.for<PodObj>(R.pods);
  const nodes = ctx.informers.for<NodeObj>(R.nodes);
  const { queue, client, log } = ctx;
  nodes.addEventHandler({ delete: () => queue.add(SWEEP) });

  async function sync(_key: string): Promise<void> {
    for (const pod of pods.list()) {
      const reason = gcReason(pod, nodes.get(pod.spec?.nodeName ?? ''));
      if (!reason) continue;
      if (reason === 'orphaned' && (await nodeExists(pod.spec?.nodeName ?? ''))) continue;
      log(`force-deleting ${objectKey(pod)}: ${reason}`);
      await client
        .delete(R.pods, pod.metadata?.namespace, pod.metadata?.name ?? '', {
          gracePeriodSeconds: 0,
          preconditions: { uid: pod.metadata?.uid },
        })
        .catch((err) => {
          if (!isNotFound(err)) throw err;
        });
    }
  }

  async function nodeExists(name: string): Promise<boolean> {
    try {
      await client.get(R.nodes, undefined, name);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  return { name: 'podgc', queue, workers: 1, sync, tick: { everyMs: 20_000, run: () => queue.add(SWEEP) } };
}
