// The shapes a drill records and reports. Times in a Recording are epoch milliseconds; times in
// a Report are seconds from the fault (negative before it), rounded to 0.1 s, null when the
// milestone did not happen.
import type { ProfileName } from './profiles';

export type DrillName = 'kubelet-stop' | 'node-crash' | 'partition' | 'master-restart' | 'etcd-restart';
/** Node drills break one minion; control-plane drills restart master components. */
export type DrillScope = 'node' | 'control-plane';

/** A node's Ready condition as a lane shows it: Unknown is what "unreachable" looks like in the API. */
export type NodeState = 'Ready' | 'NotReady' | 'Unknown';

export interface NodeSample {
  t: number;
  node: string;
  state: NodeState;
  /** Carries a NoExecute not-ready/unreachable taint. */
  tainted: boolean;
}

/** The workload's pods after each pod event: how many per node are Ready, running, terminating. */
export interface PodCensus {
  t: number;
  ready: Record<string, number>;
  /** Not terminating (bound, not yet deleted), Ready or not. */
  live: Record<string, number>;
  terminating: Record<string, number>;
  /** Pods of the workload bound to a node that were deleted or marked for deletion so far. */
  evictedFrom: Record<string, number>;
}

export interface ProbeSample {
  t: number;
  ok: boolean;
}

export interface Recording {
  nodes: NodeSample[];
  pods: PodCensus[];
  probes: ProbeSample[];
}

export interface Timeline {
  nodeNotReadyAt: number | null;
  taintedAt: number | null;
  podsEvictedAt: number | null;
  replacementsReadyAt: number | null;
  nodeRecoveredAt: number | null;
  clusterWholeAt: number | null;
}

export interface Availability {
  requests: number;
  ok: number;
  percent: number;
  longestOutageS: number;
}

export interface ObjectCounts {
  before: number;
  after: number;
  lost: number;
  duplicated: number;
}

/** What `--json` prints: one object, nothing else on stdout. */
export interface DrillResult {
  drill: DrillName;
  node: string | null;
  profile: ProfileName | 'custom';
  timeline: Timeline;
  availability: Availability;
  objects: ObjectCounts;
  result: 'pass' | 'fail';
  reasons: string[];
}

/** What the picture needs besides the result: the raw recording, relative to the fault. */
export interface DrillReport extends DrillResult {
  startedAt: string;
  /** Epoch ms of the fault; recording times are made relative to it. */
  faultAt: number;
  /** Seconds from the fault when a node drill began to undo it, or a restart had returned. */
  restoredAt: number | null;
  /** Seconds from the fault when the drill stopped watching. */
  endedAt: number;
  nodes: string[];
  replicas: number;
  recording: Recording;
}

/** kubernetes-types objects as the shared client takes them (it wants an index signature). */
type Obj<T> = T & { [k: string]: unknown };
export type KNode = Obj<import('kubernetes-types/core/v1').Node>;
export type KPod = Obj<import('kubernetes-types/core/v1').Pod>;
export type KService = Obj<import('kubernetes-types/core/v1').Service>;
export type KNamespace = Obj<import('kubernetes-types/core/v1').Namespace>;
export type KConfigMap = Obj<import('kubernetes-types/core/v1').ConfigMap>;
export type KComponentStatus = Obj<import('kubernetes-types/core/v1').ComponentStatus>;
export type KDeployment = Obj<import('kubernetes-types/apps/v1').Deployment>;
