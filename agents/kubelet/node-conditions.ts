// The Node's four conditions, decided from measurements (upstream: nodestatus/setters.go
// ReadyCondition, MemoryPressureCondition, DiskPressureCondition, PIDPressureCondition; the
// thresholds are eviction's defaults, pkg/kubelet/eviction/defaults_linux.go).
//
// Pure: runtime health + measured signals + thresholds → conditions. The caller measures
// (node-signals.ts) and writes; the hollow node feeds it healthy numbers.

import type { NodeCondition } from 'kubernetes-types/core/v1';

/** What the kubelet measured this status period. Bytes and counts; undefined = not measured. */
export interface NodeSignals {
  /** The runtime answered its health check; `runtimeError` says why not. */
  runtimeUp: boolean;
  runtimeError?: string;
  memoryAvailableBytes?: number;
  /** The filesystem holding --root-dir. */
  nodefs?: FsSignals;
  /** The filesystem holding the runtime's images (Docker's root dir); nodefs when not separate. */
  imagefs?: FsSignals;
  /** pid_max minus the processes running now. */
  pidAvailable?: number;
  pidMax?: number;
}

export interface FsSignals {
  availableBytes: number;
  capacityBytes: number;
  inodesFree: number;
  inodes: number;
}

/** Hard eviction thresholds: bytes for memory, fractions (0.1 = 10%) for filesystems. */
export interface EvictionThresholds {
  memoryAvailableBytes: number;
  nodefsAvailable: number;
  nodefsInodesFree: number;
  imagefsAvailable: number;
  imagefsInodesFree: number;
  /** Upstream sets no pid.available default: PIDPressure only when one is configured. */
  pidAvailable?: number;
}

/** Upstream's DefaultEvictionHard on Linux (memory.available<100Mi, nodefs.available<10% …). */
export const DEFAULT_EVICTION_HARD: EvictionThresholds = {
  memoryAvailableBytes: 100 * 1024 * 1024,
  nodefsAvailable: 0.1,
  nodefsInodesFree: 0.05,
  imagefsAvailable: 0.15,
  imagefsInodesFree: 0.05,
};

/** Signals of a node with plenty of everything (hollow nodes; tests). */
export const HEALTHY_SIGNALS: NodeSignals = { runtimeUp: true };

type Status = 'True' | 'False';
interface Verdict {
  type: string;
  status: Status;
  reason: string;
  message: string;
}

const below = (value: number | undefined, threshold: number | undefined) =>
  value !== undefined && threshold !== undefined && value < threshold;
const fractionBelow = (free: number, total: number, fraction: number) => total > 0 && free / total < fraction;

function fsPressure(fs: FsSignals | undefined, available: number, inodesFree: number): boolean {
  if (!fs) return false;
  return (
    fractionBelow(fs.availableBytes, fs.capacityBytes, available) ||
    fractionBelow(fs.inodesFree, fs.inodes, inodesFree)
  );
}

/** The verdicts, in upstream's order (MemoryPressure, DiskPressure, PIDPressure, Ready). */
export function decideConditions(s: NodeSignals, t: EvictionThresholds = DEFAULT_EVICTION_HARD): Verdict[] {
  const memory = below(s.memoryAvailableBytes, t.memoryAvailableBytes);
  const disk =
    fsPressure(s.nodefs, t.nodefsAvailable, t.nodefsInodesFree) ||
    fsPressure(s.imagefs ?? s.nodefs, t.imagefsAvailable, t.imagefsInodesFree);
  const pid = below(s.pidAvailable, t.pidAvailable);
  return [
    memory
      ? v(
          'MemoryPressure',
          'True',
          'KubeletHasInsufficientMemory',
          'kubelet has insufficient memory available',
        )
      : v('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    disk
      ? v('DiskPressure', 'True', 'KubeletHasDiskPressure', 'kubelet has disk pressure')
      : v('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    pid
      ? v('PIDPressure', 'True', 'KubeletHasInsufficientPID', 'kubelet has insufficient PID available')
      : v('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    s.runtimeUp
      ? v('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')
      : v(
          'Ready',
          'False',
          'KubeletNotReady',
          // Upstream joins the runtime state's errors: "container runtime is down, PLEG is not healthy: …".
          `container runtime is down${s.runtimeError ? `: ${s.runtimeError}` : ''}`,
        ),
  ];
}

function v(type: string, status: Status, reason: string, message: string): Verdict {
  return { type, status, reason, message };
}

/** Verdicts → NodeConditions, keeping lastTransitionTime of those whose status did not change. */
export function nodeConditions(
  verdicts: Verdict[],
  now: string,
  old: readonly NodeCondition[] = [],
): NodeCondition[] {
  return verdicts.map((c) => {
    const prev = old.find((o) => o.type === c.type);
    return {
      ...c,
      lastHeartbeatTime: now,
      lastTransitionTime:
        prev?.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now,
    };
  });
}
