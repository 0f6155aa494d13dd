// How many replicas a resource metric asks for (upstream: replica_calculator.go). Pure: pods,
// their metrics and the target in, a replica count out. Values are in milli-units, as upstream
// reads them (MilliValue): millicores for cpu, millibytes for memory.
//
//   utilization   ratio = (Σ usage / Σ requests × 100) / target %
//                 4 pods at 150m of 100m requested, target 50 % → 150 % / 50 % = 3 → ceil(3 × 4) = 12
//   average value ratio = (Σ usage / pods) / target
//   tolerance     |1 − ratio| ≤ 0.1 → keep the current count (no flapping on small changes)
//
// Pods count in one of four ways (groupPods):
//   ignored   being deleted, or Failed                           → left out entirely
//   unready   Pending; for cpu also not Ready yet, or Ready so recently that the metric's window
//             reaches back before it (within --horizontal-pod-autoscaler-cpu-initialization-period)
//   missing   no metrics yet
//   ready     everything else
// When some pods are unready or missing, the first ratio is recomputed with them as using 0 %
// (on a scale up) or 100 % / the target (missing, on a scale down): never a larger step, and
// never a step against the direction the measured pods point to.

import type { Pod } from 'kubernetes-types/core/v1';
import { parseQuantity } from '../../../api/quantity';

export interface PodMetric {
  timestampMs: number;
  windowMs: number;
  /** Milli-units. */
  value: number;
}

/** By pod name. */
export type PodMetricsInfo = Map<string, PodMetric>;

export interface CalculatorConfig {
  /** --horizontal-pod-autoscaler-tolerance (0.1). */
  tolerance: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period (5m). */
  cpuInitializationPeriodMs: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay (30s). */
  delayOfInitialReadinessStatusMs: number;
}

export const DEFAULT_CALCULATOR_CONFIG: CalculatorConfig = {
  tolerance: 0.1,
  cpuInitializationPeriodMs: 5 * 60_000,
  delayOfInitialReadinessStatusMs: 30_000,
};

export interface PodGroups {
  readyPodCount: number;
  unreadyPods: Set<string>;
  missingPods: Set<string>;
  ignoredPods: Set<string>;
}

const time = (t: string | undefined) => (t ? Date.parse(t) : Number.NaN);

export function groupPods(
  pods: Pod[],
  metrics: PodMetricsInfo,
  resource: string,
  cfg: CalculatorConfig,
  nowMs: number,
): PodGroups {
  const out: PodGroups = {
    readyPodCount: 0,
    unreadyPods: new Set(),
    missingPods: new Set(),
    ignoredPods: new Set(),
  };
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === 'Failed') {
      out.ignoredPods.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      out.unreadyPods.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      out.missingPods.add(name);
      continue;
    }
    if (resource === 'cpu' && cpuUnready(pod, metric, cfg, nowMs)) {
      out.unreadyPods.add(name);
      continue;
    }
    out.readyPodCount++;
  }
  return out;
}

/** CPU right after start is not the CPU of steady work (JIT, caches): which samples to distrust. */
function cpuUnready(pod: Pod, metric: PodMetric, cfg: CalculatorConfig, nowMs: number): boolean {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const started = time(pod.status?.startTime);
  if (!ready || Number.isNaN(started)) return true;
  const transition = time(ready.lastTransitionTime);
  if (started + cfg.cpuInitializationPeriodMs > nowMs) {
    // Still initialising: unready, or ready so recently that the metric's window reaches back before it.
    return ready.status === 'False' || metric.timestampMs < transition + metric.windowMs;
  }
  // Unready and never ready since start (within the initial readiness delay).
  return ready.status === 'False' && started + cfg.delayOfInitialReadinessStatusMs > transition;
}

/** Each pod's request for `resource` in milli-units, summed over its containers (or the one named). */
export function podRequests(pods: Pod[], resource: string, container?: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let sum = 0;
    for (const c of pod.spec?.containers ?? []) {
      if (container && c.name !== container) continue;
      const request = c.resources?.requests?.[resource];
      if (request === undefined)
        throw new Error(
          `missing request for ${resource} in container ${c.name} of Pod ${pod.metadata?.name}`,
        );
      sum += Math.round(parseQuantity(request) * 1000);
    }
    out.set(pod.metadata?.name ?? '', sum);
  }
  return out;
}

export interface UtilizationRatio {
  usageRatio: number;
  /** Whole percent of the requests. */
  utilization: number;
  /** Average usage per pod, milli-units. */
  rawAverage: number;
}

/** GetResourceUtilizationRatio: only pods with both a metric and a request count. */
export function resourceUtilizationRatio(
  metrics: PodMetricsInfo,
  requests: Map<string, number>,
  targetUtilization: number,
): UtilizationRatio {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let entries = 0;
  for (const [name, m] of metrics) {
    const request = requests.get(name);
    if (request === undefined) continue;
    metricsTotal += m.value;
    requestsTotal += request;
    entries++;
  }
  if (requestsTotal === 0) throw new Error('no metrics returned matched known pods');
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return {
    usageRatio: utilization / targetUtilization,
    utilization,
    rawAverage: Math.trunc(metricsTotal / entries),
  };
}

/** GetMetricUsageRatio: the average over the pods, against the target average. */
export function metricUsageRatio(
  metrics: PodMetricsInfo,
  targetMilli: number,
): { usageRatio: number; usage: number } {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const usage = Math.trunc(total / metrics.size);
  return { usageRatio: usage / targetMilli, usage };
}

