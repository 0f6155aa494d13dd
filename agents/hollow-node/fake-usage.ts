// What a hollow node reports as resource usage (kubemark and kwok fake it the same way): there are
// no containers to measure, so each Running pod's containers use a configured amount, and the
// kubelet's own stats code (kubelet/stats/) turns that into /stats/summary and /metrics/resource.
// Pure: the snapshot is computed from the pods and the clock on every request.
//
//   per container   --pod-cpu-usage (10m) and --pod-memory-usage (16Mi), or the pod's annotations
//                   nodekube.io/hollow-cpu-usage / nodekube.io/hollow-memory-usage (per container)
//   the node        its pods' sum plus a base of 100m and 512Mi (the system daemons)
// CPU is cumulative since the pod started, read now and 5 s ago, so its rate is the configured one.

import type { Pod } from 'kubernetes-types/core/v1';
import { parseQuantity } from '../api/quantity';
import type { StatsSource } from '../kubelet/stats/stats';
import type { ContainerStats, NodeSample, StatsSnapshot, UsageSample } from '../kubelet/stats/types';
import { CAPACITY } from './node-object';

export const CPU_ANNOTATION = 'nodekube.io/hollow-cpu-usage';
export const MEMORY_ANNOTATION = 'nodekube.io/hollow-memory-usage';
const SAMPLE_WINDOW_MS = 5000;
const NODE_BASE = { cpuNanoCores: 100e6, memoryBytes: 512 * 2 ** 20 };

export interface FakeUsage {
  cpuNanoCores: number;
  memoryBytes: number;
}

/** `--pod-cpu-usage=10m --pod-memory-usage=16Mi` → per-container usage. */
export function fakeUsage(cpu: string, memory: string): FakeUsage {
  return { cpuNanoCores: parseQuantity(cpu) * 1e9, memoryBytes: Math.round(parseQuantity(memory)) };
}

/** The pod's annotations override the defaults. */
export function containerUsage(pod: Pod, defaults: FakeUsage): FakeUsage {
  const a = pod.metadata?.annotations ?? {};
  return {
    cpuNanoCores: a[CPU_ANNOTATION] ? parseQuantity(a[CPU_ANNOTATION]) * 1e9 : defaults.cpuNanoCores,
    memoryBytes: a[MEMORY_ANNOTATION]
      ? Math.round(parseQuantity(a[MEMORY_ANNOTATION]))
      : defaults.memoryBytes,
  };
}

function reading(u: FakeUsage, sinceMs: number, atMs: number): UsageSample {
  return {
    timeMs: atMs,
    cpuUsageNanoSeconds: Math.round((u.cpuNanoCores * Math.max(0, atMs - sinceMs)) / 1000),
    memoryUsageBytes: u.memoryBytes,
    memoryWorkingSetBytes: u.memoryBytes,
    memoryRssBytes: u.memoryBytes,
  };
}

export function fakeStatsSnapshot(
  node: { name: string; startedMs: number; memoryCapacityBytes: number },
  pods: Pod[],
  defaults: FakeUsage,
  nowMs: number,
): StatsSnapshot {
  const containers: ContainerStats[] = [];
  const total = { ...NODE_BASE };
  for (const pod of pods) {
    if (pod.status?.phase !== 'Running') continue;
    const started = Date.parse(pod.status.startTime ?? '') || nowMs;
    const usage = containerUsage(pod, defaults);
    for (const c of pod.spec?.containers ?? []) {
      total.cpuNanoCores += usage.cpuNanoCores;
      total.memoryBytes += usage.memoryBytes;
      containers.push({
        container: {
          id: `hollow://${pod.metadata?.uid}-${c.name}`,
          name: c.name,
          podUid: pod.metadata?.uid ?? '',
          podName: pod.metadata?.name ?? '',
          podNamespace: pod.metadata?.namespace ?? '',
          startedAt: pod.status.startTime,
        },
        previous:
          nowMs - SAMPLE_WINDOW_MS >= started ? reading(usage, started, nowMs - SAMPLE_WINDOW_MS) : undefined,
        latest: reading(usage, started, nowMs),
      });
    }
  }
  const nodeSample = (atMs: number): NodeSample => ({
    ...reading(total, node.startedMs, atMs),
    memoryAvailableBytes: Math.max(0, node.memoryCapacityBytes - total.memoryBytes),
  });
  return {
    nodeName: node.name,
    nodeStartTime: new Date(Math.floor(node.startedMs / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    node: { previous: nodeSample(nowMs - SAMPLE_WINDOW_MS), latest: nodeSample(nowMs) },
    containers,
    scrapeError: false,
  };
}

/** A hollow node's stats, computed from its pods whenever the endpoint is asked. */
export function fakeStatsSource(
  name: string,
  podsOn: (node: string) => Pod[],
  usage: FakeUsage,
): StatsSource {
  const node = { name, startedMs: Date.now(), memoryCapacityBytes: parseQuantity(CAPACITY.memory) };
  return {
    pods: () => podsOn(name),
    snapshot: () => fakeStatsSnapshot(node, podsOn(name), usage, Date.now()),
  };
}
