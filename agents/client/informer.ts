// One informer, written once, that never gives up (client-go tools/cache: reflector.go,
// shared_informer.go, delta_fifo.go's Replace). The loop:
//
//   list ──► watch from the list's resourceVersion ──► events update the cache, handlers hear them
//     ▲          │ watch ended (server timeout)      → watch again from the last resourceVersion
//     │          │ ERROR 410 / Expired (compacted)   → relist; the diff against the cache becomes events
//     └──────────┘ any other failure                 → back off with jitter (≤ 30 s), log, retry forever
//
// Handlers get frozen objects and must return quickly (enqueue a key). A periodic resync
// re-delivers update(obj, obj) for everything cached, so level-triggered controllers heal.

import { fromStatus, isExpired, type StatusError } from '../api/errors';
import { internStrings } from '../api/intern';
import type { ResourceInfo } from '../api/resources';
import { type KubeObject, objectKey, type WatchEvent } from '../api/types';
import { type CacheDelta, diffAgainstCache } from './cache-diff';
import type { InformerMetrics } from './informer-metrics';
import { defaultLogger, type Logger } from './logger';
import type { ApiClient, Informer, ResourceEventHandler, WatchHandle } from './types';

export interface InformerOptions<T = KubeObject> {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Re-deliver every cached object as update(obj, obj) this often; 0 = never (default). */
  resyncMs?: number;
  nowFn?: () => number;
  randFn?: () => number;
  /** Sleep that ends early (resolving) when `signal` aborts. */
  delayFn?: (ms: number, signal: AbortSignal) => Promise<void>;
  log?: Logger;
  /** Shared counters (createInformerMetrics); each informer adds under its resource's label. */
  metrics?: InformerMetrics;
  /**
   * What of each object the cache keeps (client-go's SetTransform): called on every listed and
   * watched object before it is stored and handed to the handlers; returns a new object or the
   * same one, never a changed copy of something shared.
   */
  transform?: (obj: T) => T;
}

export const INITIAL_BACKOFF_MS = 800;
export const MAX_BACKOFF_MS = 30_000;

/** Back-off with jitter after `failures` consecutive failures: 0.8 s, 1.6 s, … ≤ 30 s, each +0–100 %. */
export function jitteredBackoff(failures: number, rand: number): number {
  const base = Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS * 2 ** Math.max(0, failures - 1));
  return Math.min(MAX_BACKOFF_MS, base * (1 + rand));
}

export const sleepUnlessAborted = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Freeze an object and everything in it: handlers share one copy and must not change it. */
export function deepFreeze<T>(obj: T): T {
  if (obj && typeof obj === 'object' && !Object.isFrozen(obj)) {
    Object.freeze(obj);
    for (const v of Object.values(obj)) deepFreeze(v);
  }
  return obj;
}

/**
 * What the cache keeps: the part of the object the informer's owner reads (its transform), with
 * one copy of each repeated string value (10k pods hold the same node names, timestamps and
 * defaults; api/intern.ts), then frozen, since every handler shares the object.
 */
const forCache = <T>(obj: T, transform?: (obj: T) => T): T =>
  deepFreeze(internStrings(transform ? transform(obj) : obj));

/** The ERROR event of a watch carries a Status; 410 means the resourceVersion was compacted. */
function watchErrorToStatusError(ev: WatchEvent): StatusError {
  const status = ev.object as { code?: number };
  return fromStatus(ev.object as never, status.code ?? 500);
}

