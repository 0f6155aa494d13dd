// One worker per pod (upstream: pod_workers.go): syncs of the same pod never overlap, a request
// that arrives mid-sync runs once more right after, and each pod is independent of the others.
//
// What wakes a pod: the pod informer (spec changed), Docker events (a container started or
// died — our PLEG), probe verdicts, retry timers (back-off), and a periodic resync.
// After each sync the worker writes the pod's status if it changed; when the pod is being
// deleted it stops and removes the containers, then deletes the pod for good (grace 0), which is
// the kubelet's part of graceful deletion.

import type { Pod, PodStatus } from 'kubernetes-types/core/v1';
import { isConflict, isNotFound } from '../api/errors';
import type { Histogram } from '../api/metrics';
import { R } from '../api/resources';
import type { KubeObject } from '../api/types';
import type { ApiClient } from '../client/types';
import type { ImageManager } from './images';
import { killPod } from './kill-pod';
import { latestSandbox } from './pod-actions';
import { computePodStatus } from './status';
import { type SyncContext, syncPod } from './sync-pod';
import { tearDownVolumes } from './volumes';

/** The longest wait before retrying a failed sync (upstream's pod workers use a 10 s backOffPeriod). */
export const MAX_RETRY_MS = 10_000;

export interface PodWorkersOptions {
  client: ApiClient;
  ctx: SyncContext;
  images: ImageManager;
  /** Seconds from the pod's creation to all its containers running (kubelet_pod_start_duration_seconds). */
  startDuration?: Histogram;
  now?: () => Date;
}

export class PodWorkers {
  private readonly desired = new Map<string, Pod>();
  /** Pods the informer deleted (or that are being deleted), kept until their containers are gone. */
  private readonly leaving = new Map<string, Pod | undefined>();
  private readonly busy = new Set<string>();
  private readonly again = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly lastStatus = new Map<string, string>();
  private readonly startTime = new Map<string, string>();
  private readonly reportedRunning = new Set<string>();
  /** Consecutive failed syncs per pod: the retry waits 1 s, 2 s, 4 s … up to MAX_RETRY_MS. */
  private readonly failures = new Map<string, number>();
  private stopped = false;

  constructor(private readonly opts: PodWorkersOptions) {}

  upsert(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    if (pod.metadata?.deletionTimestamp) {
      this.desired.delete(uid);
      this.leaving.set(uid, pod);
      this.enqueue(uid);
      return;
    }
    const known = this.desired.get(uid);
    this.desired.set(uid, pod);
    // Most updates are our own status writes coming back: nothing to do for the containers.
    if (!known || JSON.stringify(known.spec) !== JSON.stringify(pod.spec)) this.enqueue(uid);
  }

  remove(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    this.desired.delete(uid);
    this.leaving.set(uid, pod);
    this.enqueue(uid);
  }

  /** Containers of pods nobody wants (after a kubelet restart, or a missed delete): tear them down. */
  async housekeeping(): Promise<void> {
    const all = await this.opts.ctx.runtime.listContainers();
    for (const uid of new Set(all.map((c) => c.podUid))) {
      if (!this.desired.has(uid) && !this.leaving.has(uid)) {
        this.leaving.set(uid, undefined);
        this.enqueue(uid);
      }
    }
    for (const uid of this.desired.keys()) this.enqueue(uid);
  }

  pods(): Pod[] {
    return [...this.desired.values()];
  }

  /** Wanted pods, then Terminating ones whose containers may still run (logs/exec reach both). */
  knownPods(): Pod[] {
    const leaving = [...this.leaving.values()].filter((p): p is Pod => p !== undefined);
    return [...this.desired.values(), ...leaving];
  }

