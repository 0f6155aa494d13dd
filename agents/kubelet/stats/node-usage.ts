// The node's own usage, from /proc (upstream reads the root cgroup through cAdvisor; /proc holds
// the same totals and reads the same inside a node container, which sees the host's /proc/stat
// and /proc/meminfo — so nodes that share a machine report the machine, like nodes in a VM
// report the VM).
//
//   cpu      /proc/stat "cpu" line: user+nice+system+irq+softirq+steal, in USER_HZ ticks (100/s)
//   memory   /proc/meminfo: usage = MemTotal − MemFree, working set = usage − Inactive(file),
//            rss = AnonPages, available = MemTotal − working set
//   started  /proc/stat btime (seconds since the epoch)

import { readFile } from 'node:fs/promises';
import type { NodeSample } from './types';

/** Linux reports /proc/stat in USER_HZ, which is 100 on every architecture we run on. */
const NS_PER_TICK = 1e9 / 100;

/** Cumulative busy CPU time of the whole node in ns (idle and iowait excluded). */
export function nodeCpuNanoSeconds(procStat: string): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no "cpu" line');
  const [user, nice, system, _idle, _iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * NS_PER_TICK;
}

/** Boot time as RFC 3339 (seconds), from `btime`. */
export function bootTime(procStat: string): string | undefined {
  const s = /^btime\s+(\d+)/m.exec(procStat)?.[1];
  return s ? new Date(Number(s) * 1000).toISOString().replace('.000Z', 'Z') : undefined;
}

function meminfoBytes(meminfo: string, key: string): number {
  const kb = new RegExp(`^${key.replace(/[()]/g, '\\$&')}:\\s+(\\d+)\\s*kB`, 'm').exec(meminfo)?.[1];
  return kb === undefined ? 0 : Number(kb) * 1024;
}

export function nodeSampleFrom(procStat: string, meminfo: string, timeMs: number): NodeSample {
  const total = meminfoBytes(meminfo, 'MemTotal');
  const usage = total - meminfoBytes(meminfo, 'MemFree');
  const workingSet = Math.max(0, usage - meminfoBytes(meminfo, 'Inactive(file)'));
  return {
    timeMs,
    cpuUsageNanoSeconds: nodeCpuNanoSeconds(procStat),
    memoryUsageBytes: usage,
    memoryWorkingSetBytes: workingSet,
    memoryRssBytes: meminfoBytes(meminfo, 'AnonPages'),
    memoryAvailableBytes: Math.max(0, total - workingSet),
  };
}

export async function readNodeSample(now: () => number = Date.now): Promise<NodeSample> {
  const [stat, meminfo] = await Promise.all([
    readFile('/proc/stat', 'utf8'),
    readFile('/proc/meminfo', 'utf8'),
  ]);
  return nodeSampleFrom(stat, meminfo, now());
}

export async function readBootTime(): Promise<string | undefined> {
  return bootTime(await readFile('/proc/stat', 'utf8').catch(() => ''));
}
