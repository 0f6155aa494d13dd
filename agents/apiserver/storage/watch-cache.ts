// The watch cache: one etcd watch per resource, the current state in memory, and a history of
// recent changes (change-log.ts) that every HTTP watcher of that resource is fed from (upstream:
// storage/cacher/cacher.go and watch_cache.go).
//
//   start()     list the prefix at revision R, then watch from R+1
//   snapshot()  the current objects, sorted by key — lists are served from here
//   subscribe() replay the history from a resourceVersion, then live changes; 'too-old' when
//               the history no longer reaches back that far (the caller then watches etcd)
//
// Consistency: only this apiserver writes to etcd, so `waitFor(rev)` after a write gives
// read-your-writes for lists served from memory.

import { internStrings } from '../../api/intern';
import type { ResourceInfo } from '../../api/resources';
import { storagePrefix } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import { ChangeLog } from './change-log';
import type { EtcdClient } from './etcd-client';
import type { EtcdStore } from './etcd-store';
import { type Change, type EtcdWatch, watchPrefix } from './etcd-watch';
import { forgetJson, jsonOf, keepJson } from './json-cache';

export interface CacheEntry {
  key: string;
  obj: KubeObject;
}

export interface Subscriber {
  onChange(change: Change): void;
  /** The cache restarted (etcd history lost): the watcher must end so its client relists. */
  onReset(reason: string): void;
}

export interface Subscription {
  stop(): void;
}

export interface WatchCacheOptions {
  /** The most changes the history keeps, however recent (`--watch-cache-size`). */
  capacity?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** How often an idle resource's history is trimmed of stale changes. */
const TRIM_EVERY_MS = 15_000;

export function entryJson(e: CacheEntry): string {
  return jsonOf(e.obj);
}

export class WatchCache {
  private readonly entries = new Map<string, CacheEntry>();
  private sortedKeys: string[] | null = null;
  private history: ChangeLog;
  private trimTimer?: NodeJS.Timeout;
  private readonly capacity: number;
  private readonly subscribers = new Set<Subscriber>();
  private readonly waiters: Array<{ revision: number; resolve: () => void }> = [];
  private watch?: EtcdWatch;
  private stopped = false;
  revision = 0;
  readonly prefix: string;

  constructor(
    private readonly client: EtcdClient,
    readonly store: EtcdStore,
    readonly resource: ResourceInfo,
    private readonly opts: WatchCacheOptions = {},
  ) {
    this.capacity = opts.capacity ?? 4096;
    this.prefix = storagePrefix(resource);
    this.history = this.newHistory(0);
  }

  async start(): Promise<void> {
    const list = await this.store.list(this.prefix);
    this.entries.clear();
    for (const s of list.items) {
      const key = cacheKey(s.obj);
      this.entries.set(key, { key, obj: internStrings(s.obj) });
    }
    this.sortedKeys = null;
    this.history = this.newHistory(list.revision);
    this.revision = list.revision;
    // A resource that goes quiet sheds its stale history too, not only when the next change comes.
    this.trimTimer ??= setInterval(() => this.history.trim(Date.now()), TRIM_EVERY_MS).unref();
    this.watch = watchPrefix(
      this.client,
      this.prefix,
      list.revision + 1,
      (c) => this.apply(c),
      (err) => this.restart(err),
      this.store.values,
      (key) => this.entries.get(key.slice(this.prefix.length))?.obj,
    );
    this.wakeWaiters();
  }

  /** A change's text is kept while the change is in the history (json-cache.ts). */
  private newHistory(revision: number): ChangeLog {
    return new ChangeLog({ max: this.capacity }, revision, (c) => forgetJson(c.obj));
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.trimTimer);
    this.watch?.stop();
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  /** Objects in key order (namespace, then name), as etcd would list them. */
  snapshot(namespace?: string): CacheEntry[] {
    if (!this.sortedKeys) this.sortedKeys = [...this.entries.keys()].sort();
    const out: CacheEntry[] = [];
    const nsPrefix = namespace && this.resource.namespaced ? `${namespace}/` : '';
    for (const k of this.sortedKeys) {
      if (nsPrefix && !k.startsWith(nsPrefix)) continue;
      const e = this.entries.get(k);
      if (e) out.push(e);
    }
    return out;
  }

  /** One object by namespace and name (name alone when cluster-scoped), without a snapshot. */
  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.entries.get(namespace && this.resource.namespaced ? `${namespace}/${name}` : name)?.obj;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Resolve once the cache has seen `revision` (or after `timeoutMs`, serving slightly stale). */
  waitFor(revision: number, timeoutMs = 3000): Promise<void> {
    if (this.revision >= revision || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push({
        revision,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** Replay changes after `fromRevision`, then stream live ones; 'too-old' if history is short. */
  subscribe(fromRevision: number, sub: Subscriber): Subscription | 'too-old' {
    const replay = this.history.since(fromRevision);
    if (replay === 'too-old') return 'too-old';
    for (const c of replay) sub.onChange(c);
    this.subscribers.add(sub);
    return { stop: () => this.subscribers.delete(sub) };
  }

  private apply(changes: Change[]): void {
    for (const c of changes) {
      if (c.revision <= this.revision) continue; // replayed after a reconnect
      const relKey = c.key.slice(this.prefix.length);
      const superseded = this.entries.get(relKey)?.obj;
      if (superseded) forgetJson(superseded);
      if (c.type === 'DELETED') {
        if (this.entries.delete(relKey)) this.sortedKeys = null;
      } else {
        if (!this.entries.has(relKey)) this.sortedKeys = null;
        // Kept until replaced, next to thousands like it: one copy of each repeated string.
        this.entries.set(relKey, { key: relKey, obj: internStrings(c.obj) });
        keepJson(c.obj);
      }
      this.history.add(c, Date.now());
      this.revision = c.revision;
      for (const s of this.subscribers) s.onChange(c);
    }
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].revision <= this.revision) this.waiters.splice(i, 1)[0].resolve();
    }
  }

  /** The etcd watch failed (history compacted away under it): rebuild and end every watcher. */
  private restart(err: Error): void {
    if (this.stopped) return;
    this.opts.log?.('watch cache restarting', { resource: this.resource.resource, error: err.message });
    this.watch?.stop();
    for (const s of [...this.subscribers]) s.onReset(`watch cache for ${this.resource.resource} restarted`);
    this.subscribers.clear();
    const retry = () =>
      this.start().catch((e: Error) => {
        this.opts.log?.('watch cache relist failed', { resource: this.resource.resource, error: e.message });
        if (!this.stopped) setTimeout(retry, 1000);
      });
    void retry();
  }
}

/** `<namespace>/<name>` (or `<name>`) for an object: the cache's key, the storage key minus prefix. */
/** An object's key in the cache: namespace/name, or name when cluster-scoped. */
export function cacheKey(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata?.name}` : `${obj.metadata?.name}`;
}
