// Pure rollout arithmetic (deployment/util/deployment_util.go and rolling.go, by vocabulary).
// Every function takes numbers and returns numbers; the worked example used in the comments is
// upstream's: 10 replicas, maxSurge 3, maxUnavailable 2 → at most 13 pods, at least 8 available.

import { scaledValue } from '../common/int-or-percent';

export type IntOrPercent = number | string | undefined;

/**
 * Resolve a number or a percentage of `total`: '25%' of 10 is 2.5 → 3 when rounding up (surge),
 * 2 when rounding down (unavailable). Undefined means upstream's default of 25%.
 */
export function resolveIntOrPercent(value: IntOrPercent, total: number, roundUp: boolean): number {
  return scaledValue(value ?? '25%', total, roundUp);
}

/**
 * ResolveFenceposts: maxSurge rounds up and maxUnavailable rounds down, so a percentage never
 * blocks progress; when both come out 0 the rollout could never move, so unavailable becomes 1.
 */
export function resolveFenceposts(
  maxSurge: IntOrPercent,
  maxUnavailable: IntOrPercent,
  replicas: number,
): { surge: number; unavailable: number } {
  const surge = resolveIntOrPercent(maxSurge, replicas, true);
  let unavailable = resolveIntOrPercent(maxUnavailable, replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/**
 * NewRSNewReplicas for RollingUpdate: scale the new ReplicaSet up as far as the surge allows.
 * 10 replicas, surge 3, 10 old + 0 new → 13 allowed, 10 exist → new RS 0 → 3.
 * When the new RS already has more than `replicas` (a scale-down mid-rollout) it shrinks to fit.
 */
export function newRSReplicasRolling(
  replicas: number,
  surge: number,
  allPods: number,
  newRSReplicas: number,
): number {
  const maxTotal = replicas + surge;
  if (allPods >= maxTotal) return Math.min(newRSReplicas, replicas);
  const scaleUp = Math.min(maxTotal - allPods, replicas - newRSReplicas);
  return newRSReplicas + scaleUp;
}

/**
 * How many old pods may go now without dropping below minAvailable, counting the new RS's
 * not-yet-available pods as already unavailable.
 * 10 replicas, unavailable 2 → minAvailable 8; 13 pods, new RS 3 of which 0 available → 13 − 8 − 3 = 2.
 */
export function maxScaledDown(
  replicas: number,
  unavailable: number,
  allPods: number,
  newRSUnavailable: number,
): number {
  return allPods - (replicas - unavailable) - newRSUnavailable;
}

export interface RSCount {
  name: string;
  replicas: number;
  available: number;
}

/**
 * cleanupUnhealthyReplicas: spend the scale-down budget first on old pods that are not
 * available anyway (oldest ReplicaSet first), since removing them costs no availability.
 * Returns the new replica count per ReplicaSet that changes.
 */
export function cleanupUnhealthy(oldest: RSCount[], budget: number): Map<string, number> {
  const out = new Map<string, number>();
  let left = budget;
  for (const rs of oldest) {
    if (left <= 0) break;
    const unhealthy = rs.replicas - rs.available;
    if (rs.replicas === 0 || unhealthy <= 0) continue;
    const cut = Math.min(left, unhealthy);
    out.set(rs.name, rs.replicas - cut);
    left -= cut;
  }
  return out;
}

/**
 * scaleDownOldReplicaSetsForRollingUpdate: remove available old pods while the total available
 * stays at or above minAvailable. 9 available, minAvailable 8 → 1 old pod goes.
 */
export function scaleDownOld(
  oldest: RSCount[],
  totalAvailable: number,
  minAvailable: number,
): Map<string, number> {
  const out = new Map<string, number>();
  let left = totalAvailable - minAvailable;
  for (const rs of oldest) {
    if (left <= 0) break;
    if (rs.replicas === 0) continue;
    const cut = Math.min(left, rs.replicas);
    out.set(rs.name, rs.replicas - cut);
    left -= cut;
  }
  return out;
}

/**
 * Proportional scaling (sync.go scale): a `kubectl scale` during a rollout spreads the change
 * over the active ReplicaSets in proportion to their size, so a half-done rollout stays half
 * done. Old 6 + new 4 = 10, allowed grows to 20 → +10 → old 12, new 8. Rounding leftovers go to
 * the largest ReplicaSet (the first in `bySizeDesc`).
 */
export function proportionalScale(bySizeDesc: RSCount[], allowedTotal: number): Map<string, number> {
  const current = bySizeDesc.reduce((n, rs) => n + rs.replicas, 0);
  const toAdd = allowedTotal - current;
  const out = new Map<string, number>();
  if (toAdd === 0 || current === 0) return out;
  let added = 0;
  for (const rs of bySizeDesc) {
    const share = Math.trunc((rs.replicas * toAdd) / current);
    const next = Math.max(0, rs.replicas + share);
    added += next - rs.replicas;
    out.set(rs.name, next);
  }
  const first = bySizeDesc[0];
  const rest = toAdd - added;
  if (rest !== 0) out.set(first.name, Math.max(0, (out.get(first.name) ?? first.replicas) + rest));
  for (const rs of bySizeDesc) if (out.get(rs.name) === rs.replicas) out.delete(rs.name);
  return out;
}