export function createInformer<T extends KubeObject>(
  client: ApiClient,
  resource: ResourceInfo,
  opts: InformerOptions<T> = {},
): Informer<T> {
  const { nowFn = Date.now, randFn = Math.random, delayFn = sleepUnlessAborted, resyncMs = 0 } = opts;
  const log = opts.log ?? defaultLogger(`informer ${resource.resource}`);
  const label = { resource: resource.resource };
  const count = (c: keyof InformerMetrics) => opts.metrics?.[c].inc(label);
  const cache = new Map<string, T>();
  const handlers: ResourceEventHandler<T>[] = [];
  let synced = false;
  let syncWaiters: (() => void)[] = [];
  let stopCtl: AbortController | undefined;

  function deliver(d: CacheDelta<T>): void {
    for (const h of handlers) {
      try {
        if (d.type === 'add') h.add?.(d.obj);
        else if (d.type === 'update') h.update?.(d.old as T, d.obj);
        else h.delete?.(d.obj);
      } catch (err) {
        log.error(`event handler failed: ${(err as Error).message}`);
      }
    }
  }

  function apply(ev: WatchEvent<T>): string | undefined {
    const obj = forCache(ev.object, opts.transform);
    const key = objectKey(obj);
    const old = cache.get(key);
    if (ev.type === 'DELETED') {
      cache.delete(key);
      deliver({ type: 'delete', obj: old ?? obj });
    } else {
      cache.set(key, obj);
      deliver(old ? { type: 'update', old, obj } : { type: 'add', obj });
    }
    return obj.metadata?.resourceVersion;
  }

  async function listAndReplace(): Promise<string> {
    count('lists');
    const list = await client.list<T>(resource, {
      namespace: opts.namespace,
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
    });
    const items = list.items.map((o) => forCache(o, opts.transform));
    for (const d of diffAgainstCache(cache, items)) {
      if (d.type === 'delete') cache.delete(objectKey(d.obj));
      else cache.set(objectKey(d.obj), d.obj);
      deliver(d);
    }
    if (!synced) {
      synced = true;
      for (const w of syncWaiters.splice(0)) w();
    }
    return list.metadata.resourceVersion ?? '0';
  }

  /** Watch from `rv` until the stream ends; returns the last resourceVersion seen. */
  async function watchFrom(rv: string, signal: AbortSignal): Promise<{ rv: string; events: number }> {
    let last = rv;
    let events = 0;
    let failure: StatusError | undefined;
    let handle: WatchHandle | undefined;
    count('watches');
    handle = client.watch<T>(
      resource,
      {
        namespace: opts.namespace,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        resourceVersion: rv,
        allowWatchBookmarks: true,
        // Like the reflector: end each watch after 5–10 minutes so a stuck one cannot last forever.
        timeoutSeconds: Math.floor(300 + randFn() * 300),
        signal,
      },
      (ev) => {
        if (failure) return;
        if (ev.type === 'ERROR') {
          failure = watchErrorToStatusError(ev as WatchEvent);
          handle?.stop();
          return;
        }
        events++;
        if (ev.type === 'BOOKMARK') last = ev.object.metadata?.resourceVersion ?? last;
        else last = apply(ev) ?? last;
      },
    );
    if (failure) handle.stop();
    await handle.done;
    if (failure) throw failure;
    return { rv: last, events };
  }

  async function run(signal: AbortSignal): Promise<void> {
    let rv: string | undefined;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (rv === undefined) rv = await listAndReplace();
        const started = nowFn();
        const result = await watchFrom(rv, signal);
        rv = result.rv;
        failures = 0;
        // A watch that ends at once with nothing in it, again and again, must not spin.
        if (result.events === 0 && nowFn() - started < 1000) await delayFn(1000, signal);
      } catch (err) {
        if (signal.aborted) break;
        if (isExpired(err)) {
          log.info(`resourceVersion ${rv} is too old (${(err as Error).message}); relisting`);
          count('relists');
          rv = undefined;
          continue;
        }
        failures++;
        count('failures');
        const wait = jitteredBackoff(failures, randFn());
        log.error(
          `list/watch failed (attempt ${failures}), retrying in ${Math.round(wait)} ms: ${(err as Error).message}`,
        );
        await delayFn(wait, signal);
      }
    }
  }

  async function resyncLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await delayFn(resyncMs, signal);
      if (signal.aborted || !synced) continue;
      for (const obj of cache.values()) deliver({ type: 'update', old: obj, obj });
    }
  }

  return {
    addEventHandler(h) {
      handlers.push(h);
      // A handler added late hears about what is already cached, as in shared_informer.go.
      for (const obj of cache.values()) h.add?.(obj);
    },
    start() {
      if (stopCtl) return;
      stopCtl = new AbortController();
      void run(stopCtl.signal);
      if (resyncMs > 0) void resyncLoop(stopCtl.signal);
    },
    stop() {
      stopCtl?.abort();
    },
    hasSynced: () => synced,
    waitForSync(signal) {
      if (synced) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        syncWaiters.push(resolve);
        signal?.addEventListener(
          'abort',
          () => {
            syncWaiters = syncWaiters.filter((w) => w !== resolve);
            reject(signal.reason ?? new Error('aborted'));
          },
          { once: true },
        );
      });
    },
    list(namespace) {
      const all = [...cache.values()];
      return namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === namespace);
    },
    get: (key) => cache.get(key),
  };
}
