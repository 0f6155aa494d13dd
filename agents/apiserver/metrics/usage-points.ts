// From one kubelet's /metrics/resource to usage, the way metrics-server (≥ 0.6) does it:
//
//   scrape → points   each series' cumulative CPU seconds and working set, with the kubelet's
//                     own timestamp (pointsFromScrape)
//   two points → usage  CPU rate between the previous and this scrape of the same series;
//                     window = the time between the two readings (usageBetween)
//
//   prev {t: 10 000 ms, cpu: 12.0 s}, cur {t: 20 000 ms, cpu: 14.5 s}
//     → 2.5 s / 10 s = 0.25 core = 250 000 000n, window 10 s
//
// A series whose counter went back, or whose container started again, starts over: no usage until
// its next scrape (metrics-server drops such points too). Pure.

import type { PromSample } from './prometheus-text';

export interface Point {
  timeMs: number;
  cpuSeconds: number;
  memoryBytes: number;
  /** container_start_time_seconds: a new value means a new container under the same name. */
  startTimeSeconds?: number;
}

export interface NodeScrape {
  node?: Point;
  /** By `namespace/pod`, then by container name. */
  pods: Map<string, Map<string, Point>>;
}

export interface Usage {
  timeMs: number;
  windowMs: number;
  nanoCores: number;
  memoryBytes: number;
}

export function pointsFromScrape(samples: PromSample[], nowMs: number): NodeScrape {
  const out: NodeScrape = { pods: new Map() };
  const node: Partial<Point> = {};
  const containerPoint = (l: Record<string, string>): Partial<Point> => {
    const key = `${l.namespace}/${l.pod}`;
    const pod = out.pods.get(key) ?? new Map<string, Point>();
    out.pods.set(key, pod);
    const p = pod.get(l.container) ?? { timeMs: 0, cpuSeconds: Number.NaN, memoryBytes: Number.NaN };
    pod.set(l.container, p);
    return p;
  };
  for (const s of samples) {
    const t = s.timestampMs ?? nowMs;
    switch (s.name) {
      case 'node_cpu_usage_seconds_total':
        Object.assign(node, { cpuSeconds: s.value, timeMs: t });
        break;
      case 'node_memory_working_set_bytes':
        node.memoryBytes = s.value;
        break;
      case 'container_cpu_usage_seconds_total':
        Object.assign(containerPoint(s.labels), { cpuSeconds: s.value, timeMs: t });
        break;
      case 'container_memory_working_set_bytes':
        containerPoint(s.labels).memoryBytes = s.value;
        break;
      case 'container_start_time_seconds':
        containerPoint(s.labels).startTimeSeconds = s.value;
        break;
    }
  }
  if (node.cpuSeconds !== undefined && node.memoryBytes !== undefined) out.node = node as Point;
  // A container needs both its CPU and its memory to count.
  for (const [key, pod] of out.pods) {
    for (const [name, p] of pod)
      if (Number.isNaN(p.cpuSeconds) || Number.isNaN(p.memoryBytes)) pod.delete(name);
    if (pod.size === 0) out.pods.delete(key);
  }
  return out;
}

export function usageBetween(prev: Point | undefined, cur: Point): Usage | undefined {
  if (!prev) return undefined;
  if (prev.startTimeSeconds !== undefined && cur.startTimeSeconds !== prev.startTimeSeconds) return undefined;
  const windowMs = cur.timeMs - prev.timeMs;
  const cpu = cur.cpuSeconds - prev.cpuSeconds;
  if (windowMs <= 0 || cpu < 0) return undefined;
  return {
    timeMs: cur.timeMs,
    windowMs,
    nanoCores: Math.round((cpu * 1e9 * 1000) / windowMs),
    memoryBytes: cur.memoryBytes,
  };
}

/** One series as the collector keeps it: its latest point and the usage up to it. */
export interface Series {
  latest: Point;
  usage?: Usage;
}

export function advanceSeries(old: Series | undefined, cur: Point): Series {
  if (!old) return { latest: cur };
  if (old.latest.timeMs === cur.timeMs) return old; // the kubelet has not sampled since: nothing new
  return { latest: cur, usage: usageBetween(old.latest, cur) };
}

/** A node's series after one scrape; pods and containers the scrape no longer shows are dropped. */
export interface NodeSeries {
  node?: Series;
  pods: Map<string, Map<string, Series>>;
}

export function recordScrape(old: NodeSeries | undefined, scrape: NodeScrape): NodeSeries {
  const out: NodeSeries = {
    node: scrape.node ? advanceSeries(old?.node, scrape.node) : undefined,
    pods: new Map(),
  };
  for (const [podKey, containers] of scrape.pods) {
    const before = old?.pods.get(podKey);
    const next = new Map<string, Series>();
    for (const [name, point] of containers) next.set(name, advanceSeries(before?.get(name), point));
    out.pods.set(podKey, next);
  }
  return out;
}
