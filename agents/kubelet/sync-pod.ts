// SyncPod: make one pod's containers match its spec (upstream: kuberuntime_manager.go SyncPod).
//
//   1. compute the actions (pod-actions.ts, pure)
//   2. kill what has to go (the whole pod, or single containers)
//   3. create the sandbox if needed; set up volumes
//   4. start the next init container, or the app containers due to start — each one through
//      crash-loop back-off, the image policy, env and volume mounts, create, start, postStart
//   5. hand the probe manager the running containers; clean up old attempts
//
// Returns why containers are waiting (for status) and when to look again.

import type { ConfigMap, Container, Pod, Secret, Service } from 'kubernetes-types/core/v1';
import type { Logger } from '../api/log';
import { containerSpec, sandboxSpec } from './container-spec';
import { type DNSFlags, setUpPodDNS } from './dns';
import { buildEnv, ContainerConfigError } from './env';
import type { KubeletEvents } from './events';
import type { ImageManager } from './images';
import { killContainer, killPod, runLifecycleHandler } from './kill-pod';
import { computePodActions, hashContainer, latestByName, latestSandbox, podFinished } from './pod-actions';
import type { ProbeManager } from './probes';
import { backoffMessage, RestartBackoff } from './restart-backoff';
import type { ContainerRuntime, RuntimeContainer } from './runtime/types';
import type { Waiting } from './status';
import { containerBinds, setUpVolumes } from './volumes';

export interface PodObjects {
  configMaps: Map<string, ConfigMap>;
  secrets: Map<string, Secret>;
  /** Service-account tokens for projected volumes, by tokenSourceKey (token-manager.ts). */
  tokens?: Map<string, string>;
}

export interface SyncContext {
  runtime: ContainerRuntime;
  events: KubeletEvents;
  images: ImageManager;
  probes: ProbeManager;
  backoff: RestartBackoff;
  rootDir: string;
  pauseImage: string;
  hostIP: string;
  dns: DNSFlags;
  fetchObjects(pod: Pod): Promise<PodObjects>;
  services(): Service[];
  /** Network set-up for a new sandbox beyond Docker's own (hairpin.ts); failures are logged, not fatal. */
  setUpSandboxNetwork?(sandbox: RuntimeContainer): Promise<void>;
  log: Logger;
}

export interface SyncResult {
  containers: RuntimeContainer[];
  waiting: Map<string, Waiting>;
  retryAfterMs?: number;
}

/** How many exited attempts of one container to keep (the latest serves `logs --previous`). */
const KEEP_ATTEMPTS = 2;

