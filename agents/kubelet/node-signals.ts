// Measuring the eviction signals node-conditions.ts decides on (upstream: eviction's
// summary-based signals). Read straight from /proc and statfs, like gatherFacts: cheap enough
// for every status period, and readable inside the node containers.
//
//   memory.available   MemAvailable from /proc/meminfo (upstream: capacity − working set)
//   nodefs             statfs(--root-dir)
//   imagefs            statfs(Docker's root dir) when the kubelet can see it, else nodefs
//   pid.available      /proc/sys/kernel/pid_max − the processes in /proc

import { readdirSync, readFileSync, statfsSync } from 'node:fs';
import type { FsSignals, NodeSignals } from './node-conditions';
import type { ContainerRuntime } from './runtime/types';

export function memoryAvailableBytes(meminfo: string): number | undefined {
  const kb = /^MemAvailable:\s+(\d+)\s*kB/m.exec(meminfo)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

export function fsSignals(path: string): FsSignals | undefined {
  try {
    const s = statfsSync(path);
    return {
      availableBytes: s.bavail * s.bsize,
      capacityBytes: s.blocks * s.bsize,
      inodesFree: s.ffree,
      inodes: s.files,
    };
  } catch {
    return undefined; // not there (yet): no verdict rather than a guess
  }
}

function pidSignals(): Pick<NodeSignals, 'pidAvailable' | 'pidMax'> {
  try {
    const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim());
    const running = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
    return { pidMax, pidAvailable: pidMax - running };
  } catch {
    return {};
  }
}

export interface SignalSources {
  runtime: Pick<ContainerRuntime, 'ping'>;
  rootDir: string;
  /** Docker's root dir (info.DockerRootDir), when known. */
  imageDir?: () => string | undefined;
  /** How long the runtime may take to answer before it counts as down. */
  pingTimeoutMs: number;
}

export async function measureSignals(src: SignalSources): Promise<NodeSignals> {
  let runtimeUp = true;
  let runtimeError: string | undefined;
  try {
    await src.runtime.ping(src.pingTimeoutMs);
  } catch (err) {
    runtimeUp = false;
    runtimeError = err instanceof Error ? err.message : String(err);
  }
  let meminfo = '';
  try {
    meminfo = readFileSync('/proc/meminfo', 'utf8');
  } catch {
    // no /proc: no memory verdict
  }
  const imageDir = src.imageDir?.();
  return {
    runtimeUp,
    runtimeError,
    memoryAvailableBytes: memoryAvailableBytes(meminfo),
    nodefs: fsSignals(src.rootDir),
    imagefs: imageDir ? fsSignals(imageDir) : undefined,
    ...pidSignals(),
  };
}
