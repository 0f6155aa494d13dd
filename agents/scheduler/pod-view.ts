// The part of a pod the scheduler keeps in its informer.
//
// Of a pod's status the scheduler reads only the phase (a finished pod frees its node's
// resources), the node it was nominated for, and its own PodScheduled condition. The rest is the
// kubelet's report: every condition's timestamps, each container's state, image and ID, the IPs.
// That was over half of a Running pod's JSON (1,054 of 1,985 bytes) and 8 of 17 MiB of heap for
// 10k of them (bench/results/2026-12-03-vm-memory-evening.json), held for every pod bound.
// client-go's informers take the same kind of transform; kube-scheduler's drops managedFields.

import type { Pod, PodStatus } from 'kubernetes-types/core/v1';

/** The status fields scheduling reads; everything else of the pod is kept as it is. */
export function schedulingView<P extends Pod>(pod: P): P {
  const status = pod.status;
  if (!status) return pod;
  const kept: PodStatus = {};
  if (status.phase !== undefined) kept.phase = status.phase;
  if (status.nominatedNodeName !== undefined) kept.nominatedNodeName = status.nominatedNodeName;
  const scheduled = status.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled) kept.conditions = [scheduled];
  return { ...pod, status: kept };
}