export async function syncPod(ctx: SyncContext, pod: Pod): Promise<SyncResult> {
  const uid = pod.metadata?.uid ?? '';
  const spec = pod.spec ?? { containers: [] };
  const waiting = new Map<string, Waiting>();
  let retryAfterMs: number | undefined;
  const retry = (ms: number | undefined) => {
    if (ms !== undefined) retryAfterMs = Math.min(retryAfterMs ?? ms, ms);
  };

  let containers = await ctx.runtime.listContainers(uid);
  const actions = computePodActions(pod, containers, { livenessFailed: ctx.probes.livenessFailed(uid) });
  const oldIP = latestSandbox(containers)?.ip;
  if (actions.killPod) await killPod(ctx.runtime, ctx.events, pod, containers, oldIP);
  for (const k of actions.containersToKill) {
    const c = containers.find((x) => x.id === k.id);
    if (c) await killContainer(ctx.runtime, ctx.events, pod, c, k.reason, oldIP);
  }

  let objects: PodObjects;
  let volumePaths: Map<string, string>;
  try {
    objects = await ctx.fetchObjects(pod);
    volumePaths = await setUpVolumes(pod, ctx.rootDir, { ...objects, hostIP: ctx.hostIP });
  } catch (err) {
    if (!(err instanceof ContainerConfigError)) throw err;
    ctx.events.event(pod, 'Warning', 'FailedMount', `MountVolume.SetUp failed: ${err.message}`);
    for (const c of spec.containers)
      waiting.set(c.name, { reason: 'CreateContainerConfigError', message: err.message });
    return { containers, waiting, retryAfterMs: 2000 };
  }

  // The pod's own resolv.conf, mounted in every container of it (dns.ts).
  const dns = await setUpPodDNS(ctx.rootDir, pod, ctx.dns);
  if (actions.createSandbox) {
    for (const n of dns.notes) ctx.events.event(pod, 'Warning', n.reason, n.message);
    try {
      await ctx.runtime.runSandbox(sandboxSpec(pod, actions.sandboxAttempt, ctx.pauseImage, [dns.bind]));
    } catch (err) {
      ctx.events.event(
        pod,
        'Warning',
        'FailedCreatePodSandBox',
        `Failed to create pod sandbox: ${errorText(err)}`,
      );
      return { containers: await ctx.runtime.listContainers(uid), waiting, retryAfterMs: 2000 };
    }
    containers = await ctx.runtime.listContainers(uid);
    const fresh = latestSandbox(containers);
    if (fresh?.state === 'running' && !spec.hostNetwork && ctx.setUpSandboxNetwork)
      await ctx
        .setUpSandboxNetwork(fresh)
        .catch((err) =>
          ctx.log.warn('sandbox network set-up failed', { pod: pod.metadata?.name, err: errorText(err) }),
        );
  }
  const sandbox = latestSandbox(containers);
  if (sandbox?.state !== 'running') return { containers, waiting };
  const podIP = spec.hostNetwork ? ctx.hostIP : sandbox.ip;

  const toStart: Array<{ c: Container; isInit: boolean }> =
    actions.nextInitContainer !== undefined
      ? [{ c: (spec.initContainers ?? [])[actions.nextInitContainer], isInit: true }]
      : actions.containersToStart.map((i) => ({ c: spec.containers[i], isInit: false }));
  const latest = latestByName(containers.filter((c) => !c.isSandbox));
  for (const { c, isInit } of toStart) {
    const r = await startContainer(ctx, pod, c, isInit, {
      sandbox,
      podIP,
      previous: latest.get(c.name),
      objects,
      volumePaths,
      dnsBind: dns.bind,
    });
    if (r) {
      waiting.set(c.name, r.waiting);
      retry(r.retryAfterMs);
    }
  }

  if (toStart.length || actions.containersToKill.length) containers = await ctx.runtime.listContainers(uid);
  if (podFinished(pod, latestByName(containers.filter((c) => !c.isSandbox && !c.isInit)))) {
    await ctx.runtime.stopContainer(sandbox.id, 10); // the pod is done: release its network namespace
    containers = await ctx.runtime.listContainers(uid);
  }
  ctx.probes.syncPod(pod, containers, podIP);
  await removeOldAttempts(ctx.runtime, containers);
  return { containers, waiting, retryAfterMs };
}

interface StartInputs {
  sandbox: RuntimeContainer;
  podIP: string | undefined;
  previous: RuntimeContainer | undefined;
  objects: PodObjects;
  volumePaths: Map<string, string>;
  dnsBind: string;
}

