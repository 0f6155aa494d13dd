// One scheduling attempt for one pod (schedule_one.go: ScheduleOne → schedulePod → assume →
// bind). The choice itself is pure (find-node.ts); this file is the I/O around it:
//   read the pod as it is now → choose a node → assume it in the cache → bind in the background
//   (POST pods/<name>/binding) → Scheduled event; or, when no node fits, a FailedScheduling event,
//   the PodScheduled=False condition, and park the pod until the cluster changes.

import type { Pod } from 'kubernetes-types/core/v1';
import { isConflict, isNotFound } from '../api/errors';
import type { Logger } from '../api/log';
import { R } from '../api/resources';
import { type KubeObject, objectKey } from '../api/types';
import type { ApiClient, EventRecorder, Informer } from '../client';
import type { SchedulerCache } from './cache';
import { schedulePod } from './find-node';
import type { FilterPlugin, ScoreContext, ScorePlugin } from './framework';
import type { SchedulerMetrics } from './metrics';
import {
  ANN_SELECTED_NODE,
  isDelayedBinding,
  podClaimNames,
  type VolumeListers,
} from './plugins/volume-binding';
import type { SchedulingQueue } from './queue';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface SchedulerDeps {
  client: ApiClient;
  recorder: EventRecorder;
  log: Logger;
  metrics: SchedulerMetrics;
  pods: Informer<Pod & KubeObject>;
  scoreContext: () => ScoreContext;
  cache: SchedulerCache;
  queue: SchedulingQueue;
  filters: readonly FilterPlugin[];
  scores: readonly ScorePlugin[];
  rand: () => number;
  schedulerName: string;
  /** Claims and classes, to mark WaitForFirstConsumer claims with the chosen node. */
  volumeListers?: VolumeListers;
}

/** Is this pod ours to schedule: not bound, not finishing, and asking for this scheduler? */
export function responsibleFor(pod: Pod, schedulerName = DEFAULT_SCHEDULER_NAME): boolean {
  if (pod.spec?.nodeName || pod.metadata?.deletionTimestamp) return false;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return false;
  return (pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME) === schedulerName;
}

/** The Binding object the pods/binding subresource takes. */
export function bindingFor(pod: Pod, nodeName: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name: pod.metadata?.name, namespace: pod.metadata?.namespace, uid: pod.metadata?.uid },
    target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
  };
}

export function createScheduleOne(deps: SchedulerDeps): (key: string) => void {
  const { cache, queue, log, metrics } = deps;
  // Rotates so consecutive pods start filtering at different nodes (nextStartNodeIndex).
  let nextStart = 0;

  return function scheduleOne(key: string): void {
    const pod = deps.pods.get(key);
    if (!pod || !responsibleFor(pod, deps.schedulerName) || cache.isAssumed(key)) {
      queue.forget(key);
      return;
    }
    const started = performance.now();
    const nodes = cache.nodes();
    const result = schedulePod({
      pod,
      nodes,
      filters: deps.filters,
      scores: deps.scores,
      ctx: deps.scoreContext(),
      start: nextStart,
      rand: deps.rand,
    });
    metrics.attemptSeconds.observe((performance.now() - started) / 1000);
    if (result.nodeName === undefined) {
      metrics.attempts.inc({ result: 'unschedulable' });
      queue.park(key);
      log.info('Unable to schedule pod; no fit; waiting', { pod: key, err: result.message });
      deps.recorder.event(pod as Pod & KubeObject, 'Warning', 'FailedScheduling', result.message);
      void markUnschedulable(deps, pod, result.message);
      return;
    }
    nextStart = nodes.length ? (nextStart + result.evaluated) % nodes.length : 0;
    cache.assume(pod, result.nodeName);
    queue.forget(key);
    void bind(deps, pod, result.nodeName);
  };
}

/**
 * PreBind of VolumeBinding: each unbound WaitForFirstConsumer claim of the pod learns the chosen
 * node (`volume.kubernetes.io/selected-node`), which its provisioner waits for.
 */
async function selectNodeForClaims(deps: SchedulerDeps, pod: Pod, nodeName: string): Promise<void> {
  const listers = deps.volumeListers;
  if (!listers) return;
  for (const name of podClaimNames(pod)) {
    const claim = listers.claim(pod.metadata?.namespace, name);
    if (!claim || !isDelayedBinding(claim, listers)) continue;
    if (claim.metadata?.annotations?.[ANN_SELECTED_NODE] === nodeName) continue;
    await deps.client.patch(R.persistentvolumeclaims, pod.metadata?.namespace, name, 'merge', {
      metadata: { annotations: { [ANN_SELECTED_NODE]: nodeName } },
    });
  }
}

async function bind(deps: SchedulerDeps, pod: Pod, nodeName: string): Promise<void> {
  const key = objectKey(pod);
  try {
    await selectNodeForClaims(deps, pod, nodeName);
    await deps.client.createSubresource(
      R.pods,
      pod.metadata?.namespace,
      pod.metadata?.name ?? '',
      'binding',
      bindingFor(pod, nodeName),
    );
    deps.metrics.attempts.inc({ result: 'scheduled' });
    deps.recorder.event(
      pod as Pod & KubeObject,
      'Normal',
      'Scheduled',
      `Successfully assigned ${key} to ${nodeName}`,
    );
  } catch (err) {
    deps.cache.forget(pod);
    // Gone, or bound by someone else meanwhile: the informer will tell us the truth.
    if (isNotFound(err) || isConflict(err)) return;
    deps.metrics.attempts.inc({ result: 'error' });
    deps.log.error('Error binding pod; retrying', { pod: key, node: nodeName, err: (err as Error).message });
    deps.queue.retryLater(key);
  }
}

/**
 * Set PodScheduled=False/Unschedulable with the fit message, unless it already says so. A
 * strategic merge patch of that one condition (merged by type, as upstream's PatchPodStatus
 * sends it): the scheduler keeps only PodScheduled of a pod's conditions (pod-view.ts), and the
 * others are not its to rewrite.
 */
async function markUnschedulable(deps: SchedulerDeps, pod: Pod, message: string): Promise<void> {
  const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (current?.status === 'False' && current.message === message) return;
  const condition = {
    type: 'PodScheduled',
    status: 'False',
    reason: 'Unschedulable',
    message,
    lastProbeTime: null,
    lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
  try {
    await deps.client.patch(
      R.pods,
      pod.metadata?.namespace,
      pod.metadata?.name ?? '',
      'strategic',
      { status: { conditions: [condition] } },
      { subresource: 'status' },
    );
  } catch (err) {
    if (!isNotFound(err))
      deps.log.warn('Could not update pod condition', { pod: objectKey(pod), err: (err as Error).message });
  }
}
