// The Node and Lease a hollow kubelet registers and keeps fresh (kubelet_node_status.go's
// initialNode and setters; nodelease controller). Pure builders: the caller writes them.

import type { Lease } from 'kubernetes-types/coordination/v1';
import type { Node, NodeCondition } from 'kubernetes-types/core/v1';
import { KUBERNETES_VERSION } from '../api/version';
import { apiTime } from './lifecycle';

/** A hollow node reports the version a real kubelet would (api/version.ts), as kubemark does. */
export const KUBELET_VERSION = KUBERNETES_VERSION.gitVersion;
export const CAPACITY = { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface HollowNodeSpec {
  name: string;
  internalIP: string;
}

/** The four conditions a healthy kubelet reports, with upstream's reasons and messages. */
export function healthyConditions(heartbeatMs: number, transitionMs: number): NodeCondition[] {
  const beat = apiTime(heartbeatMs);
  const since = apiTime(transitionMs);
  const c = (type: string, status: string, reason: string, message: string): NodeCondition => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: beat,
    lastTransitionTime: since,
  });
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

export function buildNode({ name, internalIP }: HollowNodeSpec, now: number): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': 'amd64',
        'nodekube.io/hollow': 'true',
      },
    },
    spec: {},
    status: {
      capacity: { ...CAPACITY },
      allocatable: { ...CAPACITY },
      conditions: healthyConditions(now, now),
      addresses: [
        { type: 'InternalIP', address: internalIP },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: name,
        systemUUID: name,
        bootID: name,
        kernelVersion: 'hollow',
        osImage: 'Hollow Node (nodekube)',
        containerRuntimeVersion: 'hollow://1.0',
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: KUBELET_VERSION,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

/** The node's Lease in kube-node-lease, owned by the Node so it goes when the Node goes. */
export function buildLease(node: Node, durationSeconds: number, now: number): Lease {
  const renew = new Date(now).toISOString().replace('Z', '000Z');
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: node.metadata?.name,
      namespace: NODE_LEASE_NAMESPACE,
      ...(node.metadata?.uid
        ? {
            ownerReferences: [
              { apiVersion: 'v1', kind: 'Node', name: node.metadata?.name ?? '', uid: node.metadata.uid },
            ],
          }
        : {}),
    },
    spec: { holderIdentity: node.metadata?.name, leaseDurationSeconds: durationSeconds, renewTime: renew },
  };
}
