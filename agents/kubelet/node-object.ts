// The Node and Lease a kubelet registers and keeps fresh (kubelet_node_status.go initialNode and
// setNodeStatus; nodelease/controller.go). Pure builders shared by the kubelet (node-status.ts)
// and the hollow node (hollow-node/node-object.ts): both describe their node, these spell it.

import type { Lease } from 'kubernetes-types/coordination/v1';
import type { Node, NodeAddress, NodeCondition, NodeSystemInfo } from 'kubernetes-types/core/v1';
import { KUBERNETES_VERSION } from '../api/version';

/** The version node status reports: the one every component shares (api/version.ts). */
export const KUBELET_VERSION = KUBERNETES_VERSION.gitVersion;
export const MAX_PODS = 110;
export const LEASE_NAMESPACE = 'kube-node-lease';

/** Everything about a node but its conditions. */
export interface NodeDescription {
  name: string;
  /** Beside kubernetes.io/hostname, /os, /arch, which every node gets. */
  labels?: Record<string, string>;
  podCIDR?: string;
  /** Quantities: cpu, memory, pods, ephemeral-storage. Allocatable is the same (no --kube-reserved). */
  capacity: Record<string, string>;
  addresses: NodeAddress[];
  /** status.daemonEndpoints.kubeletEndpoint.Port: where the apiserver's kubelet proxy dials. */
  kubeletPort: number;
  nodeInfo: NodeSystemInfo;
}

export function nodeStatus(d: NodeDescription, conditions: NodeCondition[]): Node['status'] {
  return {
    capacity: { ...d.capacity },
    allocatable: { ...d.capacity },
    conditions,
    addresses: d.addresses,
    daemonEndpoints: { kubeletEndpoint: { Port: d.kubeletPort } },
    nodeInfo: d.nodeInfo,
  };
}

export function buildNode(d: NodeDescription, conditions: NodeCondition[]): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: d.name,
      labels: {
        'kubernetes.io/hostname': d.name,
        'kubernetes.io/os': d.nodeInfo.operatingSystem,
        'kubernetes.io/arch': d.nodeInfo.architecture,
        ...d.labels,
      },
    },
    spec: d.podCIDR ? { podCIDR: d.podCIDR, podCIDRs: [d.podCIDR] } : {},
    status: nodeStatus(d, conditions),
  };
}

/** RFC 3339 with microseconds: the MicroTime a Lease's renewTime uses. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The node's Lease in kube-node-lease, owned by the Node (when its uid is known) so it goes with it. */
export function buildLease(nodeName: string, durationSeconds: number, now: Date, nodeUid?: string): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: nodeName,
      namespace: LEASE_NAMESPACE,
      ...(nodeUid
        ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUid }] }
        : {}),
    },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: durationSeconds, renewTime: microTime(now) },
  };
}
