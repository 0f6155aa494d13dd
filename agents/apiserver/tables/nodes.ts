// Nodes: NAME STATUS ROLES AGE VERSION | INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME.
//
//   minion-1   Ready,SchedulingDisabled   <none>          3d4h   v1.30.0
//   master     Ready                      control-plane   3d4h   v1.30.0
//
// STATUS is the Ready condition (Ready / NotReady, Unknown without one) plus SchedulingDisabled
// when cordoned. ROLES come from `node-role.kubernetes.io/<role>` label keys and the older
// `kubernetes.io/role=<role>` label (printNode, findNodeRoles).

import type { Node } from 'kubernetes-types/core/v1';
import { since } from './age';
import { AGE, column, NAME, type Printer } from './columns';

const ROLE_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';

export function nodeStatus(node: Node): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

export function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === ROLE_LABEL && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

const address = (node: Node, type: string) =>
  node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';

export const nodePrinter: Printer = {
  columns: [
    NAME,
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    AGE,
    column('Version', 'string', 'Kubelet Version reported by the node.'),
    column('Internal-IP', 'string', 'The node address of type InternalIP.', { wide: true }),
    column('External-IP', 'string', 'The node address of type ExternalIP.', { wide: true }),
    column('OS-Image', 'string', 'OS Image reported by the node.', { wide: true }),
    column('Kernel-Version', 'string', 'Kernel Version reported by the node.', { wide: true }),
    column('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node.', { wide: true }),
  ],
  cells(node: Node, now) {
    const info = node.status?.nodeInfo;
    return [
      node.metadata?.name,
      nodeStatus(node),
      nodeRoles(node),
      since(now, node.metadata?.creationTimestamp),
      info?.kubeletVersion ?? '',
      address(node, 'InternalIP'),
      address(node, 'ExternalIP'),
      info?.osImage || '<unknown>',
      info?.kernelVersion || '<unknown>',
      info?.containerRuntimeVersion || '<unknown>',
    ];
  },
};
