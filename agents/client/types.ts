// The contract of the one shared client every agent uses (scheduler, controllers, kubelet,
// kube-proxy, hollow nodes). None of them talks to etcd: they list, watch and write through the
// apiserver with these interfaces, which is how upstream's client-go is shaped too
// (rest.Interface, cache.SharedIndexInformer, workqueue.RateLimitingInterface).

import type { DeleteOptions } from 'kubernetes-types/meta/v1';
import type { ResourceInfo } from '../api/resources';
import type { KubeList, KubeObject, WatchEvent } from '../api/types';

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface WatchOptions extends ListOptions {
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

export type PatchType = 'merge' | 'strategic' | 'json';

export interface WriteOptions {
  subresource?: string;
  fieldManager?: string;
}

/** A watch in progress: events arrive in order; `done` settles when the stream ends or fails. */
export interface WatchHandle {
  stop(): void;
  done: Promise<void>;
}

/**
 * REST calls against the apiserver. Failures reject with a StatusError (agents/api/errors), so
 * callers use isNotFound/isConflict/isExpired, exactly as the server classified them.
 */
export interface ApiClient {
  readonly baseUrl: string;
  get<T extends KubeObject>(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    subresource?: string,
  ): Promise<T>;
  list<T extends KubeObject>(r: ResourceInfo, opts?: ListOptions): Promise<KubeList<T>>;
  create<T extends KubeObject>(
    r: ResourceInfo,
    obj: T,
    opts?: WriteOptions & { namespace?: string },
  ): Promise<T>;
  /** PUT of the whole object (or of `subresource`, e.g. 'status'); 409 when resourceVersion is stale. */
  update<T extends KubeObject>(r: ResourceInfo, obj: T, opts?: WriteOptions): Promise<T>;
  patch<T extends KubeObject>(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    opts?: WriteOptions,
  ): Promise<T>;
  delete(r: ResourceInfo, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<void>;
  /** POST to a subresource such as pods/binding or pods/eviction. */
  createSubresource<T extends KubeObject>(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    subresource: string,
    body: KubeObject,
  ): Promise<T>;
  watch<T extends KubeObject>(
    r: ResourceInfo,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent<T>) => void,
  ): WatchHandle;
}

export interface ResourceEventHandler<T> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  /** `obj` is the last state the cache knew (a tombstone when the delete was missed during a relist). */
  delete?(obj: T): void;
}

/**
 * List + watch + local cache (shared_informer.go's contract): list, watch from the list's
 * resourceVersion, relist on 410, back off with jitter on any other error and retry forever.
 * Handlers get frozen objects and must return quickly (enqueue a key, nothing more).
 */
export interface Informer<T extends KubeObject> {
  addEventHandler(h: ResourceEventHandler<T>): void;
  start(): void;
  stop(): void;
  hasSynced(): boolean;
  waitForSync(signal?: AbortSignal): Promise<void>;
  /** Every cached object, optionally within one namespace. */
  list(namespace?: string): T[];
  /** By `namespace/name` (or `name` when cluster-scoped). */
  get(key: string): T | undefined;
}

/** A rate-limited work queue of object keys (workqueue.RateLimitingInterface). */
export interface WorkQueue {
  add(key: string): void;
  addAfter(key: string, delayMs: number): void;
  /** Re-add with per-key exponential back-off (5 ms doubling to 1000 s, as upstream). */
  addRateLimited(key: string): void;
  /** Reset the key's back-off after a successful sync. */
  forget(key: string): void;
  numRequeues(key: string): number;
  /** Resolves with the next key, or undefined once shut down. A key is never handed to two workers at once. */
  get(): Promise<string | undefined>;
  done(key: string): void;
  len(): number;
  shutDown(): void;
}

export interface EventRecorder {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}
