// Pure decisions of the StatefulSet controller (stateful_set_control.go updateStatefulSet,
// computeReplicaStatus, completeRollingUpdate, newVersionedStatefulSetPod). Worked example,
// OrderedReady, 3 replicas: web-0 is created; nothing more happens until web-0 is Running and
// Ready; then web-1; then web-2. Scaling to 1 deletes web-2, waits for it to be gone, then
// web-1. A RollingUpdate with partition 1 replaces web-2, waits for the new web-2 to be Ready,
// then web-1, and leaves web-0 on the old revision. Parallel does every create and every
// scale-down delete in one pass; updates still go one pod at a time.

import type { StatefulSetStatus } from 'kubernetes-types/apps/v1';
import type { PodObj, StatefulSetObj } from '../common/objects';
import { isPodAvailable, isPodReady } from '../common/pods';
import { ordinalOf, podRevision } from './stateful-pods';

export type Step =
  | { op: 'create'; ordinal: number }
  | { op: 'delete'; pod: PodObj; why: 'failed' | 'condemned' | 'update' };

export interface PlanInput {
  /** OrderedReady: one pod at a time, waiting for each to be Running and Ready. */
  monotonic: boolean;
  /** replicas[i] is the pod of ordinal start+i, or undefined when it does not exist. */
  replicas: (PodObj | undefined)[];
  /** Pods with an ordinal outside [start, start+replicas), ascending by ordinal. */
  condemned: PodObj[];
  start: number;
  /** OnDelete: pods are replaced only when someone deletes them. */
  onDelete: boolean;
  /** RollingUpdate.partition: ordinals below it keep the current revision. */
  partition: number;
  updateRevision: string;
  minReadySeconds: number;
  now: number;
}

const isTerminating = (p: PodObj) => Boolean(p.metadata?.deletionTimestamp);
const isFailed = (p: PodObj) => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';
export const isRunningAndReady = (p: PodObj) => p.status?.phase === 'Running' && isPodReady(p);
const isHealthy = (p: PodObj) => isRunningAndReady(p) && !isTerminating(p);

/**
 * The writes of one sync, in order. Monotonic mode stops at the first step that must be
 * observed before the next (a create, a delete, an unready pod); Parallel keeps going through
 * creates and scale-down deletes. Rolling updates delete at most one pod per sync, from the
 * highest ordinal down to the partition, and only while every pod above it is healthy.
 */
export function planUpdate(input: PlanInput): Step[] {
  const { monotonic, replicas, condemned } = input;
  const steps: Step[] = [];
  // The first unhealthy pod, in ordinal order: in monotonic mode it may be deleted even unready.
  const firstUnhealthy = [...replicas, ...condemned].find((p) => p && !isHealthy(p));
  for (let i = 0; i < replicas.length; i++) {
    const pod = replicas[i];
    if (pod && isFailed(pod) && !isTerminating(pod)) {
      // Delete a failed pod; it is created again once it is gone.
      steps.push({ op: 'delete', pod, why: 'failed' });
      if (monotonic) return steps;
      continue;
    }
    if (!pod) {
      steps.push({ op: 'create', ordinal: input.start + i });
      if (monotonic) return steps;
      continue;
    }
    if (!monotonic) continue;
    if (isTerminating(pod) || !isRunningAndReady(pod)) return steps;
    if (!isPodAvailable(pod, input.minReadySeconds, input.now)) return steps;
  }
  for (let t = condemned.length - 1; t >= 0; t--) {
    const pod = condemned[t];
    if (isTerminating(pod)) {
      if (monotonic) return steps;
      continue;
    }
    if (monotonic && !isRunningAndReady(pod) && pod !== firstUnhealthy) return steps;
    steps.push({ op: 'delete', pod, why: 'condemned' });
    if (monotonic) return steps;
  }
  // Scaling takes precedence over updates; and in Parallel mode, a pass that created or deleted
  // anything waits for the next sync before replacing pods.
  if (input.onDelete || steps.length > 0) return steps;
  for (let target = replicas.length - 1; target >= Math.max(0, input.partition - input.start); target--) {
    const pod = replicas[target];
    if (!pod) return steps;
    if (podRevision(pod) !== input.updateRevision && !isTerminating(pod)) {
      steps.push({ op: 'delete', pod, why: 'update' });
      return steps;
    }
    if (!isHealthy(pod)) return steps;
  }
  return steps;
}

/** Which revision a new pod of `ordinal` gets: below the partition the current one, else the update. */
export function revisionForOrdinal(
  ordinal: number,
  strategy: { onDelete: boolean; partition: number },
): 'current' | 'update' {
  return !strategy.onDelete && ordinal < strategy.partition ? 'current' : 'update';
}

/** Split the set's pods into the slots of [start, start+replicas) and the condemned rest. */
export function splitByOrdinal(
  pods: PodObj[],
  start: number,
  replicaCount: number,
): { replicas: (PodObj | undefined)[]; condemned: PodObj[] } {
  const replicas: (PodObj | undefined)[] = Array.from({ length: replicaCount }, () => undefined);
  const condemned: PodObj[] = [];
  for (const pod of pods) {
    const ord = ordinalOf(pod);
    if (ord >= start && ord < start + replicaCount) replicas[ord - start] = pod;
    else if (ord >= 0) condemned.push(pod);
  }
  condemned.sort((a, b) => ordinalOf(a) - ordinalOf(b));
  return { replicas, condemned };
}

/**
 * computeReplicaStatus + completeRollingUpdate: every pod counts in `replicas`; Running and Ready
 * in readyReplicas (available after minReadySeconds); live pods of the current and update
 * revisions in currentReplicas and updatedReplicas. When a RollingUpdate has every pod updated
 * and ready, the update revision becomes the current one.
 */
export function computeStatus(
  set: StatefulSetObj,
  pods: PodObj[],
  rev: { current: string; update: string; collisionCount: number },
  now: number,
): StatefulSetStatus {
  const minReady = set.spec?.minReadySeconds ?? 0;
  const live = pods.filter((p) => !isTerminating(p));
  const status: StatefulSetStatus = {
    observedGeneration: set.metadata?.generation,
    replicas: pods.length,
    readyReplicas: pods.filter(isRunningAndReady).length,
    availableReplicas: pods.filter((p) => isRunningAndReady(p) && isPodAvailable(p, minReady, now)).length,
    currentReplicas: live.filter((p) => podRevision(p) === rev.current).length,
    updatedReplicas: live.filter((p) => podRevision(p) === rev.update).length,
    currentRevision: rev.current,
    updateRevision: rev.update,
    collisionCount: rev.collisionCount,
  };
  if (
    (set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' &&
    status.updatedReplicas === status.replicas &&
    status.readyReplicas === status.replicas
  ) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
  return status;
}