  enqueue(uid: string, delayMs = 0): void {
    if (this.stopped) return;
    if (delayMs > 0) {
      if (this.timers.has(uid)) return;
      this.timers.set(
        uid,
        setTimeout(() => {
          this.timers.delete(uid);
          this.enqueue(uid);
        }, delayMs),
      );
      return;
    }
    if (this.busy.has(uid)) {
      this.again.add(uid);
      return;
    }
    this.busy.add(uid);
    void this.work(uid);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private async work(uid: string): Promise<void> {
    do {
      this.again.delete(uid);
      try {
        await this.syncOne(uid);
        this.failures.delete(uid);
      } catch (err) {
        // Typically the runtime is down (Docker stopped or restarting): back off, never give up.
        const n = (this.failures.get(uid) ?? 0) + 1;
        this.failures.set(uid, n);
        const delayMs = Math.min(MAX_RETRY_MS, 1000 * 2 ** (n - 1));
        this.opts.ctx.log.error('sync pod failed', {
          uid,
          err: err instanceof Error ? err.message : String(err),
          retryInMs: delayMs,
        });
        this.enqueue(uid, delayMs);
      }
    } while (this.again.has(uid) && !this.stopped);
    this.busy.delete(uid);
  }

  private async syncOne(uid: string): Promise<void> {
    const pod = this.desired.get(uid);
    if (!pod) return this.terminate(uid, this.leaving.get(uid));
    const { ctx } = this.opts;
    const started = Date.now();
    const result = await syncPod(ctx, pod);
    if (!this.desired.has(uid)) return; // deleted while syncing: the terminate pass follows
    const synced = Date.now();
    await this.writeStatus(pod, result.containers, result.waiting);
    ctx.log.debug('synced pod', {
      pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`,
      syncMs: synced - started,
      statusMs: Date.now() - synced,
    });
    if (result.retryAfterMs !== undefined) this.enqueue(uid, Math.max(100, result.retryAfterMs));
  }

  private async writeStatus(
    pod: Pod,
    containers: SyncResultContainers,
    waiting: Map<string, { reason: string; message?: string }>,
  ): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const now = (this.opts.now ?? (() => new Date()))()
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
    if (!this.startTime.has(uid)) this.startTime.set(uid, pod.status?.startTime ?? now);
    const { ctx } = this.opts;
    const status: PodStatus = computePodStatus({
      pod: { ...pod, status: { ...pod.status, startTime: this.startTime.get(uid) } },
      containers,
      hostIP: ctx.hostIP,
      isReady: (c) => ctx.probes.isReady(c),
      waiting,
      now,
    });
    this.observeStart(pod, status);
    const fingerprint = JSON.stringify({
      ...status,
      conditions: status.conditions?.map((c) => ({ ...c, lastTransitionTime: undefined })),
    });
    if (this.lastStatus.get(uid) === fingerprint) return;
    try {
      await this.opts.client.patch(
        R.pods,
        pod.metadata?.namespace,
        pod.metadata?.name ?? '',
        'merge',
        { status },
        { subresource: 'status' },
      );
      this.lastStatus.set(uid, fingerprint);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private observeStart(pod: Pod, status: PodStatus): void {
    const uid = pod.metadata?.uid ?? '';
    if (this.reportedRunning.has(uid) || status.phase !== 'Running') return;
    this.reportedRunning.add(uid);
    const created = Date.parse(pod.metadata?.creationTimestamp ?? '');
    if (this.opts.startDuration && created) this.opts.startDuration.observe((Date.now() - created) / 1000);
  }

  /** Stop and remove the pod's containers and volumes, then finish the API deletion. */
  private async terminate(uid: string, pod: Pod | undefined): Promise<void> {
    const { ctx, client } = this.opts;
    ctx.probes.removePod(uid);
    const containers = await ctx.runtime.listContainers(uid);
    await killPod(ctx.runtime, ctx.events, pod, containers, latestSandbox(containers)?.ip);
    for (const c of containers) await ctx.runtime.removeContainer(c.id);
    await tearDownVolumes(ctx.rootDir, uid);
    ctx.backoff.forgetPod(uid);
    this.opts.images.forgetPod(uid);
    this.leaving.delete(uid);
    this.failures.delete(uid);
    this.lastStatus.delete(uid);
    this.startTime.delete(uid);
    this.reportedRunning.delete(uid);
    if (pod?.metadata?.deletionTimestamp) {
      const meta = pod.metadata;
      try {
        await client.delete(R.pods, meta.namespace, meta.name ?? '', {
          gracePeriodSeconds: 0,
          preconditions: { uid },
        } as KubeObject);
      } catch (err) {
        // Conflict: the uid precondition failed, a new pod of the same name took its place.
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
    }
  }
}

type SyncResultContainers = Awaited<ReturnType<typeof syncPod>>['containers'];
