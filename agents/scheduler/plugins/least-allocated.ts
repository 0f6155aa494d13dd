// NodeResourcesLeastAllocated (plugins/noderesources/least_allocated.go): prefer the node that
// would have the most left over. Per resource: (allocatable − requested) × 100 / allocatable,
// counting this pod in; cpu and memory weigh the same. Pods without requests count as 100m/200Mi
// here, so even request-less pods spread.
//   4 cores, 1 requested, pod asks 1 → cpu 50; 16Gi, 4Gi requested, pod asks 0 (→200Mi) → mem ~74

import type { Pod } from 'kubernetes-types/core/v1';
import { MAX_NODE_SCORE, type NodeInfo, type ScorePlugin } from '../framework';
import { podRequests } from '../requests';

export const NAME = 'NodeResourcesLeastAllocated';

export function leastAllocatedScore(requested: number, allocatable: number): number {
  if (allocatable <= 0 || requested > allocatable) return 0;
  return ((allocatable - requested) * MAX_NODE_SCORE) / allocatable;
}

export const leastAllocated: ScorePlugin<{ milliCpu: number; memory: number }> = {
  name: NAME,
  weight: 1,
  preScore: (pod: Pod) => podRequests(pod, true),
  score(_pod: Pod, { allocatable, nonZeroRequested }: NodeInfo, want): number {
    const cpu = leastAllocatedScore(nonZeroRequested.milliCpu + want.milliCpu, allocatable.milliCpu);
    const mem = leastAllocatedScore(nonZeroRequested.memory + want.memory, allocatable.memory);
    return Math.floor((cpu + mem) / 2);
  },
};
