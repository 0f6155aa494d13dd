// The replica count the metrics ask for (upstream horizontal.go computeReplicasForMetrics and
// computeStatusForResourceMetric): each metric proposes a count, the largest wins. A metric that
// cannot be read is reported (event + ScalingActive=False) and skipped; if every metric fails, or
// a failing one might have asked for more than the others on a scale down, nothing is decided.
//
// Resource and ContainerResource metrics are computed here, from metrics.k8s.io; Pods, Object and
// External need a custom or external metrics API, which this cluster does not serve: they fail
// the way upstream's do without one (FailedGetPodsMetric …).
//
// Errors read as upstream's, which kubectl describe shows in events and conditions:
//   FailedGetResourceMetric       failed to get cpu utilization: unable to get metrics for resource cpu: …
//   FailedComputeMetricsReplicas  invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: …

import type { MetricSpec, MetricStatus, MetricTarget } from 'kubernetes-types/autoscaling/v2';
import type { Pod } from 'kubernetes-types/core/v1';
import { formatMilli, parseQuantity } from '../../../api/quantity';
import type { ResourceMetricsClient } from './metrics-client';
import { type CalculatorConfig, rawResourceReplicas, resourceReplicas } from './replica-calculator';

export interface Verdict {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export interface MetricsInput {
  metrics: MetricSpec[];
  namespace: string;
  /** The target's scale: spec.replicas and its selector (status.selector). */
  specReplicas: number;
  selector: string;
  /** The pods the selector matches (the controller's pod cache). */
  pods: Pod[];
  metricsClient: ResourceMetricsClient;
  cfg: CalculatorConfig;
  nowMs: number;
  /** A Warning event on the autoscaler. */
  warn(reason: string, message: string): void;
}

export interface MetricsResult {
  /** -1: nothing decided (every metric failed, or a failure makes a scale down unsafe). */
  replicas: number;
  metricName: string;
  statuses: MetricStatus[];
  /** ScalingActive as the metrics decided it. */
  scalingActive: Verdict;
  /** The first failure, when some metric failed. */
  error?: string;
}

interface Proposal {
  replicas: number;
  metricName: string;
  status: MetricStatus;
}

class MetricError extends Error {
  constructor(
    message: string,
    readonly condition: Verdict,
  ) {
    super(message);
  }
}

/** A failure's ScalingActive verdict, with its event (getUnableComputeReplicaCountCondition). */
function unable(input: MetricsInput, reason: string, err: string): Verdict {
  input.warn(reason, err);
  return { status: 'False', reason, message: `the HPA was unable to compute the replica count: ${err}` };
}

async function resourceProposal(
  input: MetricsInput,
  type: 'Resource' | 'ContainerResource',
  name: string,
  target: MetricTarget,
  container?: string,
): Promise<Proposal> {
  const key = type === 'Resource' ? 'resource' : 'containerResource';
  const statusOf = (current: Record<string, unknown>): MetricStatus =>
    ({ type, [key]: { name, ...(container ? { container } : {}), current } }) as MetricStatus;
  const fetch = async () => {
    try {
      return (await input.metricsClient.getResourceMetric(name, input.namespace, input.selector, container))
        .metrics;
    } catch (err) {
      throw new Error(`unable to get metrics for resource ${name}: ${(err as Error).message}`);
    }
  };
  const base = { currentReplicas: input.specReplicas, resource: name, pods: input.pods, container };
  if (target.averageValue !== undefined) {
    try {
      const targetAverageMilli = Math.round(parseQuantity(target.averageValue) * 1000);
      const r = rawResourceReplicas(
        { ...base, metrics: await fetch(), targetAverageMilli },
        input.cfg,
        input.nowMs,
      );
      return {
        replicas: r.replicas,
        metricName: `${name} resource`,
        status: statusOf({ averageValue: formatMilli(r.usage) }),
      };
    } catch (err) {
      throw new Error(`failed to get ${name} usage: ${(err as Error).message}`);
    }
  }
  if (target.averageUtilization === undefined)
    throw new Error(
      'invalid resource metric source: neither an average utilization target nor an average value (usage) target was set',
    );
  try {
    const r = resourceReplicas(
      { ...base, metrics: await fetch(), targetUtilization: target.averageUtilization },
      input.cfg,
      input.nowMs,
    );
    const kind = type === 'Resource' ? 'resource' : 'container resource';
    return {
      replicas: r.replicas,
      metricName: `${name} ${kind} utilization (percentage of request)`,
      status: statusOf({ averageUtilization: r.utilization, averageValue: formatMilli(r.rawUtilization) }),
    };
  } catch (err) {
    throw new Error(`failed to get ${name} utilization: ${(err as Error).message}`);
  }
}

/** One metric's proposal (computeReplicasForMetric), or a MetricError with its condition. */
async function proposal(input: MetricsInput, spec: MetricSpec): Promise<Proposal> {
  switch (spec.type) {
    case 'Resource':
    case 'ContainerResource': {
      const src = spec.type === 'Resource' ? spec.resource : spec.containerResource;
      const name = src?.name ?? '';
      const reason =
        spec.type === 'Resource' ? 'FailedGetResourceMetric' : 'FailedGetContainerResourceMetric';
      try {
        return await resourceProposal(
          input,
          spec.type,
          name,
          src?.target ?? { type: '' },
          spec.containerResource?.container,
        );
      } catch (err) {
        const message = (err as Error).message;
        const what = spec.type === 'Resource' ? 'resource' : 'container resource';
        throw new MetricError(
          `failed to get ${name} ${what} metric value: ${message}`,
          unable(input, reason, message),
        );
      }
    }
    case 'Pods':
    case 'Object':
    case 'External': {
      const reason = `FailedGet${spec.type}Metric`;
      const api = spec.type === 'External' ? 'external' : 'custom';
      const message = `unable to get metric ${metricName(spec)}: no ${api} metrics API (${api}.metrics.k8s.io) is served in this cluster`;
      throw new MetricError(
        `failed to get ${spec.type.toLowerCase()} metric value: ${message}`,
        unable(input, reason, message),
      );
    }
    default: {
      const message = `unknown metric source type "${spec.type}"`;
      throw new MetricError(message, unable(input, 'InvalidMetricSourceType', message));
    }
  }
}

function metricName(spec: MetricSpec): string {
  return spec.pods?.metric.name ?? spec.object?.metric.name ?? spec.external?.metric.name ?? '';
}

export async function computeReplicasForMetrics(input: MetricsInput): Promise<MetricsResult> {
  const statuses: MetricStatus[] = [];
  let replicas = 0;
  let metricName = '';
  let invalid = 0;
  let firstError: MetricError | undefined;
  for (const spec of input.metrics) {
    try {
      const p = await proposal(input, spec);
      statuses.push(p.status);
      if (replicas === 0 || p.replicas > replicas) {
        replicas = p.replicas;
        metricName = p.metricName;
      }
    } catch (err) {
      if (!(err instanceof MetricError)) throw err;
      statuses.push({ type: '' } as MetricStatus); // upstream keeps an empty status in its slot
      firstError ??= err;
      invalid++;
    }
  }
  const error = firstError
    ? `invalid metrics (${invalid} invalid out of ${input.metrics.length}), first error is: ${firstError.message}`
    : undefined;
  // Every metric failed, or some failed while the others would scale down (the failed ones might
  // have wanted more): decide nothing.
  if (firstError && (invalid >= input.metrics.length || replicas < input.specReplicas))
    return { replicas: -1, metricName: '', statuses, scalingActive: firstError.condition, error };
  return {
    replicas,
    metricName,
    statuses,
    scalingActive: {
      status: 'True',
      reason: 'ValidMetricFound',
      message: `the HPA was able to successfully calculate a replica count from ${metricName}`,
    },
    error,
  };
}
