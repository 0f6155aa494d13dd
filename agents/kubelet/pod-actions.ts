// What to do to one pod, decided from its spec and what Docker shows (upstream:
// kuberuntime_manager.go computePodActions). Pure: the pod worker performs the actions.
//
//   no live sandbox          → kill whatever is left, create a sandbox (attempt+1), start from
//                              the first init container (or every app container)
//   init containers pending  → start the next one in order; a failed one is restarted, unless
//                              restartPolicy is Never, which fails the pod
//   app containers           → start missing ones; restart exited ones as restartPolicy says;
//                              kill and restart running ones whose liveness failed or spec changed

import { createHash } from 'node:crypto';
import type { Container, Pod } from 'kubernetes-types/core/v1';
import type { RuntimeContainer } from './runtime/types';

export interface PodActions {
  /** Stop every container of the pod, sandbox included. */
  killPod: boolean;
  createSandbox: boolean;
  /** Attempt number for a new sandbox. */
  sandboxAttempt: number;
  /** Index into spec.initContainers of the init container to start now. */
  nextInitContainer?: number;
  /** Indexes into spec.containers to start now. */
  containersToStart: number[];
  /** Running containers to stop first (liveness failure, changed spec). */
  containersToKill: Array<{ id: string; name: string; reason: string }>;
}

/** Hash of a container's spec, stored as a label: a different hash means the spec was edited. */
export function hashContainer(c: Container): string {
  return createHash('sha256').update(JSON.stringify(c)).digest('hex').slice(0, 8);
}

/** The newest container per name (by attempt), among the pod's containers of one kind. */
export function latestByName(containers: RuntimeContainer[]): Map<string, RuntimeContainer> {
  const latest = new Map<string, RuntimeContainer>();
  for (const c of containers) {
    const seen = latest.get(c.containerName);
    if (!seen || c.attempt > seen.attempt || (c.attempt === seen.attempt && c.createdAt > seen.createdAt))
      latest.set(c.containerName, c);
  }
  return latest;
}

export function latestSandbox(containers: RuntimeContainer[]): RuntimeContainer | undefined {
  return latestByName(containers.filter((c) => c.isSandbox)).get('POD');
}

/** restartPolicy applied to an exited container (kubecontainer.ShouldContainerBeRestarted). */
export function shouldRestart(pod: Pod, exitCode: number | undefined): boolean {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Always') return true;
  if (policy === 'OnFailure') return exitCode !== 0;
  return false;
}

export interface ProbeVerdicts {
  /** Container ids whose liveness (or startup) probe has failed past its threshold. */
  livenessFailed: ReadonlySet<string>;
}

export function computePodActions(
  pod: Pod,
  containers: RuntimeContainer[],
  probes: ProbeVerdicts = { livenessFailed: new Set() },
): PodActions {
  const actions: PodActions = {
    killPod: false,
    createSandbox: false,
    sandboxAttempt: 0,
    containersToStart: [],
    containersToKill: [],
  };
  const spec = pod.spec ?? { containers: [] };
  const sandbox = latestSandbox(containers);
  const apps = latestByName(containers.filter((c) => !c.isSandbox && !c.isInit));
  const inits = latestByName(containers.filter((c) => c.isInit));

  if (sandbox?.state !== 'running') {
    actions.killPod = containers.some((c) => c.state === 'running');
    // A Never pod whose sandbox died after its containers ran is finished, not restarted.
    if (sandbox && spec.restartPolicy === 'Never' && apps.size > 0) return actions;
    if (sandbox && podFinished(pod, apps)) return actions;
    actions.createSandbox = true;
    actions.sandboxAttempt = sandbox ? sandbox.attempt + 1 : 0;
    if (spec.initContainers?.length) actions.nextInitContainer = 0;
    else actions.containersToStart = spec.containers.map((_, i) => i);
    return actions;
  }

  // Init containers run one at a time, in order, each to success. Existing app containers mean
  // initialisation finished earlier (their init records may have been cleaned up since).
  if (apps.size === 0) {
    const initContainers = spec.initContainers ?? [];
    for (let i = 0; i < initContainers.length; i++) {
      const status = inits.get(initContainers[i].name);
      if (!status || status.state === 'created') {
        actions.nextInitContainer = i;
        return actions;
      }
      if (status.state === 'running' || status.state === 'unknown') return actions;
      if (status.exitCode === 0) continue;
      if (spec.restartPolicy === 'Never') {
        actions.killPod = true; // the pod has failed
        return actions;
      }
      actions.nextInitContainer = i;
      return actions;
    }
  }

  spec.containers.forEach((container, i) => {
    const status = apps.get(container.name);
    if (!status) {
      actions.containersToStart.push(i);
      return;
    }
    if (status.state === 'running') {
      const reason = probes.livenessFailed.has(status.id)
        ? 'Container failed liveness probe'
        : status.hash && status.hash !== hashContainer(container)
          ? 'Container definition changed'
          : undefined;
      if (!reason) return;
      actions.containersToKill.push({ id: status.id, name: container.name, reason });
      if (spec.restartPolicy !== 'Never') actions.containersToStart.push(i);
      return;
    }
    if (status.state === 'created' || shouldRestart(pod, status.exitCode)) actions.containersToStart.push(i);
  });
  return actions;
}

/** Every app container has exited and none is due a restart: the pod is Succeeded or Failed. */
export function podFinished(pod: Pod, apps: Map<string, RuntimeContainer>): boolean {
  const containers = pod.spec?.containers ?? [];
  return (
    containers.length > 0 &&
    containers.every((c) => {
      const s = apps.get(c.name);
      return s !== undefined && s.state === 'exited' && !shouldRestart(pod, s.exitCode);
    })
  );
}
