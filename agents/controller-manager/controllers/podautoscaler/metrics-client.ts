// Pod usage from metrics.k8s.io, read with the controller-manager's own client (upstream:
// pkg/controller/podautoscaler/metrics/client.go, resourceMetricsClient). One list per metric per
// sync, by the target's selector; each pod's value is the sum over its containers (or the one
// container a ContainerResource metric names), in milli-units.

import { parseDuration } from '../../../api/flags';
import { parseQuantity } from '../../../api/quantity';
import { R } from '../../../api/resources';
import type { KubeObject } from '../../../api/types';
import type { ApiClient } from '../../../client/types';
import type { PodMetricsInfo } from './replica-calculator';

export interface PodMetricsItem {
  metadata?: { name?: string; namespace?: string };
  timestamp?: string;
  window?: string;
  containers?: Array<{ name: string; usage?: Record<string, string> }>;
}

export interface ResourceMetricsClient {
  getResourceMetric(
    resource: string,
    namespace: string,
    selector: string,
    container?: string,
  ): Promise<{ metrics: PodMetricsInfo; timestampMs: number }>;
}

/** A pod whose containers do not all report `resource` is left out (it counts as missing). */
export function podMetricsInfo(
  items: PodMetricsItem[],
  resource: string,
  container?: string,
): PodMetricsInfo {
  const out: PodMetricsInfo = new Map();
  for (const m of items) {
    const name = m.metadata?.name ?? '';
    const containers = container
      ? (m.containers ?? []).filter((c) => c.name === container)
      : (m.containers ?? []);
    if (container && containers.length === 0)
      throw new Error(
        `failed to get container metrics: container ${container} not present in metrics for pod ${m.metadata?.namespace}/${name}`,
      );
    if (containers.length === 0 || containers.some((c) => c.usage?.[resource] === undefined)) continue;
    const value = containers.reduce(
      (n, c) => n + Math.round(parseQuantity(c.usage?.[resource] ?? '0') * 1000),
      0,
    );
    out.set(name, {
      timestampMs: Date.parse(m.timestamp ?? '') || 0,
      windowMs: m.window ? parseDuration(m.window) : 0,
      value,
    });
  }
  return out;
}

export function apiResourceMetrics(client: ApiClient): ResourceMetricsClient {
  return {
    async getResourceMetric(resource, namespace, selector, container) {
      let items: PodMetricsItem[];
      try {
        items = (
          await client.list<KubeObject & PodMetricsItem>(R.podmetrics, { namespace, labelSelector: selector })
        ).items;
      } catch (err) {
        throw new Error(`unable to fetch metrics from resource metrics API: ${(err as Error).message}`);
      }
      if (items.length === 0) throw new Error('no metrics returned from resource metrics API');
      return {
        metrics: podMetricsInfo(items, resource, container),
        timestampMs: Date.parse(items[0].timestamp ?? '') || 0,
      };
    },
  };
}
