// HorizontalPodAutoscaler autoscaling/v2 (stored) ↔ autoscaling/v1 (served too), as upstream
// converts them (pkg/apis/autoscaling/v1/conversion.go). Pure.
//
// v1 has one knob, `targetCPUUtilizationPercentage`; it is v2's first metric
//   {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: N}}}.
// Everything else v2 can say travels in annotations on the v1 object, so a v1 client that reads,
// edits and writes back loses nothing (metrics in v1's own MetricSpec shape, behavior as Go's
// internal type with Go field names, because upstream marshals that type without json tags):
//
//   autoscaling.alpha.kubernetes.io/metrics          spec.metrics other than the CPU utilization one
//   autoscaling.alpha.kubernetes.io/behavior         spec.behavior  {"ScaleUp":{"StabilizationWindowSeconds":0,…}}
//   autoscaling.alpha.kubernetes.io/current-metrics  status.currentMetrics (all of them)
//   autoscaling.alpha.kubernetes.io/conditions       status.conditions
//
// v1 → v2 lifts them back out (metrics from the annotation first, then the CPU target) and drops
// the annotations; v2 → v1 first drops any such annotations the object carried.

import type {
  HorizontalPodAutoscaler as HpaV2,
  MetricSpec,
  MetricStatus,
  MetricTarget,
} from 'kubernetes-types/autoscaling/v2';
import type { KubeObject } from '../../api/types';

export const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
export const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
const ROUND_TRIP = [
  METRICS_ANNOTATION,
  BEHAVIOR_ANNOTATION,
  CURRENT_METRICS_ANNOTATION,
  CONDITIONS_ANNOTATION,
];

/** v1 leaves the target to the controller's default; v2 spells it out (autoscaling.DefaultCPUUtilization). */
export const DEFAULT_CPU_UTILIZATION = 80;

type Json = Record<string, any>;

const isCpuUtilization = (m: MetricSpec) =>
  m.type === 'Resource' &&
  m.resource?.name === 'cpu' &&
  m.resource.target?.type === 'Utilization' &&
  m.resource.target.averageUtilization !== undefined;

const defined = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

// ── metric specs: v2 (target {type, value, averageValue, averageUtilization}) ↔ v1 (flat fields)

function targetToV1(t: MetricTarget | undefined, prefix: 'target' | ''): Json {
  const key = (k: string) => (prefix ? `${prefix}${k[0].toUpperCase()}${k.slice(1)}` : k);
  return defined({
    [key('averageUtilization')]: t?.averageUtilization,
    [key('averageValue')]: t?.averageValue,
  });
}

export function metricSpecToV1(m: MetricSpec): Json {
  switch (m.type) {
    case 'Resource':
      return {
        type: m.type,
        resource: { name: m.resource?.name, ...targetToV1(m.resource?.target, 'target') },
      };
    case 'ContainerResource': {
      const c = m.containerResource;
      return {
        type: m.type,
        containerResource: { name: c?.name, container: c?.container, ...targetToV1(c?.target, 'target') },
      };
    }
    case 'Pods':
      return {
        type: m.type,
        pods: defined({
          metricName: m.pods?.metric.name,
          selector: m.pods?.metric.selector,
          targetAverageValue: m.pods?.target.averageValue,
        }),
      };
    case 'Object':
      return {
        type: m.type,
        object: defined({
          target: m.object?.describedObject,
          metricName: m.object?.metric.name,
          selector: m.object?.metric.selector,
          targetValue: m.object?.target.value,
          averageValue: m.object?.target.averageValue,
        }),
      };
    case 'External':
      return {
        type: m.type,
        external: defined({
          metricName: m.external?.metric.name,
          metricSelector: m.external?.metric.selector,
          targetValue: m.external?.target.value,
          targetAverageValue: m.external?.target.averageValue,
        }),
      };
    default:
      return { ...m };
  }
}

function targetFromV1(o: Json): MetricTarget {
  if (o.targetAverageUtilization !== undefined)
    return { type: 'Utilization', averageUtilization: o.targetAverageUtilization };
  return { type: 'AverageValue', averageValue: o.targetAverageValue };
}

const metric = (name: string, selector: unknown) => defined({ name, selector }) as { name: string };
const valueOrAverage = (value: unknown, average: unknown): MetricTarget =>
  average !== undefined
    ? { type: 'AverageValue', averageValue: average as string }
    : { type: 'Value', value: value as string };

