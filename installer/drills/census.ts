// Pure: what one look at the API says about nodes and the workload's pods, as recorded samples.
import type { Node, Pod } from 'kubernetes-types/core/v1';
import type { NodeSample, NodeState, PodCensus } from './types';

/** The taints the node-lifecycle controller puts on a node it lost (NoExecute: they evict). */
export const LIFECYCLE_TAINTS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

export function nodeState(node: Node): NodeState {
  const s = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return s === 'True' ? 'Ready' : s === 'False' ? 'NotReady' : 'Unknown';
}

export function nodeSample(t: number, node: Node): NodeSample {
  return {
    t,
    node: node.metadata?.name ?? '',
    state: nodeState(node),
    tainted: (node.spec?.taints ?? []).some(
      (x) => x.effect === 'NoExecute' && LIFECYCLE_TAINTS.includes(x.key),
    ),
  };
}

export const podReady = (p: Pod): boolean =>
  p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/**
 * Counts per node. `gone` holds the uid → node of every pod seen deleted or marked for deletion
 * (the recorder keeps it across events: a deleted pod is no longer in `pods`).
 */
export function census(t: number, pods: Pod[], gone: Map<string, string>): PodCensus {
  const c: PodCensus = { t, ready: {}, live: {}, terminating: {}, evictedFrom: {} };
  const inc = (r: Record<string, number>, k: string) => {
    r[k] = (r[k] ?? 0) + 1;
  };
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (!node) continue;
    if (p.metadata?.deletionTimestamp) inc(c.terminating, node);
    else {
      inc(c.live, node);
      if (podReady(p)) inc(c.ready, node);
    }
  }
  for (const node of gone.values()) inc(c.evictedFrom, node);
  return c;
}
