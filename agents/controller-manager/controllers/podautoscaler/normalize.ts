// From the metrics' recommendation to the replica count the controller sets (upstream:
// horizontal.go normalizeDesiredReplicas[WithBehaviors]). Pure: the autoscaler's memory (recent
// recommendations and scale events) goes in and the updated memory comes out.
//
// Without spec.behavior (what kubectl autoscale makes):
//   stabilize   scale down only to the highest recommendation of the last
//               --horizontal-pod-autoscaler-downscale-stabilization (5m)
//   limit       at most max(2 × current, 4) per sync; clamp to [minReplicas, maxReplicas]
//     current 3, recommended 10, max 20 → 6 (ScaleUpLimit)
// With spec.behavior:
//   stabilize   up: the lowest recommendation of scaleUp's window (0 s by default);
//               down: the highest of scaleDown's window (the flag's 5m unless set)
//   limit       each policy allows a change per period, counted from the replicas at the start
//               of that period; selectPolicy Max takes the most permissive, Min the least
//     scale up from 2 with {4 pods, 100 %} per 15 s → max(2+4, ceil(2×2)) = 6

import type { HPAScalingRules } from 'kubernetes-types/autoscaling/v2';

export interface Recommendation {
  replicas: number;
  atMs: number;
}

export interface ScaleEvent {
  change: number;
  atMs: number;
  outdated?: boolean;
}

