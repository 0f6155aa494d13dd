// metrics.k8s.io/v1beta1, answered from the collector's series the way metrics-server answers
// (metrics-server pkg/api/{node,pod}.go):
//
//   GET /apis/metrics.k8s.io/v1beta1/nodes[/<name>]                         NodeMetrics(List)
//   GET /apis/metrics.k8s.io/v1beta1[/namespaces/<ns>]/pods[/<name>]        PodMetrics(List)
//
// Lists walk the Node and Pod objects (label and field selectors apply to them, and their labels
// are copied onto the metrics) and leave out those without usage yet. A get of an object that
// does not exist is the object's own NotFound (`pods "x" not found`); of one without usage yet,
// metrics-server's (`podmetrics.metrics.k8s.io "default/x" not found`).
//
//   {"kind": "PodMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
//    "metadata": {"name": "web-1", "namespace": "default", "creationTimestamp": "…", "labels": {…}},
//    "timestamp": "…", "window": "10.004s",
//    "containers": [{"name": "app", "usage": {"cpu": "250312n", "memory": "1356Ki"}}]}

import { notFound } from '../../api/errors';
import { formatDuration } from '../../api/flags';
import { formatBytes, formatNanoCores } from '../../api/quantity';
import { R, type ResourceInfo } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import type { Predicate } from '../list';
import type { NodeSeries, Usage } from './usage-points';

export const METRICS_API_VERSION = 'metrics.k8s.io/v1beta1';

/** RFC 3339 with whole seconds, as metav1.Time marshals. */
const apiTime = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

const usageOf = (u: Usage) => ({
  cpu: formatNanoCores(u.nanoCores),
  memory: formatBytes(Math.round(u.memoryBytes)),
});

function metadata(obj: KubeObject, now: number): KubeObject['metadata'] {
  const m = obj.metadata ?? {};
  return {
    name: m.name,
    ...(m.namespace ? { namespace: m.namespace } : {}),
    creationTimestamp: apiTime(now),
    ...(m.labels ? { labels: m.labels } : {}),
  };
}

export function nodeMetrics(
  node: KubeObject,
  series: NodeSeries | undefined,
  now: number,
): KubeObject | undefined {
  const usage = series?.node?.usage;
  if (!usage) return undefined;
  return {
    kind: 'NodeMetrics',
    apiVersion: METRICS_API_VERSION,
    metadata: metadata(node, now),
    timestamp: apiTime(usage.timeMs),
    window: formatDuration(usage.windowMs),
    usage: usageOf(usage),
  };
}

/** The pod's containers that have usage, in spec order; undefined when none has yet. */
export function podMetrics(
  pod: KubeObject,
  series: NodeSeries | undefined,
  now: number,
): KubeObject | undefined {
  const m = pod.metadata ?? {};
  const byContainer = series?.pods.get(`${m.namespace}/${m.name}`);
  if (!byContainer) return undefined;
  const specOrder = (
    (pod.spec as { containers?: Array<{ name: string }> } | undefined)?.containers ?? []
  ).map((c) => c.name);
  const containers: Array<{ name: string; usage: Usage }> = [];
  for (const [name, s] of byContainer) if (s.usage) containers.push({ name, usage: s.usage });
  if (containers.length === 0) return undefined;
  const rank = (n: string) => (specOrder.includes(n) ? specOrder.indexOf(n) : specOrder.length);
  containers.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
  const newest = containers.reduce((a, b) => (b.usage.timeMs > a.usage.timeMs ? b : a));
  return {
    kind: 'PodMetrics',
    apiVersion: METRICS_API_VERSION,
    metadata: metadata(pod, now),
    timestamp: apiTime(newest.usage.timeMs),
    window: formatDuration(newest.usage.windowMs),
    containers: containers.map((c) => ({ name: c.name, usage: usageOf(c.usage) })),
  };
}

export interface MetricsSources {
  /** Node or Pod objects (core), optionally within one namespace. */
  objects(r: ResourceInfo, namespace?: string): KubeObject[];
  series(nodeName: string): NodeSeries | undefined;
  now?: () => number;
}

/** The metrics resource (`R.nodemetrics` / `R.podmetrics`) → the core resource it describes. */
export const describedResource = (r: ResourceInfo) => (r === R.nodemetrics ? R.nodes : R.pods);

function metricsFor(r: ResourceInfo, obj: KubeObject, src: MetricsSources): KubeObject | undefined {
  const now = (src.now ?? Date.now)();
  if (r === R.nodemetrics) return nodeMetrics(obj, src.series(obj.metadata?.name ?? ''), now);
  const nodeName = (obj.spec as { nodeName?: string } | undefined)?.nodeName;
  return nodeName ? podMetrics(obj, src.series(nodeName), now) : undefined;
}

export function getMetrics(
  r: ResourceInfo,
  namespace: string | undefined,
  name: string,
  src: MetricsSources,
): KubeObject {
  const described = describedResource(r);
  const obj = src.objects(described, namespace).find((o) => o.metadata?.name === name);
  if (!obj) throw notFound({ group: '', resource: described.resource }, name);
  const out = metricsFor(r, obj, src);
  if (out) return out;
  const qualified = { group: r.group, resource: r === R.nodemetrics ? 'nodemetrics' : 'podmetrics' };
  throw notFound(qualified, r === R.nodemetrics ? name : `${namespace}/${name}`);
}

export function listMetrics(
  r: ResourceInfo,
  namespace: string | undefined,
  match: Predicate,
  src: MetricsSources,
): KubeObject[] {
  const out: KubeObject[] = [];
  for (const obj of src.objects(describedResource(r), namespace)) {
    if (!match(obj)) continue;
    const m = metricsFor(r, obj, src);
    if (m) out.push(m);
  }
  return out;
}
