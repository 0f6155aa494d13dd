// The scheduler, assembled (scheduler.go + eventhandlers.go): informers for pods, nodes and
// services feed the cache and the queue; one loop takes a pod at a time and runs scheduleOne.
// Handlers only route:
//   pod with a node      → cache (it uses resources there); its removal may free room → retry parked
//   pod without a node   → queue, if it is ours
//   node added/changed   → cache, and parked pods get another try
// Scheduling is serial (the next pod must see the previous one's assumed placement); bindings
// run in the background, as upstream's binding cycle does.

import { hostname } from 'node:os';
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod, Service } from 'kubernetes-types/core/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import type { Logger } from '../api/log';
import type { Registry } from '../api/metrics';
import { R } from '../api/resources';
import { type KubeObject, objectKey } from '../api/types';
import { type ApiClient, createEventRecorder, createInformer, createInformerMetrics } from '../client';
import { SchedulerCache } from './cache';
import { schedulerMetrics } from './metrics';
import { defaultFilters, defaultScores } from './plugins';
import { type VolumeListers, volumeBinding } from './plugins/volume-binding';
import { schedulingView } from './pod-view';
import { SchedulingQueue } from './queue';
import { createScheduleOne, DEFAULT_SCHEDULER_NAME, responsibleFor } from './schedule-one';

type PodObject = Pod & KubeObject;
type NodeObject = Node & KubeObject;

/** Did the node change in a way that could make a parked pod fit? (Heartbeats alone do not.) */
export function nodeSchedulingChanged(a: Node, b: Node): boolean {
  const ready = (n: Node) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return (
    a.spec?.unschedulable !== b.spec?.unschedulable ||
    JSON.stringify(a.spec?.taints ?? []) !== JSON.stringify(b.spec?.taints ?? []) ||
    JSON.stringify(a.metadata?.labels ?? {}) !== JSON.stringify(b.metadata?.labels ?? {}) ||
    JSON.stringify(a.status?.allocatable ?? {}) !== JSON.stringify(b.status?.allocatable ?? {}) ||
    ready(a) !== ready(b)
  );
}

/** A parked pod is retried on update only if what scheduling reads changed (not its status). */
export function podSchedulingChanged(a: Pod, b: Pod): boolean {
  return (
    JSON.stringify(a.spec) !== JSON.stringify(b.spec) ||
    JSON.stringify(a.metadata?.labels ?? {}) !== JSON.stringify(b.metadata?.labels ?? {})
  );
}

export interface SchedulerOptions {
  client: ApiClient;
  log: Logger;
  registry: Registry;
  schedulerName?: string;
  rand?: () => number;
}

export interface RunningScheduler {
  /** Resolves once pods and nodes are listed. */
  synced: Promise<void>;
  stop(): void;
}

export function startScheduler(opts: SchedulerOptions, signal: AbortSignal): RunningScheduler {
  const { client, log } = opts;
  const schedulerName = opts.schedulerName ?? DEFAULT_SCHEDULER_NAME;
  const informerMetrics = createInformerMetrics(opts.registry);
  const pods = createInformer<PodObject>(client, R.pods, {
    log,
    metrics: informerMetrics,
    transform: schedulingView,
  });
  const nodes = createInformer<NodeObject>(client, R.nodes, { log, metrics: informerMetrics });
  const services = createInformer<Service & KubeObject>(client, R.services, {
    log,
    metrics: informerMetrics,
  });
  // Claims, volumes and classes for VolumeBinding; a claim or volume that changes may unpark a pod.
  const claims = createInformer<PersistentVolumeClaim & KubeObject>(client, R.persistentvolumeclaims, {
    log,
    metrics: informerMetrics,
  });
  const volumes = createInformer<PersistentVolume & KubeObject>(client, R.persistentvolumes, {
    log,
    metrics: informerMetrics,
  });
  const classes = createInformer<StorageClass & KubeObject>(client, R.storageclasses, {
    log,
    metrics: informerMetrics,
  });
  const volumeListers: VolumeListers = {
    claim: (ns, name) => claims.get(`${ns}/${name}`),
    volume: (name) => volumes.get(name),
    storageClass: (name) => classes.get(name),
  };
  const cache = new SchedulerCache();
  const queue = new SchedulingQueue();
  const recorder = createEventRecorder(client, { component: schedulerName, host: hostname(), log });
  const metrics = schedulerMetrics(opts.registry, () => queue.parkedCount());

  pods.addEventHandler({
    add(pod) {
      if (pod.spec?.nodeName) cache.updatePod(pod);
      else if (responsibleFor(pod, schedulerName)) queue.add(objectKey(pod));
    },
    update(old, pod) {
      const key = objectKey(pod);
      if (pod.spec?.nodeName) {
        const finishedNow =
          (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') &&
          old.status?.phase !== pod.status?.phase;
        cache.updatePod(pod);
        queue.forget(key);
        if (finishedNow) queue.moveAllToActive();
      } else if (responsibleFor(pod, schedulerName)) {
        if (!queue.isParked(key) || podSchedulingChanged(old, pod)) queue.add(key);
      }
    },
    delete(pod) {
      cache.removePod(pod);
      queue.forget(objectKey(pod));
      if (pod.spec?.nodeName) queue.moveAllToActive();
    },
  });
  nodes.addEventHandler({
    add(node) {
      cache.setNode(node);
      queue.moveAllToActive();
    },
    update(old, node) {
      cache.setNode(node);
      if (nodeSchedulingChanged(old, node)) queue.moveAllToActive();
    },
    delete(node) {
      cache.removeNode(node.metadata?.name ?? '');
    },
  });

  for (const inf of [claims, volumes])
    (inf as typeof claims).addEventHandler({
      add: () => queue.moveAllToActive(),
      update: () => queue.moveAllToActive(),
    });

  const scheduleOne = createScheduleOne({
    client,
    recorder,
    log,
    metrics,
    pods,
    cache,
    queue,
    filters: [...defaultFilters, volumeBinding(volumeListers)],
    volumeListers,
    scores: defaultScores,
    scoreContext: () => ({ services: services.list() }),
    rand: opts.rand ?? Math.random,
    schedulerName,
  });

  const all = [pods, nodes, services, claims, volumes, classes] as {
    start(): void;
    stop(): void;
    waitForSync(s: AbortSignal): Promise<unknown>;
  }[];
  for (const inf of all) inf.start();
  const synced = Promise.all(all.map((inf) => inf.waitForSync(signal))).then(() => undefined);
  const flush = setInterval(() => queue.flushLeftover(), 30_000);

  async function loop(): Promise<void> {
    await synced;
    for (;;) {
      const key = await queue.active.get();
      if (key === undefined) return;
      try {
        scheduleOne(key);
      } catch (err) {
        log.error('scheduling attempt failed', { pod: key, err: (err as Error).message });
        queue.retryLater(key);
      } finally {
        queue.active.done(key);
      }
      // Let watch events and binding replies in between pods: the loop itself never waits.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  const stop = () => {
    clearInterval(flush);
    queue.shutDown();
    for (const inf of all) inf.stop();
  };
  signal.addEventListener('abort', stop, { once: true });
  loop().catch((err) => log.error('scheduler loop ended', { err: (err as Error).message }));
  return { synced, stop };
}