/** What the controller remembers per autoscaler between syncs (it is lost on restart, as upstream's). */
export interface AutoscalerMemory {
  recommendations: Recommendation[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

export const emptyMemory = (): AutoscalerMemory => ({
  recommendations: [],
  scaleUpEvents: [],
  scaleDownEvents: [],
});

/** A condition the normalisation decided: AbleToScale's reason, and ScalingLimited's. */
export interface Verdict {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export interface Normalized {
  replicas: number;
  ableToScale: Verdict;
  scalingLimited: Verdict;
  memory: AutoscalerMemory;
}

const READY_FOR_NEW_SCALE: Verdict = {
  status: 'True',
  reason: 'ReadyForNewScale',
  message: 'recommended size matches current size',
};
const SCALE_DOWN_STABILIZED: Verdict = {
  status: 'True',
  reason: 'ScaleDownStabilized',
  message: 'recent recommendations were higher than current one, applying the highest recent recommendation',
};
const SCALE_UP_STABILIZED: Verdict = {
  status: 'True',
  reason: 'ScaleUpStabilized',
  message: 'recent recommendations were lower than current one, applying the lowest recent recommendation',
};
const WITHIN_RANGE = {
  reason: 'DesiredWithinRange',
  message: 'the desired count is within the acceptable range',
};
const TOO_MANY = {
  reason: 'TooManyReplicas',
  message: 'the desired replica count is more than the maximum replica count',
};
const TOO_FEW = {
  reason: 'TooFewReplicas',
  message: 'the desired replica count is less than the minimum replica count',
};
const UP_LIMIT = {
  reason: 'ScaleUpLimit',
  message: 'the desired replica count is increasing faster than the maximum scale rate',
};
const DOWN_LIMIT = {
  reason: 'ScaleDownLimit',
  message: 'the desired replica count is decreasing faster than the maximum scale rate',
};

/** Record `replicas` now, reusing the slot of a recommendation older than every window. */
function record(
  list: Recommendation[],
  replicas: number,
  nowMs: number,
  isOld: (r: Recommendation) => boolean,
) {
  const out = [...list];
  const old = out.findLastIndex(isOld);
  if (old >= 0) out[old] = { replicas, atMs: nowMs };
  else out.push({ replicas, atMs: nowMs });
  return out;
}

function limited(replicas: number, stabilized: number, why: { reason: string; message: string }): Verdict {
  return { status: replicas === stabilized ? 'False' : 'True', ...why };
}

/** No behavior: the downscale stabilization window, then the 2×/4 scale-up limit and min/max. */
export function normalizeDesiredReplicas(a: {
  memory: AutoscalerMemory;
  currentReplicas: number;
  desiredReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  downscaleStabilizationMs: number;
  nowMs: number;
}): Normalized {
  const cutoff = a.nowMs - a.downscaleStabilizationMs;
  let stabilized = a.desiredReplicas;
  for (const r of a.memory.recommendations)
    if (r.atMs >= cutoff && r.replicas > stabilized) stabilized = r.replicas;
  const recommendations = record(
    a.memory.recommendations,
    a.desiredReplicas,
    a.nowMs,
    (r) => r.atMs < cutoff,
  );
  const ableToScale = stabilized !== a.desiredReplicas ? SCALE_DOWN_STABILIZED : READY_FOR_NEW_SCALE;
  const { replicas, why } = withRules(a.currentReplicas, stabilized, a.minReplicas, a.maxReplicas);
  return {
    replicas,
    ableToScale,
    scalingLimited: limited(replicas, stabilized, why),
    memory: { ...a.memory, recommendations },
  };
}

/** max(2 × current, 4): upstream's guard against a bogus usage spike (kubernetes#32304). */
export const scaleUpLimit = (currentReplicas: number) => Math.max(2 * currentReplicas, 4);

/** convertDesiredReplicasWithRules. */
export function withRules(current: number, desired: number, min: number, max: number) {
  const limit = scaleUpLimit(current);
  const [maximum, maxWhy] = max > limit ? [limit, UP_LIMIT] : [max, TOO_MANY];
  if (desired < min) return { replicas: min, why: TOO_FEW };
  if (desired > maximum) return { replicas: maximum, why: maxWhy };
  return { replicas: desired, why: WITHIN_RANGE };
}

/** The replicas added (or removed) by the events within the last `periodSeconds`. */
export function changeInPeriod(periodSeconds: number, events: ScaleEvent[], nowMs: number): number {
  const cutoff = nowMs - periodSeconds * 1000;
  return events.reduce((n, e) => (e.atMs > cutoff ? n + e.change : n), 0);
}

/** The most the rules let the count grow to now (calculateScaleUpLimitWithScalingRules). */
export function scaleUpLimitWithRules(
  current: number,
  memory: AutoscalerMemory,
  rules: HPAScalingRules,
  nowMs: number,
): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let result = rules.selectPolicy === 'Min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  for (const p of rules.policies ?? []) {
    const start =
      current -
      changeInPeriod(p.periodSeconds, memory.scaleUpEvents, nowMs) +
      changeInPeriod(p.periodSeconds, memory.scaleDownEvents, nowMs);
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** The least the rules let the count shrink to now (calculateScaleDownLimitWithBehaviors). */
export function scaleDownLimitWithRules(
  current: number,
  memory: AutoscalerMemory,
  rules: HPAScalingRules,
  nowMs: number,
): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let result = rules.selectPolicy === 'Min' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  for (const p of rules.policies ?? []) {
    const start =
      current -
      changeInPeriod(p.periodSeconds, memory.scaleUpEvents, nowMs) +
      changeInPeriod(p.periodSeconds, memory.scaleDownEvents, nowMs);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** With behavior: stabilize within both windows, then apply the rate limits and min/max. */
export function normalizeWithBehaviors(a: {
  memory: AutoscalerMemory;
  currentReplicas: number;
  desiredReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  /** Both with stabilizationWindowSeconds and selectPolicy set (the apiserver's defaults, or the controller's). */
  scaleUp: HPAScalingRules;
  scaleDown: HPAScalingRules;
  nowMs: number;
}): Normalized {
  const upCutoff = a.nowMs - (a.scaleUp.stabilizationWindowSeconds ?? 0) * 1000;
  const downCutoff = a.nowMs - (a.scaleDown.stabilizationWindowSeconds ?? 0) * 1000;
  let up = a.desiredReplicas;
  let down = a.desiredReplicas;
  for (const r of a.memory.recommendations) {
    if (r.atMs > upCutoff) up = Math.min(up, r.replicas);
    if (r.atMs > downCutoff) down = Math.max(down, r.replicas);
  }
  const stabilized = Math.min(Math.max(a.currentReplicas, up), down);
  const recommendations = record(
    a.memory.recommendations,
    a.desiredReplicas,
    a.nowMs,
    (r) => r.atMs < upCutoff && r.atMs < downCutoff,
  );
  const ableToScale =
    stabilized === a.desiredReplicas
      ? READY_FOR_NEW_SCALE
      : a.desiredReplicas >= a.currentReplicas
        ? SCALE_UP_STABILIZED
        : SCALE_DOWN_STABILIZED;
  const { replicas, why } = withBehaviorRate(a, stabilized);
  return {
    replicas,
    ableToScale,
    scalingLimited: limited(replicas, stabilized, why),
    memory: { ...a.memory, recommendations },
  };
}

/** convertDesiredReplicasWithBehaviorRate. */
function withBehaviorRate(
  a: Parameters<typeof normalizeWithBehaviors>[0],
  desired: number,
): { replicas: number; why: { reason: string; message: string } } {
  const current = a.currentReplicas;
  if (desired > current) {
    const limit = Math.max(scaleUpLimitWithRules(current, a.memory, a.scaleUp, a.nowMs), current);
    const [maximum, why] = a.maxReplicas > limit ? [limit, UP_LIMIT] : [a.maxReplicas, TOO_MANY];
    if (desired > maximum) return { replicas: maximum, why };
  } else if (desired < current) {
    const limit = Math.min(scaleDownLimitWithRules(current, a.memory, a.scaleDown, a.nowMs), current);
    const [minimum, why] = a.minReplicas < limit ? [limit, DOWN_LIMIT] : [a.minReplicas, TOO_FEW];
    if (desired < minimum) return { replicas: minimum, why };
  }
  return { replicas: desired, why: WITHIN_RANGE };
}

/** storeScaleEvent: remember a rescale so the policies can count it (only with a behavior). */
export function recordScaleEvent(
  memory: AutoscalerMemory,
  rules: { scaleUp: HPAScalingRules; scaleDown: HPAScalingRules },
  previous: number,
  next: number,
  nowMs: number,
): AutoscalerMemory {
  const up = next > previous;
  const list = up ? memory.scaleUpEvents : memory.scaleDownEvents;
  const longest = Math.max(
    0,
    ...((up ? rules.scaleUp : rules.scaleDown).policies ?? []).map((p) => p.periodSeconds),
  );
  const events = list.map((e) => (e.atMs < nowMs - longest * 1000 ? { ...e, outdated: true } : e));
  const event = { change: Math.abs(next - previous), atMs: nowMs };
  const reuse = events.findIndex((e) => e.outdated);
  if (reuse >= 0) events[reuse] = event;
  else events.push(event);
  return up ? { ...memory, scaleUpEvents: events } : { ...memory, scaleDownEvents: events };
}
