// HorizontalPodAutoscaler scaling rules and their defaults (autoscaling/v2 defaults.go:
// GenerateHPAScaleUpRules / GenerateHPAScaleDownRules), shared by the apiserver, which writes
// them into a `spec.behavior` a user gave in part, and the controller, which uses them when
// there is no behavior at all.
//
//   scale up    no stabilization; the larger of 4 pods or 100 % every 15 s
//   scale down  the controller's --horizontal-pod-autoscaler-downscale-stabilization (5m);
//               up to 100 % every 15 s

import type { HPAScalingRules } from 'kubernetes-types/autoscaling/v2';

export const DEFAULT_SCALE_UP: HPAScalingRules = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};

/** stabilizationWindowSeconds stays unset: the controller's flag decides it. */
export const DEFAULT_SCALE_DOWN: HPAScalingRules = {
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

/** The rules a user gave, with each field they left out taken from `defaults` (copyHPAScalingRules). */
export function withDefaultRules(
  given: HPAScalingRules | undefined,
  defaults: HPAScalingRules,
): HPAScalingRules {
  const out = structuredClone(defaults) as HPAScalingRules & Record<string, unknown>;
  if (!given) return out;
  if (given.selectPolicy !== undefined) out.selectPolicy = given.selectPolicy;
  if (given.policies !== undefined) out.policies = structuredClone(given.policies);
  if (given.stabilizationWindowSeconds !== undefined)
    out.stabilizationWindowSeconds = given.stabilizationWindowSeconds;
  for (const [k, v] of Object.entries(given)) if (!(k in out)) out[k] = v; // newer fields (tolerance)
  return out;
}
