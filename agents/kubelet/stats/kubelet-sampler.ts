// The real kubelet's sampler: the node from /proc, containers from their cgroup files, and
// Docker's stats API for any container whose cgroup this process cannot read (docker-stats.ts).
// Only running app containers are measured; the pause container is part of the pod's plumbing.

import type Docker from 'dockerode';
import type { Logger } from '../../api/log';
import type { ContainerRuntime } from '../runtime/types';
import { cgroupUsage } from './cgroup';
import { dockerStatsUsage } from './docker-stats';
import { readBootTime, readNodeSample } from './node-usage';
import { StatsSampler } from './sampler';
import type { MeasuredContainer } from './types';

export function kubeletStatsSampler(o: {
  nodeName: string;
  runtime: Pick<ContainerRuntime, 'listContainers'>;
  docker: Docker;
  intervalMs?: number;
  log: Pick<Logger, 'warn'>;
}): StatsSampler {
  const containers = cgroupUsage(dockerStatsUsage(o.docker));
  return new StatsSampler({
    nodeName: o.nodeName,
    source: { node: () => readNodeSample(), ...containers },
    containers: async () =>
      (await o.runtime.listContainers())
        .filter((c) => c.state === 'running' && !c.isSandbox)
        .map(
          (c): MeasuredContainer => ({
            id: c.id,
            name: c.containerName,
            podUid: c.podUid,
            podName: c.podName,
            podNamespace: c.podNamespace,
            startedAt: c.startedAt,
            pid: c.pid,
          }),
        ),
    nodeStartTime: readBootTime,
    intervalMs: o.intervalMs,
    log: o.log,
  });
}
