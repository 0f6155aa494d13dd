// NodeResourcesFit (plugins/noderesources/fit.go): the pod's requests plus what the node's pods
// already request must stay within allocatable, for cpu, memory and the pod count. Every
// shortfall is a reason of its own, worded as upstream words it ("Insufficient cpu").

import type { Pod } from 'kubernetes-types/core/v1';
import { type FilterPlugin, type NodeInfo, type Status, SUCCESS, unschedulable } from '../framework';
import { podRequests } from '../requests';

export const NAME = 'NodeResourcesFit';
export const REASON_CPU = 'Insufficient cpu';
export const REASON_MEMORY = 'Insufficient memory';
export const REASON_PODS = 'Too many pods';

export const nodeResourcesFit: FilterPlugin = {
  name: NAME,
  filter(pod: Pod, { allocatable, requested }: NodeInfo): Status {
    const want = podRequests(pod);
    const reasons: string[] = [];
    if (requested.pods + 1 > allocatable.pods) reasons.push(REASON_PODS);
    if (want.milliCpu > 0 && requested.milliCpu + want.milliCpu > allocatable.milliCpu)
      reasons.push(REASON_CPU);
    if (want.memory > 0 && requested.memory + want.memory > allocatable.memory) reasons.push(REASON_MEMORY);
    return reasons.length ? unschedulable(...reasons) : SUCCESS;
  },
};