const withoutPods = (metrics: PodMetricsInfo, ...sets: Set<string>[]) =>
  new Map([...metrics].filter(([name]) => !sets.some((s) => s.has(name))));

/**
 * The second pass both calculators share: fill in the pods the first ratio left out, recompute,
 * and keep the current count when the filled-in ratio is within tolerance, points the other way,
 * or would move the count the other way.
 */
function withFilledIn(
  currentReplicas: number,
  usageRatio: number,
  metrics: PodMetricsInfo,
  groups: PodGroups,
  fill: { missingOnScaleDown: (pod: string) => number },
  ratioOf: (m: PodMetricsInfo) => number,
  tolerance: number,
): number {
  const filled = new Map(metrics);
  const zero = { timestampMs: 0, windowMs: 0, value: 0 };
  if (usageRatio < 1)
    for (const p of groups.missingPods) filled.set(p, { ...zero, value: fill.missingOnScaleDown(p) });
  else if (usageRatio > 1) for (const p of groups.missingPods) filled.set(p, zero);
  const scaleUpWithUnready = groups.unreadyPods.size > 0 && usageRatio > 1;
  if (scaleUpWithUnready) for (const p of groups.unreadyPods) filled.set(p, zero);
  const newRatio = ratioOf(filled);
  if (
    Math.abs(1 - newRatio) <= tolerance ||
    (usageRatio < 1 && newRatio > 1) ||
    (usageRatio > 1 && newRatio < 1)
  )
    return currentReplicas;
  const replicas = Math.ceil(newRatio * filled.size);
  if ((newRatio < 1 && replicas > currentReplicas) || (newRatio > 1 && replicas < currentReplicas))
    return currentReplicas;
  return replicas;
}

export interface ResourceInput {
  currentReplicas: number;
  resource: string;
  pods: Pod[];
  metrics: PodMetricsInfo;
  container?: string;
}

/** GetResourceReplicas: a utilization target (percent of requests). */
export function resourceReplicas(
  input: ResourceInput & { targetUtilization: number },
  cfg: CalculatorConfig,
  nowMs: number,
): { replicas: number; utilization: number; rawUtilization: number } {
  const { currentReplicas, resource, pods, targetUtilization } = input;
  if (pods.length === 0) throw new Error('no pods returned by selector while calculating replica count');
  const groups = groupPods(pods, input.metrics, resource, cfg, nowMs);
  const metrics = withoutPods(input.metrics, groups.ignoredPods, groups.unreadyPods);
  const requests = podRequests(pods, resource, input.container);
  if (metrics.size === 0)
    throw new Error('did not receive metrics for targeted pods (pods might be unready)');
  const { usageRatio, utilization, rawAverage } = resourceUtilizationRatio(
    metrics,
    requests,
    targetUtilization,
  );
  const result = (replicas: number) => ({ replicas, utilization, rawUtilization: rawAverage });
  const scaleUpWithUnready = groups.unreadyPods.size > 0 && usageRatio > 1;
  if (!scaleUpWithUnready && groups.missingPods.size === 0) {
    if (Math.abs(1 - usageRatio) <= cfg.tolerance) return result(currentReplicas);
    return result(Math.ceil(usageRatio * groups.readyPodCount));
  }
  // A missing pod on a scale down counts as using its whole request (or the target, above 100 %).
  const fallback = Math.max(100, targetUtilization);
  const missingOnScaleDown = (p: string) => Math.trunc(((requests.get(p) ?? 0) * fallback) / 100);
  const ratioOf = (m: PodMetricsInfo) => resourceUtilizationRatio(m, requests, targetUtilization).usageRatio;
  return result(
    withFilledIn(
      currentReplicas,
      usageRatio,
      metrics,
      groups,
      { missingOnScaleDown },
      ratioOf,
      cfg.tolerance,
    ),
  );
}

/** GetRawResourceReplicas: an average value target (milli-units per pod). */
export function rawResourceReplicas(
  input: ResourceInput & { targetAverageMilli: number },
  cfg: CalculatorConfig,
  nowMs: number,
): { replicas: number; usage: number } {
  const { currentReplicas, resource, pods, targetAverageMilli } = input;
  if (pods.length === 0) throw new Error('no pods returned by selector while calculating replica count');
  const groups = groupPods(pods, input.metrics, resource, cfg, nowMs);
  const metrics = withoutPods(input.metrics, groups.ignoredPods, groups.unreadyPods);
  if (metrics.size === 0)
    throw new Error('did not receive metrics for targeted pods (pods might be unready)');
  const { usageRatio, usage } = metricUsageRatio(metrics, targetAverageMilli);
  const scaleUpWithUnready = groups.unreadyPods.size > 0 && usageRatio > 1;
  if (!scaleUpWithUnready && groups.missingPods.size === 0) {
    if (Math.abs(1 - usageRatio) <= cfg.tolerance) return { replicas: currentReplicas, usage };
    return { replicas: Math.ceil(usageRatio * groups.readyPodCount), usage };
  }
  // A missing pod on a scale down counts as using exactly the target.
  const ratioOf = (m: PodMetricsInfo) => metricUsageRatio(m, targetAverageMilli).usageRatio;
  const replicas = withFilledIn(
    currentReplicas,
    usageRatio,
    metrics,
    groups,
    { missingOnScaleDown: () => targetAverageMilli },
    ratioOf,
    cfg.tolerance,
  );
  return { replicas, usage };
}