export function metricSpecFromV1(m: Json): MetricSpec {
  switch (m.type) {
    case 'Resource':
      return { type: m.type, resource: { name: m.resource?.name, target: targetFromV1(m.resource ?? {}) } };
    case 'ContainerResource': {
      const c = m.containerResource ?? {};
      return {
        type: m.type,
        containerResource: { name: c.name, container: c.container, target: targetFromV1(c) },
      };
    }
    case 'Pods':
      return {
        type: m.type,
        pods: {
          metric: metric(m.pods?.metricName, m.pods?.selector),
          target: { type: 'AverageValue', averageValue: m.pods?.targetAverageValue },
        },
      };
    case 'Object':
      return {
        type: m.type,
        object: {
          describedObject: m.object?.target,
          metric: metric(m.object?.metricName, m.object?.selector),
          target: valueOrAverage(m.object?.targetValue, m.object?.averageValue),
        },
      };
    case 'External':
      return {
        type: m.type,
        external: {
          metric: metric(m.external?.metricName, m.external?.metricSelector),
          target: valueOrAverage(m.external?.targetValue, m.external?.targetAverageValue),
        },
      };
    default:
      return m as MetricSpec;
  }
}

// ── metric statuses: v2 (current {value, averageValue, averageUtilization}) ↔ v1 (flat fields)

export function metricStatusToV1(m: MetricStatus): Json {
  switch (m.type) {
    case 'Resource':
    case 'ContainerResource': {
      const r = m.type === 'Resource' ? m.resource : m.containerResource;
      const key = m.type === 'Resource' ? 'resource' : 'containerResource';
      return {
        type: m.type,
        [key]: defined({
          name: r?.name,
          ...(m.type === 'ContainerResource' ? { container: m.containerResource?.container } : {}),
          currentAverageUtilization: r?.current.averageUtilization,
          currentAverageValue: r?.current.averageValue ?? '0',
        }),
      };
    }
    case 'Pods':
      return {
        type: m.type,
        pods: defined({
          metricName: m.pods?.metric.name,
          selector: m.pods?.metric.selector,
          currentAverageValue: m.pods?.current.averageValue ?? '0',
        }),
      };
    case 'Object':
      return {
        type: m.type,
        object: defined({
          target: m.object?.describedObject,
          metricName: m.object?.metric.name,
          selector: m.object?.metric.selector,
          currentValue: m.object?.current.value ?? '0',
          averageValue: m.object?.current.averageValue,
        }),
      };
    case 'External':
      return {
        type: m.type,
        external: defined({
          metricName: m.external?.metric.name,
          metricSelector: m.external?.metric.selector,
          currentValue: m.external?.current.value ?? '0',
          currentAverageValue: m.external?.current.averageValue,
        }),
      };
    default:
      return { ...m };
  }
}

export function metricStatusFromV1(m: Json): MetricStatus {
  const current = (o: Json) =>
    defined({ averageUtilization: o.currentAverageUtilization, averageValue: o.currentAverageValue });
  switch (m.type) {
    case 'Resource':
      return { type: m.type, resource: { name: m.resource?.name, current: current(m.resource ?? {}) } };
    case 'ContainerResource': {
      const c = m.containerResource ?? {};
      return {
        type: m.type,
        containerResource: { name: c.name, container: c.container, current: current(c) },
      };
    }
    case 'Pods':
      return {
        type: m.type,
        pods: {
          metric: metric(m.pods?.metricName, m.pods?.selector),
          current: { averageValue: m.pods?.currentAverageValue },
        },
      };
    case 'Object':
      return {
        type: m.type,
        object: {
          describedObject: m.object?.target,
          metric: metric(m.object?.metricName, m.object?.selector),
          current: defined({ value: m.object?.currentValue, averageValue: m.object?.averageValue }),
        },
      };
    case 'External':
      return {
        type: m.type,
        external: {
          metric: metric(m.external?.metricName, m.external?.metricSelector),
          current: defined({
            value: m.external?.currentValue,
            averageValue: m.external?.currentAverageValue,
          }),
        },
      };
    default:
      return m as MetricStatus;
  }
}

// ── behavior: Go field names in the annotation (encoding/json reads them back case-insensitively)

/** Deep-rename object keys: {scaleUp: {selectPolicy}} ↔ {ScaleUp: {SelectPolicy}}. */
function renameKeys(v: unknown, f: (k: string) => string): unknown {
  if (Array.isArray(v)) return v.map((x) => renameKeys(x, f));
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [f(k), renameKeys(x, f)]));
}
const goName = (k: string) => k[0].toUpperCase() + k.slice(1);
const jsonName = (k: string) => k[0].toLowerCase() + k.slice(1);