/** Start one container; returns why it has to wait instead, if it does. */
async function startContainer(
  ctx: SyncContext,
  pod: Pod,
  c: Container,
  isInit: boolean,
  input: StartInputs,
): Promise<{ waiting: Waiting; retryAfterMs?: number } | undefined> {
  const { previous } = input;
  const meta = pod.metadata ?? {};
  const key = RestartBackoff.key(meta.uid ?? '', c.name, hashContainer(c));
  // A previous attempt that exited, or that never started (Docker leaves a failed start as
  // "created"): both restart only after the back-off, as upstream's RunContainerError →
  // CrashLoopBackOff. A failed start's back-off was recorded when it failed.
  if (previous?.state === 'exited' || previous?.state === 'created') {
    const finished =
      previous.state === 'exited' ? Date.parse(previous.finishedAt ?? '') || Date.now() : undefined;
    const b = ctx.backoff.check(key, finished);
    if (b.inBackoff) {
      ctx.events.event(
        pod,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${c.name} in pod ${meta.name}_${meta.namespace}(${meta.uid})`,
      );
      const message = backoffMessage(
        b.delayMs,
        c.name,
        meta.name ?? '',
        meta.namespace ?? '',
        meta.uid ?? '',
      );
      return { waiting: { reason: 'CrashLoopBackOff', message }, retryAfterMs: b.remainingMs };
    }
    if (finished !== undefined) ctx.backoff.next(key, finished);
  }
  const image = await ctx.images.ensureImage(pod, c);
  if (!image.ok) return { waiting: image.waiting, retryAfterMs: image.retryAfterMs ?? 5000 };

  let id: string;
  try {
    const env = buildEnv(pod, c, {
      ...input.objects,
      services: ctx.services(),
      podIP: input.podIP,
      hostIP: ctx.hostIP,
    });
    const binds = [input.dnsBind, ...containerBinds(c, input.volumePaths)];
    const attempt = previous ? previous.attempt + 1 : 0;
    id = await ctx.runtime.createContainer(
      containerSpec(pod, c, { attempt, sandboxId: input.sandbox.id, env, binds, isInit }),
    );
  } catch (err) {
    const reason =
      err instanceof ContainerConfigError ? 'CreateContainerConfigError' : 'CreateContainerError';
    ctx.events.event(pod, 'Warning', 'Failed', `Error: ${errorText(err)}`);
    return { waiting: { reason, message: errorText(err) }, retryAfterMs: 2000 };
  }
  ctx.events.event(pod, 'Normal', 'Created', `Created container ${c.name}`);
  try {
    await ctx.runtime.startContainer(id);
  } catch (err) {
    ctx.events.event(
      pod,
      'Warning',
      'Failed',
      `Error: failed to start container "${c.name}": ${errorText(err)}`,
    );
    ctx.backoff.next(key, Date.now());
    return {
      waiting: { reason: 'RunContainerError', message: errorText(err) },
      retryAfterMs: ctx.backoff.check(key).remainingMs,
    };
  }
  ctx.events.event(pod, 'Normal', 'Started', `Started container ${c.name}`);
  const postStart = c.lifecycle?.postStart;
  if (postStart) {
    const r = await runLifecycleHandler(
      postStart,
      c,
      input.podIP,
      id,
      ctx.runtime,
      pod.spec?.terminationGracePeriodSeconds ?? 30,
    );
    if (!r.ok) {
      ctx.events.event(pod, 'Warning', 'FailedPostStartHook', `PostStartHook failed: ${r.output}`);
      const [started] = (await ctx.runtime.listContainers(meta.uid)).filter((x) => x.id === id);
      if (started)
        await killContainer(ctx.runtime, ctx.events, pod, started, 'FailedPostStartHook', input.podIP);
    }
  }
  return undefined;
}

/** Remove exited attempts beyond the latest two per container, and exited sandboxes but the latest. */
async function removeOldAttempts(runtime: ContainerRuntime, containers: RuntimeContainer[]): Promise<void> {
  const byName = new Map<string, RuntimeContainer[]>();
  for (const c of containers) {
    const key = `${c.isInit ? 'init/' : ''}${c.containerName}`;
    byName.set(key, [...(byName.get(key) ?? []), c]);
  }
  for (const [name, list] of byName) {
    const keep = name === 'POD' ? 1 : KEEP_ATTEMPTS;
    const old = list
      .sort((a, b) => b.attempt - a.attempt)
      .slice(keep)
      .filter((c) => c.state !== 'running');
    for (const c of old) await runtime.removeContainer(c.id);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
