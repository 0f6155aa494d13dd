// Pure arithmetic of the disruption controller (disruption.go getExpectedPodCount,
// countHealthyPods, buildDisruptedPodMap, updatePdbStatus; pdb helpers). A worked example:
// a Deployment of 5 replicas, all Ready, behind `maxUnavailable: 40%`: expectedPods 5,
// desiredHealthy 5 − ceil(2.0) = 3, currentHealthy 5, disruptionsAllowed 2. With
// `minAvailable: 50%` of 5: desiredHealthy ceil(2.5) = 3. With `minAvailable: 2` the
// expected count is simply the number of matching pods.

import type { Condition } from 'kubernetes-types/meta/v1';
import type { PodDisruptionBudgetStatus } from 'kubernetes-types/policy/v1';
import { scaledValue } from '../common/int-or-percent';
import { isoNow, ms, type PdbObj, type PodObj } from '../common/objects';
import { isPodReady } from '../common/pods';

/** How long an eviction's entry in `disruptedPods` waits for the pod to go (DeletionTimeout). */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

export const DISRUPTION_ALLOWED = 'DisruptionAllowed';
export const SUFFICIENT_PODS = 'SufficientPods';
export const INSUFFICIENT_PODS = 'InsufficientPods';
export const SYNC_FAILED = 'SyncFailed';

/**
 * expectedPods and desiredHealthy. `expectedScale()` is the sum of the pods' controllers'
 * replicas (each controller once); it is only asked for when a percentage or maxUnavailable
 * needs it, as upstream, so an integer minAvailable works for bare pods too.
 *   maxUnavailable 1 of scale 3          → expected 3, desired 2
 *   maxUnavailable 30% of scale 10       → expected 10, desired 10 − ceil(3) = 7
 *   maxUnavailable 5 of scale 3          → desired max(0, −2) = 0
 *   minAvailable 2, 4 matching pods      → expected 4, desired 2
 *   minAvailable 50% of scale 5          → expected 5, desired ceil(2.5) = 3
 *   neither                              → 0, 0
 */
export function expectedPodCount(
  spec: { minAvailable?: number | string; maxUnavailable?: number | string },
  matchingPods: number,
  expectedScale: () => number,
): { expectedCount: number; desiredHealthy: number } {
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const expectedCount = expectedScale();
    const maxUnavailable = scaledValue(spec.maxUnavailable, expectedCount, true);
    return { expectedCount, desiredHealthy: Math.max(0, expectedCount - maxUnavailable) };
  }
  if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
    if (typeof spec.minAvailable === 'number')
      return { expectedCount: matchingPods, desiredHealthy: spec.minAvailable };
    const expectedCount = expectedScale();
    return { expectedCount, desiredHealthy: scaledValue(spec.minAvailable, expectedCount, true) };
  }
  return { expectedCount: 0, desiredHealthy: 0 };
}

/**
 * buildDisruptedPodMap: keep the entries of live pods whose eviction is less than
 * DELETION_TIMEOUT old; drop the rest (deleted pods, terminating pods, and pods the eviction
 * did not remove in time: those are `expired`, upstream records a NotDeleted event for them).
 * `recheckAt` is when the earliest kept entry expires, so the PDB is synced again then.
 */
export function buildDisruptedPodMap(
  pods: PodObj[],
  disrupted: Record<string, string> | undefined,
  now: number,
): { disruptedPods: Record<string, string>; expired: string[]; recheckAt?: number } {
  const disruptedPods: Record<string, string> = {};
  const expired: string[] = [];
  let recheckAt: number | undefined;
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp || !disrupted?.[name]) continue;
    const expectedDeletion = (ms(disrupted[name]) ?? 0) + DELETION_TIMEOUT_MS;
    if (expectedDeletion < now) {
      expired.push(name);
      continue;
    }
    disruptedPods[name] = disrupted[name];
    if (recheckAt === undefined || expectedDeletion < recheckAt) recheckAt = expectedDeletion;
  }
  return { disruptedPods, expired, recheckAt };
}

/** countHealthyPods: Ready, not terminating, and not just evicted (in disruptedPods). */
export function countHealthyPods(pods: PodObj[], disruptedPods: Record<string, string>, now: number): number {
  return pods.filter((pod) => {
    if (pod.metadata?.deletionTimestamp) return false;
    const evicted = ms(disruptedPods[pod.metadata?.name ?? '']);
    if (evicted !== undefined && evicted + DELETION_TIMEOUT_MS > now) return false;
    return isPodReady(pod);
  }).length;
}

/**
 * disruptionsAllowed = currentHealthy − desiredHealthy, never negative, and 0 while no pod is
 * expected (a PDB matching nothing yet must be safe when its first pods appear).
 *   5 healthy, 3 desired, 5 expected → 2;  2 healthy, 3 desired → 0;  3, 0, 0 expected → 0
 */
export function disruptionsAllowed(currentHealthy: number, desiredHealthy: number, expectedCount: number) {
  const allowed = currentHealthy - desiredHealthy;
  return expectedCount <= 0 || allowed <= 0 ? 0 : allowed;
}

/** apimeta.SetStatusCondition: replace by type; lastTransitionTime moves only when status does. */
export function setStatusCondition(
  conditions: Condition[],
  next: Omit<Condition, 'lastTransitionTime'>,
  now: number,
) {
  const old = conditions.find((c) => c.type === next.type);
  const cond: Condition = {
    ...next,
    lastTransitionTime: old && old.status === next.status ? old.lastTransitionTime : isoNow(now),
  };
  return [...conditions.filter((c) => c.type !== next.type), cond];
}

/** The status a sync writes (updatePdbStatus + UpdateDisruptionAllowedCondition). */
export function pdbStatus(
  pdb: PdbObj,
  counts: { currentHealthy: number; desiredHealthy: number; expectedCount: number },
  disruptedPods: Record<string, string>,
  now: number,
): PodDisruptionBudgetStatus {
  const allowed = disruptionsAllowed(counts.currentHealthy, counts.desiredHealthy, counts.expectedCount);
  const observedGeneration = pdb.metadata?.generation ?? 0;
  return {
    currentHealthy: counts.currentHealthy,
    desiredHealthy: counts.desiredHealthy,
    expectedPods: counts.expectedCount,
    disruptionsAllowed: allowed,
    ...(Object.keys(disruptedPods).length ? { disruptedPods } : {}),
    observedGeneration,
    conditions: setStatusCondition(
      pdb.status?.conditions ?? [],
      {
        type: DISRUPTION_ALLOWED,
        status: allowed > 0 ? 'True' : 'False',
        reason: allowed > 0 ? SUFFICIENT_PODS : INSUFFICIENT_PODS,
        message: '',
        observedGeneration,
      },
      now,
    ),
  };
}

/** failSafe: when the counts cannot be computed, allow no disruption and say why. */
export function failSafeStatus(pdb: PdbObj, message: string, now: number): PodDisruptionBudgetStatus {
  const status = pdb.status ?? {
    currentHealthy: 0,
    desiredHealthy: 0,
    expectedPods: 0,
    disruptionsAllowed: 0,
  };
  return {
    ...status,
    disruptionsAllowed: 0,
    conditions: setStatusCondition(
      status.conditions ?? [],
      {
        type: DISRUPTION_ALLOWED,
        status: 'False',
        reason: SYNC_FAILED,
        message,
        observedGeneration: status.observedGeneration ?? 0,
      },
      now,
    ),
  };
}
