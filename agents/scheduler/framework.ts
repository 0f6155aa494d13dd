// The scheduling framework's vocabulary (pkg/scheduler/framework/interface.go, types.go), cut to
// what nodekube runs: filter plugins say whether a node CAN take a pod, score plugins say how
// WELL it fits. A filter answers with a typed Status, never a bare boolean, so the reason a node
// was rejected reaches the FailedScheduling event ("2 Insufficient cpu").
//
// What interface.go says about the codes: Unschedulable may change when other pods go away
// (preemption could help); UnschedulableAndUnresolvable cannot (a label, a taint, a cordon).

import type { Node, Pod } from 'kubernetes-types/core/v1';

export type Code = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable';

export interface Status {
  code: Code;
  reasons: string[];
}

export const SUCCESS: Status = Object.freeze({ code: 'Success', reasons: [] }) as Status;
export const unschedulable = (...reasons: string[]): Status => ({ code: 'Unschedulable', reasons });
export const unresolvable = (...reasons: string[]): Status => ({
  code: 'UnschedulableAndUnresolvable',
  reasons,
});

/** Resources in the units the scheduler adds up: millicores, bytes, pod count. */
export interface Resources {
  milliCpu: number;
  memory: number;
  pods: number;
}

/** A node plus what the scheduler knows sits on it (framework.NodeInfo). */
export interface NodeInfo {
  node: Node;
  /** Pods bound or assumed to this node, by `namespace/name`. */
  pods: Map<string, Pod>;
  allocatable: Resources;
  /** Sum of the pods' requests. */
  requested: Resources;
  /** The same with defaults for pods that request nothing (100m / 200Mi), for scoring only. */
  nonZeroRequested: Resources;
  /** `protocol/hostIP/hostPort` in use. */
  usedPorts: Set<string>;
}

export interface FilterPlugin {
  readonly name: string;
  filter(pod: Pod, nodeInfo: NodeInfo): Status;
}

/** Per-cycle facts a score plugin gathers once per pod (PreScore), e.g. the selectors to spread by. */
export interface ScoreContext {
  /** Services in the cluster, for spreading a service's pods. */
  services: readonly { metadata?: { namespace?: string }; spec?: { selector?: { [k: string]: string } } }[];
}

export interface ScorePlugin<S = unknown> {
  readonly name: string;
  readonly weight: number;
  preScore?(pod: Pod, ctx: ScoreContext): S;
  /** 0…MAX_NODE_SCORE, or raw values that normalize() maps there. */
  score(pod: Pod, nodeInfo: NodeInfo, state: S): number;
  normalize?(scores: number[]): number[];
}

export const MAX_NODE_SCORE = 100;
