// The status fields upstream always writes, even at zero (k8s.io/api types whose json tag has no
// `omitempty`: Go serialises an int32 0 and an empty struct `{}`). Clients generated from the
// OpenAPI schema treat them as required: the official Python client refuses a ReplicaSet whose
// status has no `replicas` ("Invalid value for `replicas`, must not be `None`"). Pure.
//
//   ReplicaSet created          status {}  → {"replicas":0}
//   DaemonSet status write      {numberReady: 2} → {currentNumberScheduled: 0, numberMisscheduled: 0,
//                                                   desiredNumberScheduled: 0, numberReady: 2}
//   Service                     status {}  → {"loadBalancer":{}}
//
// Kinds whose status fields are all omitempty (Deployment, Job, CronJob) answer `{}` upstream too.

import { cloneJson } from '../../api/clone';
import type { ResourceInfo } from '../../api/resources';

const zeroReplicas = { replicas: 0 };

/** resource (`group/resource`) → the fields its status always carries, with their zero values. */
export const REQUIRED_STATUS: Record<string, Record<string, unknown>> = {
  '/replicationcontrollers': zeroReplicas,
  'apps/replicasets': zeroReplicas,
  // StatefulSetStatus.availableReplicas lacks omitempty too (added in 1.22).
  'apps/statefulsets': { replicas: 0, availableReplicas: 0 },
  'apps/daemonsets': {
    currentNumberScheduled: 0,
    numberMisscheduled: 0,
    desiredNumberScheduled: 0,
    numberReady: 0,
  },
  'policy/poddisruptionbudgets': {
    disruptionsAllowed: 0,
    currentHealthy: 0,
    desiredHealthy: 0,
    expectedPods: 0,
  },
  // HorizontalPodAutoscalerStatus.desiredReplicas (v2; v1 writes currentReplicas too, conversion/).
  'autoscaling/horizontalpodautoscalers': { desiredReplicas: 0 },
  // ServiceStatus.loadBalancer is a struct: omitempty never drops it.
  '/services': { loadBalancer: {} },
};

/** `status` with upstream's always-present fields filled in where missing; others untouched. */
export function withRequiredStatus(r: ResourceInfo, status: unknown): unknown {
  const required = REQUIRED_STATUS[`${r.group}/${r.resource}`];
  if (!required) return status;
  const given = (status && typeof status === 'object' ? status : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = { ...given };
  for (const [field, zero] of Object.entries(required)) {
    if (out[field] === undefined || out[field] === null) out[field] = cloneJson(zero);
  }
  return out;
}
