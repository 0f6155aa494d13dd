// The Node and Lease a hollow kubelet registers and keeps fresh: the kubelet's own builders
// (kubelet/node-object.ts, kubelet/node-conditions.ts) fed with a hollow node's description and
// the signals of a node with plenty of everything.

import type { Lease } from 'kubernetes-types/coordination/v1';
import type { Node, NodeCondition } from 'kubernetes-types/core/v1';
import { decideConditions, HEALTHY_SIGNALS, nodeConditions } from '../kubelet/node-conditions';
import {
  buildLease as buildKubeletLease,
  buildNode as buildKubeletNode,
  LEASE_NAMESPACE,
  type NodeDescription,
  KUBELET_VERSION as REAL_KUBELET_VERSION,
} from '../kubelet/node-object';
import { apiTime } from './lifecycle';

/** A hollow node reports the version a real kubelet would (api/version.ts), as kubemark does. */
export const KUBELET_VERSION = REAL_KUBELET_VERSION;
export const CAPACITY = { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' };
export const NODE_LEASE_NAMESPACE = LEASE_NAMESPACE;

export interface HollowNodeSpec {
  name: string;
  internalIP: string;
  /** Where the hollow kubelet endpoint answers (kubelet-endpoint.ts); 10250 when not served. */
  kubeletPort?: number;
}

export function describeHollowNode({
  name,
  internalIP,
  kubeletPort = 10250,
}: HollowNodeSpec): NodeDescription {
  return {
    name,
    labels: {
      'beta.kubernetes.io/os': 'linux',
      'beta.kubernetes.io/arch': 'amd64',
      'nodekube.io/hollow': 'true',
    },
    capacity: { ...CAPACITY },
    addresses: [
      { type: 'InternalIP', address: internalIP },
      { type: 'Hostname', address: name },
    ],
    kubeletPort,
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
  };
}

/** The four conditions of a healthy kubelet, Ready since `transitionMs`. */
export function healthyConditions(heartbeatMs: number, transitionMs: number): NodeCondition[] {
  const since = apiTime(transitionMs);
  const old = decideConditions(HEALTHY_SIGNALS).map((c) => ({ ...c, lastTransitionTime: since }));
  return nodeConditions(decideConditions(HEALTHY_SIGNALS), apiTime(heartbeatMs), old);
}

export function buildNode(spec: HollowNodeSpec, now: number): Node {
  return buildKubeletNode(describeHollowNode(spec), healthyConditions(now, now));
}

/** The node's Lease in kube-node-lease, owned by the Node so it goes when the Node goes. */
export function buildLease(node: Node, durationSeconds: number, now: number): Lease {
  return buildKubeletLease(node.metadata?.name ?? '', durationSeconds, new Date(now), node.metadata?.uid);
}
