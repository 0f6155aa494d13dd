// Container usage from Docker's stats API (`GET /containers/<id>/stats?stream=false`), for
// containers whose cgroup files the kubelet cannot read (another cgroup namespace, a remote
// Docker endpoint). Docker reads the same cgroup files and names them per cgroup version:
//
//   cpu_stats.cpu_usage.total_usage          ns on both versions
//   memory_stats.usage                       usage_in_bytes / memory.current
//   memory_stats.stats.total_inactive_file   v1  (inactive_file on v2)
//   memory_stats.stats.total_rss             v1  (anon on v2)
//
// A call takes about a second (Docker waits for a second sample to fill precpu_stats), which is
// why the sampler reads in the background and never on a request.

import type Docker from 'dockerode';
import type { MeasuredContainer, UsageSample } from './types';

export interface DockerStatsBody {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}

export function usageFromDockerStats(s: DockerStatsBody, fallbackTimeMs: number): UsageSample | undefined {
  const cpu = s.cpu_stats?.cpu_usage?.total_usage;
  const usage = s.memory_stats?.usage;
  if (cpu === undefined || usage === undefined) return undefined; // not running
  const stats = s.memory_stats?.stats ?? {};
  const inactiveFile = stats.total_inactive_file ?? stats.inactive_file ?? 0;
  const read = Date.parse(s.read ?? '');
  return {
    // A stopped container reads as the zero time: use our clock then.
    timeMs: read > 0 ? read : fallbackTimeMs,
    cpuUsageNanoSeconds: cpu,
    memoryUsageBytes: usage,
    memoryWorkingSetBytes: Math.max(0, usage - inactiveFile),
    memoryRssBytes: stats.total_rss ?? stats.rss ?? stats.anon ?? 0,
  };
}

export function dockerStatsUsage(docker: Docker) {
  return async (c: MeasuredContainer): Promise<UsageSample | undefined> => {
    try {
      const body = (await docker.getContainer(c.id).stats({ stream: false })) as DockerStatsBody;
      return usageFromDockerStats(body, Date.now());
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  };
}
