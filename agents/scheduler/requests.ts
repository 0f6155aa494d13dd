// What a pod asks of a node (pkg/api/v1/resource/helpers.go PodRequests): the sum of its
// containers' requests, or the largest init container's when that is bigger (init containers run
// one at a time, before the app containers), plus pod overhead. Host ports come from containers.

import type { Container, Pod } from 'kubernetes-types/core/v1';
import { cpuMillis, memoryBytes } from '../api/quantity';
import type { Resources } from './framework';

/** Scoring pretends a container without requests asks this much (DefaultMilliCPURequest, DefaultMemoryRequest). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

function containerRequests(c: Container, nonZero: boolean): Resources {
  const req = c.resources?.requests ?? {};
  const cpu = req.cpu !== undefined ? cpuMillis(req.cpu) : nonZero ? DEFAULT_MILLI_CPU_REQUEST : 0;
  const mem = req.memory !== undefined ? memoryBytes(req.memory) : nonZero ? DEFAULT_MEMORY_REQUEST : 0;
  return { milliCpu: cpu, memory: mem, pods: 0 };
}

// Filters ask for the same pod's requests once per node (hundreds of times per pod at 5,000
// nodes), so the parsed result is remembered per pod object. Pods from the informer are frozen,
// so an object's requests cannot change under the memo.
const memo = new WeakMap<Pod, Resources>();
const memoNonZero = new WeakMap<Pod, Resources>();

export function podRequests(pod: Pod, nonZero = false): Resources {
  const cache = nonZero ? memoNonZero : memo;
  let r = cache.get(pod);
  if (!r) {
    r = computePodRequests(pod, nonZero);
    cache.set(pod, r);
  }
  return r;
}

function computePodRequests(pod: Pod, nonZero: boolean): Resources {
  const sum: Resources = { milliCpu: 0, memory: 0, pods: 1 };
  for (const c of pod.spec?.containers ?? []) {
    const r = containerRequests(c, nonZero);
    sum.milliCpu += r.milliCpu;
    sum.memory += r.memory;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    const r = containerRequests(c, false);
    sum.milliCpu = Math.max(sum.milliCpu, r.milliCpu);
    sum.memory = Math.max(sum.memory, r.memory);
  }
  const overhead = pod.spec?.overhead ?? {};
  if (overhead.cpu) sum.milliCpu += cpuMillis(overhead.cpu);
  if (overhead.memory) sum.memory += memoryBytes(overhead.memory);
  return sum;
}

/** `TCP/0.0.0.0/8080` for every container port with a hostPort. */
export function podHostPorts(pod: Pod): string[] {
  const out: string[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.hostPort) out.push(`${p.protocol ?? 'TCP'}/${p.hostIP || '0.0.0.0'}/${p.hostPort}`);
    }
  }
  return out;
}

/** Node allocatable (or capacity when allocatable is missing) in scheduler units. */
export function nodeAllocatable(node: {
  status?: { allocatable?: { [k: string]: string | number }; capacity?: { [k: string]: string | number } };
}): Resources {
  const a = node.status?.allocatable ?? node.status?.capacity ?? {};
  return {
    milliCpu: a.cpu !== undefined ? cpuMillis(a.cpu) : 0,
    memory: a.memory !== undefined ? memoryBytes(a.memory) : 0,
    pods: a.pods !== undefined ? Number(a.pods) : 0,
  };
}
