// An autoscaler's status conditions (upstream horizontal.go setConditionInList): set in place by
// type, with lastTransitionTime moving only when the status does. Pure.
//
//   AbleToScale     can the target's scale be read and written (FailedGetScale, SucceededRescale, …)
//   ScalingActive   can a replica count be computed from the metrics (ValidMetricFound, FailedGetResourceMetric, …)
//   ScalingLimited  was the count clamped (TooManyReplicas, ScaleUpLimit, DesiredWithinRange, …)

import type { HorizontalPodAutoscalerCondition } from 'kubernetes-types/autoscaling/v2';

export type ConditionType = 'AbleToScale' | 'ScalingActive' | 'ScalingLimited';

export function setCondition(
  conditions: HorizontalPodAutoscalerCondition[],
  type: ConditionType,
  status: 'True' | 'False',
  reason: string,
  message: string,
  now: string,
): HorizontalPodAutoscalerCondition[] {
  const out = conditions.map((c) => ({ ...c }));
  let c = out.find((x) => x.type === type);
  if (!c) {
    c = { type, status: 'Unknown' };
    out.push(c);
  }
  if (c.status !== status) c.lastTransitionTime = now;
  Object.assign(c, { status, reason, message });
  return out;
}
