// NodePorts (plugins/nodeports, once PodFitsHostPorts): two pods cannot bind the same hostPort
// on one node. 0.0.0.0 conflicts with every address on the same protocol and port.

import type { Pod } from 'kubernetes-types/core/v1';
import { type FilterPlugin, type NodeInfo, type Status, SUCCESS, unschedulable } from '../framework';
import { podHostPorts } from '../requests';

export const NAME = 'NodePorts';
export const REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";

/** `TCP/0.0.0.0/80` against a set of used `protocol/ip/port` entries. */
export function portConflicts(want: string, used: ReadonlySet<string>): boolean {
  if (used.has(want)) return true;
  const [proto, ip, port] = want.split('/');
  for (const u of used) {
    const [uProto, uIp, uPort] = u.split('/');
    if (uProto === proto && uPort === port && (ip === '0.0.0.0' || uIp === '0.0.0.0')) return true;
  }
  return false;
}

export const nodePorts: FilterPlugin = {
  name: NAME,
  filter(pod: Pod, { usedPorts }: NodeInfo): Status {
    if (usedPorts.size === 0) return SUCCESS;
    const wanted = podHostPorts(pod);
    return wanted.some((w) => portConflicts(w, usedPorts)) ? unschedulable(REASON_PORTS) : SUCCESS;
  },
};
