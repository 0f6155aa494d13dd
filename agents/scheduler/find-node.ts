// Choosing a node for one pod, as pure functions (schedule_one.go: findNodesThatFitPod,
// prioritizeNodes, selectHost; framework/types.go FitError). No I/O here: the scheduler loop
// (schedule-one.ts) hands in a snapshot of NodeInfos and acts on the answer.
//
//   filter   run every filter on nodes, starting where the last pod stopped, until enough
//            feasible nodes are found (large clusters do not need every node checked)
//   score    each score plugin scores the feasible nodes, normalize, multiply by weight, sum
//   select   the highest total; ties broken at random so equal nodes share the load

import type { Pod } from 'kubernetes-types/core/v1';
import type { FilterPlugin, NodeInfo, ScoreContext, ScorePlugin, Status } from './framework';

export type ScheduleResult =
  | { nodeName: string; evaluated: number; feasible: number }
  | { nodeName?: undefined; message: string; statuses: Map<string, Status> };

/**
 * How many feasible nodes are enough (numFeasibleNodesToFind): all of them below 100 nodes;
 * above, an adaptive percentage 50 − nodes/125 (at least 5 %), and never fewer than 100.
 *   500 nodes → 46 % → 230;  5000 nodes → 10 % → 500
 */
export function numFeasibleNodesToFind(numNodes: number): number {
  if (numNodes < 100) return numNodes;
  const percentage = Math.max(5, 50 - numNodes / 125);
  return Math.max(100, Math.floor((numNodes * percentage) / 100));
}

/** The first status that is not Success, or undefined when every filter passes. */
export function runFilters(filters: readonly FilterPlugin[], pod: Pod, info: NodeInfo): Status | undefined {
  for (const f of filters) {
    const s = f.filter(pod, info);
    if (s.code !== 'Success') return s;
  }
  return undefined;
}

export function findFeasibleNodes(
  filters: readonly FilterPlugin[],
  pod: Pod,
  nodes: readonly NodeInfo[],
  start: number,
) {
  const want = numFeasibleNodesToFind(nodes.length);
  const feasible: NodeInfo[] = [];
  const statuses = new Map<string, Status>();
  let evaluated = 0;
  for (; evaluated < nodes.length && feasible.length < want; evaluated++) {
    const info = nodes[(start + evaluated) % nodes.length];
    const failed = runFilters(filters, pod, info);
    if (failed) statuses.set(info.node.metadata?.name ?? '', failed);
    else feasible.push(info);
  }
  return { feasible, statuses, evaluated };
}

/** Weighted sum of normalized plugin scores, one total per feasible node. */
export function prioritize(
  scores: readonly ScorePlugin[],
  pod: Pod,
  feasible: readonly NodeInfo[],
  ctx: ScoreContext,
): number[] {
  const totals = new Array<number>(feasible.length).fill(0);
  if (feasible.length <= 1) return totals;
  for (const plugin of scores) {
    const state = plugin.preScore?.(pod, ctx);
    let raw = feasible.map((info) => plugin.score(pod, info, state));
    if (plugin.normalize) raw = plugin.normalize(raw);
    for (let i = 0; i < raw.length; i++) totals[i] += raw[i] * plugin.weight;
  }
  return totals;
}

/** Highest total wins; among equals each is picked with equal chance (reservoir sampling). */
export function selectHost(totals: readonly number[], rand: () => number): number {
  let best = 0;
  let ties = 1;
  for (let i = 1; i < totals.length; i++) {
    if (totals[i] > totals[best]) {
      best = i;
      ties = 1;
    } else if (totals[i] === totals[best]) {
      ties++;
      if (rand() * ties < 1) best = i;
    }
  }
  return best;
}

/**
 * FitError.Error(): "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu."
 * Reasons are counted over nodes and the "count reason" strings sorted, as upstream does. We never
 * preempt, so the preemption sentence says what upstream says when preemption cannot help.
 */
export function fitErrorMessage(numNodes: number, statuses: ReadonlyMap<string, Status>): string {
  if (numNodes === 0) return 'no nodes available to schedule pods';
  const counts = new Map<string, number>();
  for (const s of statuses.values()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort();
  return `0/${numNodes} nodes are available: ${parts.join(', ')}. preemption: 0/${numNodes} nodes are available: ${numNodes} Preemption is not helpful for scheduling.`;
}

export interface ScheduleInput {
  pod: Pod;
  nodes: readonly NodeInfo[];
  filters: readonly FilterPlugin[];
  scores: readonly ScorePlugin[];
  ctx: ScoreContext;
  /** Where to start filtering (rotates so every node gets looked at). */
  start: number;
  rand: () => number;
}

export function schedulePod({
  pod,
  nodes,
  filters,
  scores,
  ctx,
  start,
  rand,
}: ScheduleInput): ScheduleResult {
  const { feasible, statuses, evaluated } = findFeasibleNodes(filters, pod, nodes, start);
  if (feasible.length === 0) return { message: fitErrorMessage(nodes.length, statuses), statuses };
  const totals = prioritize(scores, pod, feasible, ctx);
  const chosen = feasible[selectHost(totals, rand)];
  return { nodeName: chosen.node.metadata?.name ?? '', evaluated, feasible: feasible.length };
}
