// Pure: does a drill pass? Node drills must show the whole failure-and-recovery story; control-
// plane drills must show that nothing happened to the nodes and pods while the master restarted.
import type { DrillScope, ObjectCounts, Timeline } from './types';

export interface VerdictInput {
  scope: DrillScope;
  timeline: Timeline;
  objects: ObjectCounts;
  /** Problems found by checks outside the timeline (leftover taints, lost writes, a watcher stuck). */
  problems: string[];
}

export function verdict(i: VerdictInput): { result: 'pass' | 'fail'; reasons: string[] } {
  const t = i.timeline;
  const reasons: string[] = [];
  if (i.scope === 'node') {
    if (t.nodeNotReadyAt === null) reasons.push('the node never went NotReady');
    if (t.podsEvictedAt === null) reasons.push('no pod was evicted from the node');
    if (t.replacementsReadyAt === null) reasons.push('replacement pods never all became Ready');
    if (t.nodeRecoveredAt === null) reasons.push('the node did not come back Ready');
  } else {
    if (t.nodeNotReadyAt !== null) reasons.push(`a node went NotReady at +${t.nodeNotReadyAt}s`);
    if (t.podsEvictedAt !== null) reasons.push(`a pod was evicted at +${t.podsEvictedAt}s`);
  }
  if (t.clusterWholeAt === null) reasons.push('the cluster was not whole again within the bound');
  if (i.objects.lost > 0) reasons.push(`${i.objects.lost} object(s) lost`);
  if (i.objects.duplicated > 0)
    reasons.push(`${i.objects.duplicated} pod(s) ran twice (beyond their ReplicaSet's replicas)`);
  reasons.push(...i.problems);
  return { result: reasons.length ? 'fail' : 'pass', reasons };
}
