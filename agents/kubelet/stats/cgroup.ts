// Container usage from the kernel's cgroup files, the way cAdvisor reads them for the kubelet.
//
// Where a container's cgroup is: /proc/<pid>/cgroup names it per hierarchy, /proc/self/mountinfo
// says where each hierarchy is mounted (and from which root, inside a node container):
//
//   /proc/<pid>/cgroup   4:memory:/docker/7c9c…          (v1: one line per hierarchy)
//                        0::/system.slice/docker-7c9c….scope   (v2: one unified line)
//   mountinfo            … / /sys/fs/cgroup/memory rw … - cgroup cgroup rw,memory
//
// What is read (cgroup v1 | v2):
//   cpu            cpuacct/cpuacct.usage (ns)       | cpu.stat usage_usec × 1000
//   memory usage   memory/memory.usage_in_bytes     | memory.current
//   inactive_file  memory.stat total_inactive_file  | memory.stat inactive_file
//   rss            memory.stat total_rss            | memory.stat anon
// Working set = usage − inactive_file, floored at 0 (cAdvisor's setMemoryStats).
//
// On a hybrid host (v1 controllers plus an empty unified tree, as on this machine) the v1
// hierarchies hold the numbers, so v1 wins whenever its controllers are mounted.

import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import type { MeasuredContainer, UsageSample, UsageSource } from './types';

export interface CgroupPaths {
  version: 1 | 2;
  /** v1: the cpuacct directory; v2: the unified directory. */
  cpu: string;
  /** v1: the memory directory; v2: the unified directory. */
  memory: string;
}

interface Mount {
  root: string;
  mountPoint: string;
  fsType: string;
  superOptions: string[];
}

/** mountinfo lines → cgroup mounts (fields: id parent dev root mountpoint opts … - fstype source superopts). */
export function parseCgroupMounts(mountinfo: string): Mount[] {
  const out: Mount[] = [];
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!right) continue;
    const f = left.split(' ');
    const [fsType, , superOpts = ''] = right.split(' ');
    if (fsType !== 'cgroup' && fsType !== 'cgroup2') continue;
    out.push({
      root: unescapeMount(f[3]),
      mountPoint: unescapeMount(f[4]),
      fsType,
      superOptions: superOpts.split(','),
    });
  }
  return out;
}

/** mountinfo escapes spaces and friends as octal (`\040`). */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** /proc/<pid>/cgroup → path per controller ('' is the v2 unified hierarchy). */
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === '') out.set('', m[2]);
    for (const c of m[1].split(',')) if (c) out.set(c, m[2]);
  }
  return out;
}

/** The directory of `cgroupPath` under a mount that shows the hierarchy from `mount.root`. */
function under(mount: Mount, cgroupPath: string): string | undefined {
  const rel = posix.relative(mount.root, cgroupPath);
  if (rel.startsWith('..')) return undefined; // the cgroup is outside what this mount shows
  return posix.join(mount.mountPoint, rel);
}

export function locateCgroup(procCgroup: string, mountinfo: string): CgroupPaths | undefined {
  const paths = parseProcCgroup(procCgroup);
  const mounts = parseCgroupMounts(mountinfo);
  const v1 = (controller: string) => {
    const mount = mounts.find((m) => m.fsType === 'cgroup' && m.superOptions.includes(controller));
    const path = paths.get(controller);
    return mount && path !== undefined ? under(mount, path) : undefined;
  };
  const cpu = v1('cpuacct');
  const memory = v1('memory');
  if (cpu && memory) return { version: 1, cpu, memory };
  const unified = mounts.find((m) => m.fsType === 'cgroup2');
  const path = paths.get('');
  const dir = unified && path !== undefined ? under(unified, path) : undefined;
  return dir ? { version: 2, cpu: dir, memory: dir } : undefined;
}

/** `key value` lines (memory.stat, cpu.stat) → numbers. */
export function parseFlatKeyed(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out.set(k, Number(v));
  }
  return out;
}

/** The numbers of one read, whichever version they came from. */
export interface CgroupFiles {
  version: 1 | 2;
  /** cpuacct.usage (v1) or cpu.stat (v2). */
  cpu: string;
  /** memory.usage_in_bytes (v1) or memory.current (v2). */
  memoryUsage: string;
  memoryStat: string;
}

export function usageFromCgroupFiles(f: CgroupFiles, timeMs: number): UsageSample {
  const stat = parseFlatKeyed(f.memoryStat);
  const usage = Number(f.memoryUsage.trim());
  const v1 = f.version === 1;
  const inactiveFile = (v1 ? stat.get('total_inactive_file') : stat.get('inactive_file')) ?? 0;
  const rss = (v1 ? stat.get('total_rss') : stat.get('anon')) ?? 0;
  const cpu = v1 ? Number(f.cpu.trim()) : (parseFlatKeyed(f.cpu).get('usage_usec') ?? 0) * 1000;
  return {
    timeMs,
    cpuUsageNanoSeconds: cpu,
    memoryUsageBytes: usage,
    memoryWorkingSetBytes: Math.max(0, usage - inactiveFile),
    memoryRssBytes: rss,
  };
}

const FILES = {
  1: { cpu: 'cpuacct.usage', usage: 'memory.usage_in_bytes' },
  2: { cpu: 'cpu.stat', usage: 'memory.current' },
} as const;

export async function readCgroup(p: CgroupPaths, now: () => number = Date.now): Promise<UsageSample> {
  const names = FILES[p.version];
  const [cpu, memoryUsage, memoryStat] = await Promise.all([
    readFile(posix.join(p.cpu, names.cpu), 'utf8'),
    readFile(posix.join(p.memory, names.usage), 'utf8'),
    readFile(posix.join(p.memory, 'memory.stat'), 'utf8'),
  ]);
  return usageFromCgroupFiles({ version: p.version, cpu, memoryUsage, memoryStat }, now());
}

/**
 * Containers measured from cgroup files. Each container's paths are found once (by its pid) and
 * kept; `fallback` answers for a container whose cgroup cannot be found or read here.
 */
export function cgroupUsage(fallback: UsageSource['container']): Pick<UsageSource, 'container' | 'forget'> {
  const located = new Map<string, CgroupPaths | null>();
  let mountinfo: string | undefined;
  const container = async (c: MeasuredContainer) => {
    let paths = located.get(c.id);
    if (paths === undefined && c.pid) {
      mountinfo ??= await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
      const procCgroup = await readFile(`/proc/${c.pid}/cgroup`, 'utf8').catch(() => '');
      paths = locateCgroup(procCgroup, mountinfo) ?? null;
      located.set(c.id, paths);
    }
    if (!paths) return fallback(c);
    try {
      return await readCgroup(paths);
    } catch {
      located.set(c.id, null); // gone, or not readable from here: ask the fallback from now on
      return fallback(c);
    }
  };
  return { container, forget: (id) => void located.delete(id) };
}
