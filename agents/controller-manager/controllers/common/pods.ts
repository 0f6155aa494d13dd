// Pod facts every workload controller asks (upstream's podutil: IsPodReady, IsPodAvailable).

import type { PodObj } from './objects';
import { ms } from './objects';

export function isPodActive(pod: PodObj): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

export function readyCondition(pod: PodObj) {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: PodObj): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** Ready for at least minReadySeconds (a pod must stay ready that long to count as available). */
export function isPodAvailable(pod: PodObj, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = ms(readyCondition(pod)?.lastTransitionTime);
  return since !== undefined && since + minReadySeconds * 1000 <= now;
}
