// NodeReady: a node whose kubelet does not report Ready=True takes no pods. Upstream folds this
// into TaintToleration (the node-lifecycle controller taints such nodes not-ready/unreachable);
// nodekube also checks the condition itself, so a node is skipped before the controller reacts.
// A pod that tolerates the not-ready or unreachable NoSchedule taint (DaemonSet pods) may still land.

import type { Pod } from 'kubernetes-types/core/v1';
import { type FilterPlugin, type NodeInfo, type Status, SUCCESS, unresolvable } from '../framework';
import { isTolerated } from './tolerations';

export const NAME = 'NodeReady';
export const REASON_NOT_READY = 'node(s) were not ready';
export const NOT_READY_TAINT = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };
export const UNREACHABLE_TAINT = { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' };

export const nodeReady: FilterPlugin = {
  name: NAME,
  filter(pod: Pod, { node }: NodeInfo): Status {
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status === 'True') return SUCCESS;
    const tolerations = pod.spec?.tolerations;
    const taint = ready?.status === 'Unknown' ? UNREACHABLE_TAINT : NOT_READY_TAINT;
    if (isTolerated(tolerations, taint)) return SUCCESS;
    return unresolvable(REASON_NOT_READY);
  },
};
