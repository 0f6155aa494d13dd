// Finding what a streaming request is about: the pod (by namespace/name among this node's pods),
// and the container (by name, default the first) — its current attempt, or the previous one.

import type { Pod } from 'kubernetes-types/core/v1';
import { badRequest, notFound, type StatusError } from '../../api/errors';
import { latestSandbox } from '../pod-actions';
import type { ContainerRuntime, RuntimeContainer } from '../runtime/types';

export interface StreamTargetSource {
  runtime: ContainerRuntime;
  pods(): Pod[];
}

export function findPod(src: StreamTargetSource, namespace: string, name: string): Pod {
  const pod = src.pods().find((p) => p.metadata?.namespace === namespace && p.metadata?.name === name);
  if (!pod) throw notFound({ group: '', resource: 'pods' }, name);
  return pod;
}

/** The container's attempts, newest first. */
export async function containerAttempts(
  src: StreamTargetSource,
  pod: Pod,
  container: string | undefined,
): Promise<{ name: string; attempts: RuntimeContainer[] }> {
  const specs = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const name = container || pod.spec?.containers[0]?.name || '';
  if (!specs.some((c) => c.name === name)) {
    throw badRequest(`container ${name} is not valid for pod ${pod.metadata?.name}`);
  }
  const all = await src.runtime.listContainers(pod.metadata?.uid);
  const attempts = all
    .filter((c) => !c.isSandbox && c.containerName === name)
    .sort((a, b) => b.attempt - a.attempt);
  return { name, attempts };
}

/** The running container to exec/attach into, or the BadRequest kubectl shows. */
export async function runningContainer(
  src: StreamTargetSource,
  pod: Pod,
  container: string | undefined,
): Promise<RuntimeContainer> {
  const { name, attempts } = await containerAttempts(src, pod, container);
  const current = attempts[0];
  if (current?.state !== 'running') throw notRunning(name, pod);
  return current;
}

/**
 * The container to attach to: running, or — a quick `kubectl run -i -- echo hi` stops before its
 * attach arrives — stopped, whose output and exit code the attach then returns.
 */
export async function attachableContainer(
  src: StreamTargetSource,
  pod: Pod,
  container: string | undefined,
): Promise<RuntimeContainer> {
  const { name, attempts } = await containerAttempts(src, pod, container);
  const current = attempts[0];
  if (current?.state !== 'running' && current?.state !== 'exited') throw notRunning(name, pod);
  return current;
}

export function notRunning(name: string, pod: Pod): StatusError {
  return badRequest(`container ${name} is not running in pod ${pod.metadata?.name}`);
}

export async function podIP(src: StreamTargetSource, pod: Pod, hostIP: string): Promise<string | undefined> {
  if (pod.spec?.hostNetwork) return hostIP;
  return latestSandbox(await src.runtime.listContainers(pod.metadata?.uid))?.ip;
}
