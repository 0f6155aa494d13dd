// Pure: from what the watches and the probe recorded, the drill's milestones and availability.
// Every milestone is the first moment, at or after the fault, that the API showed it:
//   nodeNotReadyAt       the target's Ready condition left True (any node, for control-plane drills)
//   taintedAt            the target got a NoExecute not-ready/unreachable taint
//   podsEvictedAt        a workload pod on the target was deleted or marked for deletion
//   replacementsReadyAt  after the eviction, `replicas` Ready pods on the other nodes
//   nodeRecoveredAt      after the fault was undone, the target Ready again
//   clusterWholeAt       after that, every node Ready, untainted, and exactly `replicas` pods, all Ready
import type { Availability, NodeSample, PodCensus, ProbeSample, Recording, Timeline } from './types';

export interface TimelineInput {
  recording: Recording;
  faultAt: number;
  /** Epoch ms when the fault was undone (null: never). */
  restoredAt: number | null;
  /** The node drill's target; null for control-plane drills (any node counts). */
  target: string | null;
  nodes: string[];
  replicas: number;
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;
const sum = (r: Record<string, number>, skip?: string) =>
  Object.entries(r).reduce((n, [k, v]) => (k === skip ? n : n + v), 0);

/** The state of every node at each node event (the last sample per node up to then). */
function nodeStatesOver(samples: NodeSample[]): { t: number; states: Map<string, NodeSample> }[] {
  const now = new Map<string, NodeSample>();
  return samples.map((s) => {
    now.set(s.node, s);
    return { t: s.t, states: new Map(now) };
  });
}

export function milestones(i: TimelineInput): Timeline {
  const { recording: r, faultAt, target } = i;
  const after = <T extends { t: number }>(xs: T[], from: number | null) =>
    from === null ? [] : xs.filter((x) => x.t >= from);
  const concerns = (node: string) => target === null || node === target;

  const notReady = after(r.nodes, faultAt).find((s) => concerns(s.node) && s.state !== 'Ready');
  const tainted = after(r.nodes, faultAt).find((s) => concerns(s.node) && s.tainted);
  const evictedBefore = (c: PodCensus | undefined) =>
    c ? (target === null ? sum(c.evictedFrom) : (c.evictedFrom[target] ?? 0)) : 0;
  const atFault = [...r.pods].reverse().find((c) => c.t < faultAt);
  const evicted = after(r.pods, faultAt).find((c) => {
    const n = target === null ? sum(c.evictedFrom) : (c.evictedFrom[target] ?? 0);
    return n > evictedBefore(atFault);
  });
  const replaced =
    evicted && target !== null
      ? after(r.pods, evicted.t).find((c) => sum(c.ready, target) >= i.replicas)
      : undefined;

  // Recovery counts only once the fault is undone and after the node was seen not Ready.
  const recoveredFrom = Math.max(i.restoredAt ?? Number.POSITIVE_INFINITY, notReady?.t ?? faultAt);
  const recovered =
    target !== null && notReady
      ? after(r.nodes, recoveredFrom).find((s) => s.node === target && s.state === 'Ready')
      : undefined;

  const wholeFrom = recovered?.t ?? (target === null ? i.restoredAt : null);
  const whole = wholeFrom === null ? undefined : firstWhole(r, wholeFrom, i.nodes, i.replicas);

  const rel = (x: { t: number } | undefined | number | null) =>
    x === undefined || x === null ? null : seconds((typeof x === 'number' ? x : x.t) - faultAt);
  return {
    nodeNotReadyAt: rel(notReady),
    taintedAt: rel(tainted),
    podsEvictedAt: rel(evicted),
    replacementsReadyAt: rel(replaced),
    nodeRecoveredAt: rel(recovered),
    clusterWholeAt: rel(whole),
  };
}

/** The first moment at or after `from` when nodes and pods are all as they should be. */
function firstWhole(r: Recording, from: number, nodes: string[], replicas: number): number | undefined {
  const nodeTimes = nodeStatesOver(r.nodes);
  const events = [...new Set([from, ...r.nodes.map((s) => s.t), ...r.pods.map((c) => c.t)])]
    .filter((t) => t >= from)
    .sort((a, b) => a - b);
  for (const t of events) {
    const states = [...nodeTimes].reverse().find((x) => x.t <= t)?.states;
    const census = [...r.pods].reverse().find((c) => c.t <= t);
    const nodesOk = nodes.every((n) => {
      const s = states?.get(n);
      return s?.state === 'Ready' && !s.tainted;
    });
    const podsOk =
      census !== undefined &&
      sum(census.ready) === replicas &&
      sum(census.live) === replicas &&
      sum(census.terminating) === 0;
    if (nodesOk && podsOk) return t;
  }
  return undefined;
}

/** Requests, answers, and the longest run of failed requests (from the first failure to the next answer). */
export function availability(probes: ProbeSample[]): Availability {
  const sorted = [...probes].sort((a, b) => a.t - b.t);
  let longest = 0;
  let outageStart: number | null = null;
  for (const p of sorted) {
    if (!p.ok && outageStart === null) outageStart = p.t;
    if (p.ok && outageStart !== null) {
      longest = Math.max(longest, p.t - outageStart);
      outageStart = null;
    }
  }
  const last = sorted.at(-1);
  if (outageStart !== null && last) longest = Math.max(longest, last.t - outageStart);
  const ok = sorted.filter((p) => p.ok).length;
  return {
    requests: sorted.length,
    ok,
    percent: sorted.length ? Math.round((ok / sorted.length) * 1000) / 10 : 0,
    longestOutageS: seconds(longest),
  };
}

/**
 * Pods of the workload beyond its replicas (not terminating), counted only where the excess
 * lasted longer than `allowMs` (a rollout may surge briefly): the largest such excess.
 */
export function overshoot(pods: PodCensus[], replicas: number, allowMs: number): number {
  let worst = 0;
  for (let i = 0; i < pods.length; i++) {
    const extra = sum(pods[i].live) - replicas;
    if (extra <= 0) continue;
    const end = pods.slice(i + 1).find((c) => sum(c.live) - replicas < extra)?.t ?? Number.POSITIVE_INFINITY;
    if (end - pods[i].t > allowMs) worst = Math.max(worst, extra);
  }
  return worst;
}
