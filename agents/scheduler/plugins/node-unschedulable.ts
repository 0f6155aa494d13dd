// NodeUnschedulable (plugins/nodeunschedulable): a cordoned node (`kubectl cordon` sets
// spec.unschedulable) takes no new pods, unless the pod tolerates the
// node.kubernetes.io/unschedulable:NoSchedule taint (DaemonSet pods do).

import type { Pod } from 'kubernetes-types/core/v1';
import { type FilterPlugin, type NodeInfo, type Status, SUCCESS, unresolvable } from '../framework';
import { isTolerated } from './tolerations';

export const NAME = 'NodeUnschedulable';
export const REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
const UNSCHEDULABLE_TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export const nodeUnschedulable: FilterPlugin = {
  name: NAME,
  filter(pod: Pod, { node }: NodeInfo): Status {
    if (!node.spec?.unschedulable) return SUCCESS;
    if (isTolerated(pod.spec?.tolerations, UNSCHEDULABLE_TAINT)) return SUCCESS;
    return unresolvable(REASON_UNSCHEDULABLE);
  },
};
