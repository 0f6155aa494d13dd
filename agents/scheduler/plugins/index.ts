// The default profile: which filters run (cheapest and most decisive first) and which scores
// weigh in. Upstream's equivalent is the "default-scheduler" profile in apis/config/v1/default_plugins.go.

import type { FilterPlugin, ScorePlugin } from '../framework';
import { leastAllocated } from './least-allocated';
import { nodeAffinity } from './node-affinity';
import { nodeName } from './node-name';
import { nodePorts } from './node-ports';
import { nodeReady } from './node-ready';
import { nodeResourcesFit } from './node-resources-fit';
import { nodeUnschedulable } from './node-unschedulable';
import { selectorSpread } from './selector-spread';
import { taintTolerationFilter, taintTolerationScore } from './taint-toleration';

export const defaultFilters: FilterPlugin[] = [
  nodeUnschedulable,
  nodeName,
  nodeReady,
  taintTolerationFilter,
  nodeAffinity,
  nodePorts,
  nodeResourcesFit,
];

export const defaultScores: ScorePlugin[] = [
  taintTolerationScore,
  leastAllocated as ScorePlugin,
  selectorSpread as ScorePlugin,
];