/** Go writes a nil pointer as null; the fields the internal type has, in its order. */
function behaviorToGo(b: Json): Json {
  const rules = (r: Json | undefined) =>
    r
      ? {
          StabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null,
          SelectPolicy: r.selectPolicy ?? null,
          Policies: renameKeys(r.policies ?? null, goName),
        }
      : null;
  return { ScaleUp: rules(b.scaleUp), ScaleDown: rules(b.scaleDown) };
}

function behaviorFromGo(text: string): Json | undefined {
  try {
    const parsed = renameKeys(JSON.parse(text), jsonName) as Json;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const out: Json = {};
    for (const dir of ['scaleUp', 'scaleDown']) {
      const r = parsed[dir];
      if (r && typeof r === 'object')
        out[dir] = Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null && v !== undefined));
    }
    return Object.keys(out).length ? out : undefined; // only well-formed data moves into the spec
  } catch {
    return undefined;
  }
}

// ── whole objects

function withoutRoundTrip(
  annotations: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (!annotations) return undefined;
  const out = Object.fromEntries(Object.entries(annotations).filter(([k]) => !ROUND_TRIP.includes(k)));
  return Object.keys(out).length ? out : undefined;
}

function parseList(text: string | undefined): Json[] | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function hpaToV1(obj: KubeObject): KubeObject {
  const h = obj as HpaV2 & KubeObject;
  const spec = h.spec;
  const status = h.status;
  const annotations: Record<string, string> = { ...withoutRoundTrip(h.metadata?.annotations) };
  const others = (spec?.metrics ?? []).filter((m) => !isCpuUtilization(m));
  if (others.length) annotations[METRICS_ANNOTATION] = JSON.stringify(others.map(metricSpecToV1));
  if (spec?.behavior) annotations[BEHAVIOR_ANNOTATION] = JSON.stringify(behaviorToGo(spec.behavior));
  if (status?.currentMetrics?.length)
    annotations[CURRENT_METRICS_ANNOTATION] = JSON.stringify(status.currentMetrics.map(metricStatusToV1));
  if (status?.conditions?.length) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(status.conditions);
  const cpu = (spec?.metrics ?? []).find(isCpuUtilization);
  const cpuNow = status?.currentMetrics?.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu')
    ?.resource?.current.averageUtilization;
  const metadata = { ...h.metadata };
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  else delete metadata.annotations;
  return {
    ...h,
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata,
    spec: defined({
      scaleTargetRef: spec?.scaleTargetRef,
      minReplicas: spec?.minReplicas,
      maxReplicas: spec?.maxReplicas,
      targetCPUUtilizationPercentage: cpu?.resource?.target.averageUtilization,
    }),
    status: defined({
      observedGeneration: status?.observedGeneration,
      lastScaleTime: status?.lastScaleTime,
      currentReplicas: status?.currentReplicas ?? 0,
      desiredReplicas: status?.desiredReplicas ?? 0,
      currentCPUUtilizationPercentage: cpuNow,
    }),
  };
}

export function hpaFromV1(obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as Json;
  const status = (obj.status ?? {}) as Json;
  const annotations = obj.metadata?.annotations ?? {};
  const cpu: MetricSpec[] =
    spec.targetCPUUtilizationPercentage !== undefined && spec.targetCPUUtilizationPercentage !== null
      ? [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage },
            },
          },
        ]
      : [];
  const others = (parseList(annotations[METRICS_ANNOTATION]) ?? []).map(metricSpecFromV1);
  const metrics = [...others, ...cpu];
  const behavior = annotations[BEHAVIOR_ANNOTATION]
    ? behaviorFromGo(annotations[BEHAVIOR_ANNOTATION])
    : undefined;
  const currentFromAnnotation = parseList(annotations[CURRENT_METRICS_ANNOTATION])?.map(metricStatusFromV1);
  const currentCpu =
    status.currentCPUUtilizationPercentage !== undefined && status.currentCPUUtilizationPercentage !== null
      ? [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              current: { averageUtilization: status.currentCPUUtilizationPercentage },
            },
          },
        ]
      : undefined;
  const metadata = { ...obj.metadata };
  const kept = withoutRoundTrip(obj.metadata?.annotations);
  if (kept) metadata.annotations = kept;
  else delete metadata.annotations;
  return {
    ...obj,
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata,
    spec: defined({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      metrics: metrics.length
        ? metrics
        : [
            {
              type: 'Resource',
              resource: {
                name: 'cpu',
                target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION },
              },
            },
          ],
      behavior,
    }),
    status: defined({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas,
      desiredReplicas: status.desiredReplicas ?? 0,
      currentMetrics: currentFromAnnotation ?? currentCpu,
      conditions: parseList(annotations[CONDITIONS_ANNOTATION]),
    }),
  };
}
