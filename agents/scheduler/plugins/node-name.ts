// NodeName (plugins/nodename, once the PodFitsHost predicate): a pod that names a node
// (spec.nodeName) fits only that node.

import type { Pod } from 'kubernetes-types/core/v1';
import { type FilterPlugin, type NodeInfo, type Status, SUCCESS, unresolvable } from '../framework';

export const NAME = 'NodeName';
export const REASON_NODE_NAME = "node(s) didn't match the requested node name";

export const nodeName: FilterPlugin = {
  name: NAME,
  filter(pod: Pod, { node }: NodeInfo): Status {
    const want = pod.spec?.nodeName;
    return !want || want === node.metadata?.name ? SUCCESS : unresolvable(REASON_NODE_NAME);
  },
};
