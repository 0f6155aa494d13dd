// GET /stats/summary: the kubelet's Summary API (upstream: pkg/kubelet/apis/stats/v1alpha1
// types.go), built from a sampler snapshot. Pure.
//
//   {"node": {"nodeName", "startTime", "cpu": {"time", "usageNanoCores", "usageCoreNanoSeconds"},
//             "memory": {"time", "availableBytes", "usageBytes", "workingSetBytes", "rssBytes"}},
//    "pods": [{"podRef": {"name", "namespace", "uid"}, "startTime",
//              "containers": [{"name", "startTime", "cpu", "memory"}], "cpu", "memory"}]}
//
// A pod's cpu and memory are the sums over its containers (upstream reads the pod cgroup, which
// also holds the pause container: a few hundred KiB and no CPU to speak of).

import type { Pod } from 'kubernetes-types/core/v1';
import type { ContainerStats, SamplePair, StatsSnapshot, UsageSample } from './types';
import { apiTime, usageNanoCores } from './usage';

export interface CpuStats {
  time: string;
  usageNanoCores?: number;
  usageCoreNanoSeconds: number;
}

export interface MemoryStats {
  time: string;
  availableBytes?: number;
  usageBytes: number;
  workingSetBytes: number;
  rssBytes: number;
}

export interface ContainerSummary {
  name: string;
  startTime?: string;
  cpu: CpuStats;
  memory: MemoryStats;
}

export interface PodSummary {
  podRef: { name: string; namespace: string; uid: string };
  startTime?: string;
  containers: ContainerSummary[];
  cpu: CpuStats;
  memory: MemoryStats;
}

export interface Summary {
  node: { nodeName: string; startTime?: string; cpu?: CpuStats; memory?: MemoryStats };
  pods: PodSummary[];
}

export function cpuStats(pair: SamplePair): CpuStats {
  const nano = usageNanoCores(pair);
  return {
    time: apiTime(pair.latest.timeMs),
    ...(nano !== undefined ? { usageNanoCores: nano } : {}),
    usageCoreNanoSeconds: pair.latest.cpuUsageNanoSeconds,
  };
}

export function memoryStats(s: UsageSample & { memoryAvailableBytes?: number }): MemoryStats {
  return {
    time: apiTime(s.timeMs),
    ...(s.memoryAvailableBytes !== undefined ? { availableBytes: s.memoryAvailableBytes } : {}),
    usageBytes: s.memoryUsageBytes,
    workingSetBytes: s.memoryWorkingSetBytes,
    rssBytes: s.memoryRssBytes,
  };
}

/** The sum of a pod's containers; its usageNanoCores only when every container has one. */
function podTotals(containers: ContainerSummary[]): { cpu: CpuStats; memory: MemoryStats } {
  const latest =
    containers
      .map((c) => c.cpu.time)
      .sort()
      .at(-1) ?? '';
  const sum = (f: (c: ContainerSummary) => number) => containers.reduce((n, c) => n + f(c), 0);
  const rates = containers.map((c) => c.cpu.usageNanoCores);
  return {
    cpu: {
      time: latest,
      ...(rates.every((r) => r !== undefined)
        ? { usageNanoCores: sum((c) => c.cpu.usageNanoCores ?? 0) }
        : {}),
      usageCoreNanoSeconds: sum((c) => c.cpu.usageCoreNanoSeconds),
    },
    memory: {
      time: latest,
      usageBytes: sum((c) => c.memory.usageBytes),
      workingSetBytes: sum((c) => c.memory.workingSetBytes),
      rssBytes: sum((c) => c.memory.rssBytes),
    },
  };
}

/** Containers of one pod, keyed by pod uid, in the order they were first seen. */
export function byPod(containers: ContainerStats[]): Map<string, ContainerStats[]> {
  const out = new Map<string, ContainerStats[]>();
  for (const c of containers) {
    const list = out.get(c.container.podUid) ?? [];
    list.push(c);
    out.set(c.container.podUid, list);
  }
  return out;
}

export function buildSummary(s: StatsSnapshot, pods: Pod[]): Summary {
  const podsByUid = new Map(pods.map((p) => [p.metadata?.uid ?? '', p]));
  const out: Summary = {
    node: {
      nodeName: s.nodeName,
      ...(s.nodeStartTime ? { startTime: s.nodeStartTime } : {}),
      ...(s.node ? { cpu: cpuStats(s.node), memory: memoryStats(s.node.latest) } : {}),
    },
    pods: [],
  };
  for (const [uid, list] of byPod(s.containers)) {
    const first = list[0].container;
    const containers = list
      .map((c) => ({
        name: c.container.name,
        ...(c.container.startedAt ? { startTime: c.container.startedAt } : {}),
        cpu: cpuStats(c),
        memory: memoryStats(c.latest),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const startTime = podsByUid.get(uid)?.status?.startTime ?? containers.map((c) => c.startTime).sort()[0];
    out.pods.push({
      podRef: { name: first.podName, namespace: first.podNamespace, uid },
      ...(startTime ? { startTime } : {}),
      containers,
      ...podTotals(containers),
    });
  }
  return out;
}
