// TaintToleration (plugins/tainttoleration): filter out nodes with a NoSchedule or NoExecute taint
// the pod does not tolerate; among the rest, prefer nodes with fewer untolerated
// PreferNoSchedule taints (score = count, normalized so that fewer is better).

import type { Pod } from 'kubernetes-types/core/v1';
import {
  type FilterPlugin,
  MAX_NODE_SCORE,
  type NodeInfo,
  type ScorePlugin,
  type Status,
  SUCCESS,
  unresolvable,
} from '../framework';
import { isTolerated, taintText } from './tolerations';

export const NAME = 'TaintToleration';
export const reasonUntolerated = (text: string) => `node(s) had untolerated taint ${text}`;

export const taintTolerationFilter: FilterPlugin = {
  name: NAME,
  filter(pod: Pod, { node }: NodeInfo): Status {
    for (const taint of node.spec?.taints ?? []) {
      if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
      if (!isTolerated(pod.spec?.tolerations, taint))
        return unresolvable(reasonUntolerated(taintText(taint)));
    }
    return SUCCESS;
  },
};

export const taintTolerationScore: ScorePlugin = {
  name: NAME,
  weight: 3,
  score(pod: Pod, { node }: NodeInfo): number {
    const preferNot = (node.spec?.taints ?? []).filter((t) => t.effect === 'PreferNoSchedule');
    return preferNot.filter((t) => !isTolerated(pod.spec?.tolerations, t)).length;
  },
  /** More intolerable taints → lower score: 0 taints scores 100, the worst node 0. */
  normalize(counts: number[]): number[] {
    const max = Math.max(0, ...counts);
    return counts.map((c) => (max === 0 ? MAX_NODE_SCORE : Math.round(MAX_NODE_SCORE * (1 - c / max))));
  },
};
