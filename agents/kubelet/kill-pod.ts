// Stopping containers the way the kubelet does (upstream: kuberuntime_container.go killContainer,
// killPodWithSyncResult): run the preStop hook, send SIGTERM, wait out the grace period, SIGKILL.
// App containers go first and together, the sandbox last.

import type { Container, LifecycleHandler, Pod } from 'kubernetes-types/core/v1';
import type { KubeletEvents } from './events';
import { runProbe } from './probes';
import type { ContainerRuntime, RuntimeContainer } from './runtime/types';

/** A postStart or preStop handler, bounded by `timeoutSeconds` (sleep handlers just wait). */
export async function runLifecycleHandler(
  handler: LifecycleHandler,
  container: Container,
  podIP: string | undefined,
  containerId: string,
  runtime: ContainerRuntime,
  timeoutSeconds: number,
): Promise<{ ok: boolean; output: string }> {
  if (handler.sleep) {
    await new Promise((r) => setTimeout(r, Math.min(handler.sleep?.seconds ?? 0, timeoutSeconds) * 1000));
    return { ok: true, output: '' };
  }
  return runProbe({ ...handler, timeoutSeconds }, container, podIP, containerId, runtime);
}

/** The grace period to use: the deletion's own, else the pod's, else 30 s. */
export function gracePeriodSeconds(pod: Pod | undefined, fallback = 30): number {
  const fromDelete = pod?.metadata?.deletionGracePeriodSeconds;
  if (fromDelete !== undefined && fromDelete !== null) return fromDelete;
  if (pod?.spec?.terminationGracePeriodSeconds !== undefined) return pod.spec.terminationGracePeriodSeconds;
  return fallback;
}

export async function killContainer(
  runtime: ContainerRuntime,
  events: KubeletEvents,
  pod: Pod | undefined,
  c: RuntimeContainer,
  reason: string,
  podIP: string | undefined,
): Promise<void> {
  if (c.state !== 'running') return;
  const spec = pod?.spec?.containers.find((s) => s.name === c.containerName);
  let grace = gracePeriodSeconds(pod, c.gracePeriod ?? 30);
  if (pod)
    events.event(
      pod,
      'Normal',
      'Killing',
      `Stopping container ${c.containerName}${reason ? `: ${reason}` : ''}`,
    );
  const preStop = spec?.lifecycle?.preStop;
  if (preStop && spec) {
    const started = Date.now();
    const result = await runLifecycleHandler(preStop, spec, podIP, c.id, runtime, grace);
    if (!result.ok && pod)
      events.event(pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed: ${result.output}`);
    grace = Math.max(2, grace - (Date.now() - started) / 1000); // upstream leaves at least 2 s
  }
  await runtime.stopContainer(c.id, grace);
}

/** Stop every running container of a pod: app containers in parallel, then the sandbox. */
export async function killPod(
  runtime: ContainerRuntime,
  events: KubeletEvents,
  pod: Pod | undefined,
  containers: RuntimeContainer[],
  podIP: string | undefined,
): Promise<void> {
  const apps = containers.filter((c) => !c.isSandbox && c.state === 'running');
  await Promise.all(apps.map((c) => killContainer(runtime, events, pod, c, '', podIP)));
  for (const s of containers.filter((c) => c.isSandbox && c.state === 'running'))
    await runtime.stopContainer(s.id, 10);
}
