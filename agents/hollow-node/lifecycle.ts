// What a hollow kubelet does with a pod bound to it, as one pure decision (kwok's "stages";
// kubelet's computePodActions without a runtime). Given the pod and the time, the answer is one of:
//   none     nothing to do (already Running for good, or finished)
//   status   write this status (Pending → Running; Running → Succeeded; containers terminated)
//   delete   the pod is terminating and its containers are down: remove it (grace 0)
//   recheck  ask again after `afterMs` (a Never/OnFailure pod still "running")
//
//   bound, no status ─► Running (Ready) ─► restartPolicy Always: stays Running
//                                     └─► Never/OnFailure: Succeeded (exit 0) after runMs
//   deletionTimestamp ─► containers terminated, not Ready ─► delete

import type { ContainerStatus, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1';

export interface HollowPodContext {
  podIP: string;
  hostIP: string;
  /** How long a Never/OnFailure pod "runs" before it succeeds. */
  runMs: number;
}

export type PodAction =
  | { action: 'none' }
  | { action: 'status'; status: PodStatus }
  | { action: 'delete' }
  | { action: 'recheck'; afterMs: number };

/** API timestamps carry whole seconds. */
export const apiTime = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

const condition = (type: string, status: 'True' | 'False', at: string, reason?: string): PodCondition => ({
  type,
  status,
  lastProbeTime: null as unknown as string,
  lastTransitionTime: at,
  ...(reason ? { reason } : {}),
});

const containerId = (pod: Pod, name: string) => `hollow://${pod.metadata?.uid ?? pod.metadata?.name}-${name}`;

export function runningStatus(pod: Pod, now: number, ctx: HollowPodContext): PodStatus {
  const at = apiTime(now);
  const containerStatuses: ContainerStatus[] = (pod.spec?.containers ?? []).map((c) => ({
    name: c.name,
    image: c.image ?? '',
    imageID: `hollow://${c.image ?? ''}`,
    containerID: containerId(pod, c.name),
    ready: true,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: at } },
  }));
  return {
    phase: 'Running',
    conditions: [
      condition('PodReadyToStartContainers', 'True', at),
      condition('Initialized', 'True', at),
      condition('Ready', 'True', at),
      condition('ContainersReady', 'True', at),
      condition('PodScheduled', 'True', at),
    ],
    hostIP: ctx.hostIP,
    hostIPs: [{ ip: ctx.hostIP }],
    podIP: ctx.podIP,
    podIPs: [{ ip: ctx.podIP }],
    startTime: at,
    qosClass: pod.status?.qosClass ?? 'BestEffort',
    containerStatuses,
  };
}

/** Every container terminated with `exitCode`; the pod no longer Ready. `phase` as given. */
export function terminatedStatus(
  pod: Pod,
  now: number,
  phase: string,
  exitCode: number,
  reason: string,
): PodStatus {
  const at = apiTime(now);
  const prior = pod.status ?? {};
  const conditions = (prior.conditions ?? []).map((c) =>
    c.type === 'Ready' || c.type === 'ContainersReady'
      ? { ...c, status: 'False', reason: 'PodCompleted', lastTransitionTime: at }
      : c,
  );
  const containerStatuses: ContainerStatus[] = (pod.spec?.containers ?? []).map((c) => {
    const was = prior.containerStatuses?.find((s) => s.name === c.name);
    return {
      name: c.name,
      image: c.image ?? '',
      imageID: `hollow://${c.image ?? ''}`,
      containerID: containerId(pod, c.name),
      ready: false,
      started: false,
      restartCount: was?.restartCount ?? 0,
      state: {
        terminated: {
          exitCode,
          reason,
          startedAt: was?.state?.running?.startedAt ?? prior.startTime ?? at,
          finishedAt: at,
          containerID: containerId(pod, c.name),
        },
      },
    };
  });
  return { ...prior, phase, conditions, containerStatuses };
}

const allTerminated = (pod: Pod) => {
  const statuses = pod.status?.containerStatuses ?? [];
  return statuses.length === 0 || statuses.every((s) => s.state?.terminated);
};

export function nextPodStatus(pod: Pod, now: number, ctx: HollowPodContext): PodAction {
  const phase = pod.status?.phase;
  const finished = phase === 'Succeeded' || phase === 'Failed';
  if (pod.metadata?.deletionTimestamp) {
    if (finished || allTerminated(pod)) return { action: 'delete' };
    return { action: 'status', status: terminatedStatus(pod, now, phase ?? 'Running', 0, 'Completed') };
  }
  if (finished) return { action: 'none' };
  if (phase !== 'Running') return { action: 'status', status: runningStatus(pod, now, ctx) };
  if ((pod.spec?.restartPolicy ?? 'Always') === 'Always') return { action: 'none' };
  const started = Date.parse(pod.status?.startTime ?? '') || now;
  const left = started + ctx.runMs - now;
  if (left > 0) return { action: 'recheck', afterMs: left };
  return { action: 'status', status: terminatedStatus(pod, now, 'Succeeded', 0, 'Completed') };
}
