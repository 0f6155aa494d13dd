// SelectorSpread (plugins/selectorspread, the 1.x SelectorSpreadPriority): spread the pods of one
// owner or one Service across nodes. PreScore collects what makes pods "the same" as this one —
// its controller owner and the selectors of Services that select it — score counts such pods on
// each node, and normalize turns "fewest" into the best score:
//   counts [2, 1, 0] → max 2 → scores [0, 50, 100]

import type { Pod } from 'kubernetes-types/core/v1';
import { MAX_NODE_SCORE, type NodeInfo, type ScoreContext, type ScorePlugin } from '../framework';

export const NAME = 'SelectorSpread';

interface SpreadState {
  namespace: string;
  ownerUid?: string;
  selectors: { [k: string]: string }[];
}

const controllerUid = (pod: Pod) => pod.metadata?.ownerReferences?.find((o) => o.controller)?.uid;

const selects = (selector: { [k: string]: string }, labels: { [k: string]: string }) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

export function spreadState(pod: Pod, ctx: ScoreContext): SpreadState {
  const namespace = pod.metadata?.namespace ?? 'default';
  const labels = pod.metadata?.labels ?? {};
  const selectors = ctx.services
    .filter(
      (s) =>
        s.metadata?.namespace === namespace && s.spec?.selector && Object.keys(s.spec.selector).length > 0,
    )
    .map((s) => s.spec?.selector as { [k: string]: string })
    .filter((sel) => selects(sel, labels));
  return { namespace, ownerUid: controllerUid(pod), selectors };
}

function isSame(state: SpreadState, other: Pod): boolean {
  if (other.metadata?.namespace !== state.namespace) return false;
  if (state.ownerUid && controllerUid(other) === state.ownerUid) return true;
  const labels = other.metadata?.labels ?? {};
  return state.selectors.some((sel) => selects(sel, labels));
}

export const selectorSpread: ScorePlugin<SpreadState> = {
  name: NAME,
  // Weighted like PodTopologySpread (its successor), so spreading wins over small load differences.
  weight: 2,
  preScore: spreadState,
  score(_pod: Pod, { pods }: NodeInfo, state): number {
    if (!state.ownerUid && state.selectors.length === 0) return 0;
    let n = 0;
    for (const p of pods.values()) if (isSame(state, p)) n++;
    return n;
  },
  normalize(counts: number[]): number[] {
    const max = Math.max(0, ...counts);
    return counts.map((c) => (max === 0 ? MAX_NODE_SCORE : Math.round((MAX_NODE_SCORE * (max - c)) / max)));
  },
};
