// Pure: when must a pod leave a node with NoExecute taints (taint_eviction.go,
// getMinTolerationTime)? A taint the pod does not tolerate evicts it at once. A tolerated taint
// lets it stay tolerationSeconds after the taint's timeAdded (forever when unset). With several
// taints the earliest deadline wins. The DefaultTolerationSeconds admission gives every pod
// `not-ready` and `unreachable` tolerations of 300 s, which is where the 5-minute eviction of the
// classic node-failure walk-through comes from.

import type { Taint, Toleration } from 'kubernetes-types/core/v1';
import { ms } from '../common/objects';

export function tolerates(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if ((tol.operator ?? 'Equal') === 'Exists') return !tol.key || tol.key === taint.key;
  return tol.key === taint.key && (tol.value ?? '') === (taint.value ?? '');
}

/** When the pod must be evicted: a time (ms), 0 for at once, or Infinity for never. */
export function evictionTime(
  tolerations: readonly Toleration[] | undefined,
  taints: readonly Taint[],
): number {
  let earliest = Number.POSITIVE_INFINITY;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const matching = (tolerations ?? []).filter((t) => tolerates(t, taint));
    if (matching.length === 0) return 0;
    const seconds = Math.min(...matching.map((t) => t.tolerationSeconds ?? Number.POSITIVE_INFINITY));
    if (!Number.isFinite(seconds)) continue;
    const added = ms(taint.timeAdded) ?? 0;
    earliest = Math.min(earliest, added + Math.max(0, seconds) * 1000);
  }
  return earliest;
}
