// Pod status from what Docker shows (upstream: kubelet_pods.go generateAPIPodStatus, getPhase,
// status/generate.go for the conditions). Pure: the status manager writes the result.

import type {
  Container,
  ContainerState,
  ContainerStatus,
  Pod,
  PodCondition,
  PodStatus,
} from 'kubernetes-types/core/v1';
import { latestByName, latestSandbox, shouldRestart } from './pod-actions';
import type { RuntimeContainer } from './runtime/types';

export interface Waiting {
  reason: string;
  message?: string;
}

export interface StatusInput {
  pod: Pod;
  /** This pod's containers, every attempt. */
  containers: RuntimeContainer[];
  hostIP: string;
  /** Readiness of a running container (the prober's verdict; true when it has no readiness probe). */
  isReady(c: RuntimeContainer): boolean;
  /** Why a container waits, by name, as the pod worker found (ErrImageNeverPull, CrashLoopBackOff…). */
  waiting: ReadonlyMap<string, Waiting>;
  now: string;
}

export function computePodStatus(input: StatusInput): PodStatus {
  const { pod, containers } = input;
  const spec = pod.spec ?? { containers: [] };
  const initStatuses = (spec.initContainers ?? []).map((c) =>
    containerStatus(
      input,
      c,
      containers.filter((x) => x.isInit),
    ),
  );
  const appStatuses = spec.containers.map((c) =>
    containerStatus(
      input,
      c,
      containers.filter((x) => !x.isInit && !x.isSandbox),
    ),
  );
  const initialized = initDone(pod, containers);
  const phase = podPhase(pod, appStatuses, initStatuses, initialized);
  const sandbox = latestSandbox(containers);
  const podIP = spec.hostNetwork
    ? input.hostIP
    : sandbox?.state === 'running'
      ? sandbox.ip
      : pod.status?.podIP;

  return {
    phase,
    conditions: conditions(input, phase, initialized, initStatuses, appStatuses),
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    podIP,
    podIPs: podIP ? [{ ip: podIP }] : undefined,
    startTime: pod.status?.startTime ?? input.now,
    initContainerStatuses: initStatuses.length ? initStatuses : undefined,
    containerStatuses: appStatuses,
    qosClass: qosClass(spec.containers),
  };
}

function containerStatus(
  input: StatusInput,
  spec: Container,
  candidates: RuntimeContainer[],
): ContainerStatus {
  const attempts = candidates
    .filter((c) => c.containerName === spec.name)
    .sort((a, b) => b.attempt - a.attempt);
  const [latest, previous] = attempts;
  const waiting = input.waiting.get(spec.name);
  const base = {
    name: spec.name,
    image: spec.image ?? '',
    imageID: latest?.imageId ?? '',
    restartCount: latest?.attempt ?? 0,
  };
  if (!latest) {
    return {
      ...base,
      ready: false,
      started: false,
      state: { waiting: waiting ?? { reason: 'ContainerCreating' } },
    };
  }
  const containerID = `docker://${latest.id}`;
  if (latest.state === 'running') {
    return {
      ...base,
      containerID,
      ready: input.isReady(latest),
      started: true,
      state: { running: { startedAt: latest.startedAt } },
      lastState: previous ? terminated(previous) : {},
    };
  }
  if (waiting || latest.state === 'created') {
    // Exited and waiting to be restarted (CrashLoopBackOff), or created but never started.
    return {
      ...base,
      containerID,
      ready: false,
      started: false,
      state: { waiting: waiting ?? { reason: 'ContainerCreating' } },
      lastState: latest.state === 'exited' ? terminated(latest) : previous ? terminated(previous) : {},
    };
  }
  return {
    ...base,
    containerID,
    ready: false,
    started: false,
    state: terminated(latest),
    lastState: previous ? terminated(previous) : {},
  };
}

function terminated(c: RuntimeContainer): ContainerState {
  return {
    terminated: {
      exitCode: c.exitCode ?? 0,
      reason: c.reason,
      message: c.message,
      startedAt: c.startedAt,
      finishedAt: c.finishedAt,
      containerID: `docker://${c.id}`,
    },
  };
}

function initDone(pod: Pod, containers: RuntimeContainer[]): boolean {
  const inits = pod.spec?.initContainers ?? [];
  if (inits.length === 0) return true;
  if (containers.some((c) => !c.isInit && !c.isSandbox)) return true;
  const latest = latestByName(containers.filter((c) => c.isInit));
  return inits.every((c) => latest.get(c.name)?.exitCode === 0);
}

/** getPhase in kubelet_pods.go, counting app containers by state. */
export function podPhase(
  pod: Pod,
  apps: ContainerStatus[],
  inits: ContainerStatus[],
  initialized: boolean,
): PodStatus['phase'] {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (!initialized) {
    const failedInit = inits.some((s) => (s.state?.terminated?.exitCode ?? 0) !== 0);
    return failedInit && policy === 'Never' ? 'Failed' : 'Pending';
  }
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of apps) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState?.terminated)
      stopped++; // crash-looping counts as having run
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function conditions(
  input: StatusInput,
  phase: PodStatus['phase'],
  initialized: boolean,
  inits: ContainerStatus[],
  apps: ContainerStatus[],
): PodCondition[] {
  const old = input.pod.status?.conditions ?? [];
  const cond = (type: string, ok: boolean, reason?: string, message?: string): PodCondition => {
    const status = ok ? 'True' : 'False';
    const prev = old.find((c) => c.type === type);
    return {
      type,
      status,
      reason: ok ? undefined : reason,
      message: ok ? undefined : message,
      lastProbeTime: null as unknown as undefined,
      lastTransitionTime: prev?.status === status ? prev.lastTransitionTime : input.now,
    };
  };
  const finished = phase === 'Succeeded' || phase === 'Failed';
  const unready = apps.filter((s) => !s.ready).map((s) => s.name);
  const incomplete = inits.filter((s) => s.state?.terminated?.exitCode !== 0).map((s) => s.name);
  const readyReason = finished ? 'PodCompleted' : 'ContainersNotReady';
  const readyMessage = finished ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const ours = ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
  return [
    cond(
      'Initialized',
      initialized || finished,
      finished ? 'PodCompleted' : 'ContainersNotInitialized',
      `containers with incomplete status: [${incomplete.join(' ')}]`,
    ),
    cond('Ready', !finished && unready.length === 0, readyReason, readyMessage),
    cond('ContainersReady', !finished && unready.length === 0, readyReason, readyMessage),
    cond('PodScheduled', true),
    ...old.filter((c) => !ours.includes(c.type)),
  ];
}

/** Guaranteed: every container has equal cpu and memory requests and limits; BestEffort: none set. */
export function qosClass(containers: Container[]): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const any = containers.some(
    (c) => Object.keys(c.resources?.requests ?? {}).length || Object.keys(c.resources?.limits ?? {}).length,
  );
  if (!any) return 'BestEffort';
  const guaranteed = containers.every((c) =>
    ['cpu', 'memory'].every((r) => {
      const limit = c.resources?.limits?.[r];
      const request = c.resources?.requests?.[r] ?? limit;
      return limit !== undefined && String(limit) === String(request);
    }),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export { shouldRestart };
