// The generic REST storage every resource goes through (upstream: registry/generic/registry/
// store.go). Each write runs the same steps, all before etcd is touched, so a rejected request
// leaves nothing behind:
//
//   create: prepareForCreate → defaults → namespace lifecycle → admit → validate → allocate → txn(create)
//   update: read → prepareForUpdate → defaults → validate → allocate → txn(update if unchanged)
//   delete: read → preconditions → decideDelete → txn(delete) or txn(update with deletionTimestamp)
//
// Reads of single objects go to etcd; lists and watches are served by the watch cache.

import type { DeleteOptions } from 'kubernetes-types/meta/v1';
import {
  alreadyExists,
  badRequest,
  conflict,
  type FieldCause,
  forbidden,
  invalid,
  notFound,
  type Qualified,
  STALE_OBJECT,
} from '../../api/errors';
import { R, type ResourceInfo, storageKey } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import type { ServiceAllocator } from '../admission/allocators';
import { planAllocation } from '../admission/allocators';
import type { EtcdStore, SideWrite, Stored } from '../storage/etcd-store';
import type { WatchCache } from '../storage/watch-cache';
import { decideDelete, preconditionFailure, shouldFinishDelete } from './deletion';
import type { AdmissionHooks } from './hooks';
import { prepareForCreate, prepareForUpdate } from './strategy';

export interface WriteOptions {
  dryRun?: boolean;
  /**
   * The request's version, when it is not the stored one: a patch applies to the object as that
   * version shows it, and the result is stored converted back (conversion/index.ts).
   */
  view?: { toServed(obj: KubeObject): KubeObject; toStored(obj: KubeObject): KubeObject };
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
/** Events expire an hour after their last write (upstream --event-ttl=1h), by an etcd lease. */
export const EVENT_TTL_SECONDS = 3600;
const ttlFor = (r: ResourceInfo) => (r === R.events ? EVENT_TTL_SECONDS : 0);
const MAX_RETRIES = 5;

export function generatedName(prefix: string, rand: () => number = Math.random): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += NAME_CHARS[Math.floor(rand() * NAME_CHARS.length)];
  return `${prefix}${s}`;
}

export const qualified = (r: ResourceInfo): Qualified => ({ group: r.group, resource: r.resource });

export class RestStorage {
  constructor(
    readonly store: EtcdStore,
    readonly caches: Map<ResourceInfo, WatchCache>,
    readonly hooks: AdmissionHooks,
    readonly services: ServiceAllocator,
    readonly now: () => Date = () => new Date(),
  ) {}

  key(r: ResourceInfo, namespace: string | undefined, name: string): string {
    return storageKey(r, namespace, name);
  }

  async read(r: ResourceInfo, namespace: string | undefined, name: string): Promise<Stored> {
    const got = await this.store.get(this.key(r, namespace, name));
    if (!got) throw notFound(qualified(r), name);
    return got;
  }

  async get(r: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject> {
    return (await this.read(r, namespace, name)).obj;
  }

  /** Let lists served from memory see every write this server has acknowledged. */
  async settle(r: ResourceInfo, revision: number): Promise<void> {
    await this.caches.get(r)?.waitFor(revision);
  }

  async create(
    r: ResourceInfo,
    namespace: string | undefined,
    body: KubeObject,
    opts: WriteOptions = {},
  ): Promise<KubeObject> {
    const input = { ...body, metadata: { ...(body.metadata ?? {}) } };
    if (r.namespaced) input.metadata.namespace = namespace;
    if (!input.metadata.name && input.metadata.generateName)
      input.metadata.name = generatedName(input.metadata.generateName);
    const name = input.metadata.name ?? '';
    let obj = this.hooks.defaults(r, prepareForCreate(r, input, this.now()));
    if (r.namespaced && namespace) await this.admitNamespace(r, namespace, name);
    if (this.hooks.admit) obj = await this.hooks.admit(r, obj);
    this.mustBeValid(r, obj);
    const write = async () => {
      for (let attempt = 0; ; attempt++) {
        let side: SideWrite[] = [];
        if (r === R.services) [obj, side] = await this.allocate(obj);
        if (opts.dryRun) return obj;
        const out = await this.store.create(this.key(r, namespace, name), obj, side, ttlFor(r));
        if (out.ok) return this.written(r, obj, out.revision);
        if (out.current) throw alreadyExists(qualified(r), name);
        if (attempt >= MAX_RETRIES)
          throw conflict(qualified(r), name, 'the allocation changed, please retry');
      }
    };
    return r === R.services ? this.oneAllocationAtATime(write) : write();
  }

  private allocating: Promise<unknown> = Promise.resolve();

  /**
   * Every Service create rewrites the same two range keys (ClusterIPs, NodePorts) in its
   * transaction. Let loose, 16 concurrent creates conflicted on them so often that one in five
   * ran out of retries (a 1,000-Service bench needed ~750 retries). Taken one at a time in this
   * server they never conflict with each other; the retry stays for other apiservers' writes.
   */
  private oneAllocationAtATime<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.allocating.then(fn, fn);
    this.allocating = run.catch(() => undefined);
    return run;
  }

  /** PUT: the caller's object replaces the stored one, guarded on its resourceVersion if it has one. */
  async update(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    subresource = '',
    opts: WriteOptions = {},
  ): Promise<KubeObject> {
    if (body.metadata?.name && body.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const wanted = body.metadata?.resourceVersion;
    return this.guardedUpdate(
      r,
      namespace,
      name,
      opts,
      (current) => {
        if (wanted && wanted !== current.obj.metadata?.resourceVersion)
          throw conflict(qualified(r), name, STALE_OBJECT);
        return body;
      },
      subresource,
    );
  }

  /** PATCH: applied to the current object; retried on a race unless the patch pins a resourceVersion. */
  async patch(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    contentType: string,
    patchBody: string,
    subresource = '',
    opts: WriteOptions = {},
  ): Promise<KubeObject> {
    return this.guardedUpdate(
      r,
      namespace,
      name,
      opts,
      (current) => {
        const served = opts.view ? opts.view.toServed(current.obj) : current.obj;
        const patched = this.hooks.applyPatch(contentType, served, patchBody, r);
        const pinned = patched.metadata?.resourceVersion;
        if (pinned && pinned !== current.obj.metadata?.resourceVersion)
          throw conflict(qualified(r), name, STALE_OBJECT);
        return opts.view ? opts.view.toStored(patched) : patched;
      },
      subresource,
    );
  }

  /** Read, transform, write guarded on the revision read; retry when someone else wrote first. */
  async guardedUpdate(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    opts: WriteOptions,
    transform: (current: Stored) => KubeObject,
    subresource = '',
  ): Promise<KubeObject> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.read(r, namespace, name);
      const input = transform(current);
      let next = prepareForUpdate(r, input, current.obj, subresource);
      next = subresource === 'status' ? next : this.hooks.defaults(r, next);
      this.mustBeValid(r, next, current.obj);
      const out = await this.writeUpdate(r, current, next, opts);
      if (out) return out;
      if (attempt >= MAX_RETRIES) throw conflict(qualified(r), name, STALE_OBJECT);
    }
  }

  /** Store `next` over `current` (or finish a pending delete); undefined when the guard failed. */
  async writeUpdate(
    r: ResourceInfo,
    current: Stored,
    next: KubeObject,
    opts: WriteOptions = {},
  ): Promise<KubeObject | undefined> {
    const key = this.key(r, current.obj.metadata?.namespace, current.obj.metadata?.name ?? '');
    if (shouldFinishDelete(r, next)) {
      if (opts.dryRun) return next;
      const side = r === R.services ? await this.release(current.obj) : [];
      const out = await this.store.delete(key, current.revision, side);
      return out.ok ? this.written(r, next, out.revision) : undefined;
    }
    let side: SideWrite[] = [];
    if (r === R.services) [next, side] = await this.allocate(next, current.obj);
    if (opts.dryRun) return next;
    const out = await this.store.update(key, next, current.revision, side, ttlFor(r));
    return out.ok ? this.written(r, next, out.revision) : undefined;
  }

  async delete(
    r: ResourceInfo,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {},
    wopts: WriteOptions = {},
  ): Promise<KubeObject> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.read(r, namespace, name);
      const why = preconditionFailure(current.obj, opts);
      if (why) throw conflict(qualified(r), name, why);
      const decision = decideDelete(r, current.obj, opts, this.now());
      if (decision.action === 'unchanged' || wopts.dryRun) return current.obj;
      const key = this.key(r, namespace, name);
      if (decision.action === 'update') {
        const out = await this.store.update(key, decision.obj, current.revision);
        if (out.ok) return this.written(r, decision.obj, out.revision);
      } else {
        const side = r === R.services ? await this.release(current.obj) : [];
        const out = await this.store.delete(key, current.revision, side);
        if (out.ok) return this.written(r, current.obj, out.revision);
      }
      if (attempt >= MAX_RETRIES) throw conflict(qualified(r), name, STALE_OBJECT);
    }
  }

  private async written(r: ResourceInfo, obj: KubeObject, revision: number): Promise<KubeObject> {
    await this.settle(r, revision);
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
  }

  private mustBeValid(r: ResourceInfo, obj: KubeObject, old?: KubeObject): void {
    const name = obj.metadata?.name ?? '';
    const causes: FieldCause[] = name
      ? []
      : [
          {
            type: 'FieldValueRequired',
            field: 'metadata.name',
            message: 'Required value: name or generateName is required',
          },
        ];
    causes.push(...this.hooks.validate(r, obj, old));
    if (causes.length) throw invalid(r.kind, r.group, name, causes);
  }

  /**
   * Namespaced objects need a namespace that exists and is not being deleted (NamespaceLifecycle).
   * Read from the watch cache, as upstream's admission reads its informer: every namespace write
   * of this server is in the cache before it is acknowledged, and an etcd read here was half of
   * what a create cost etcd. A namespace the cache has not seen yet is looked up in etcd.
   */
  private async admitNamespace(r: ResourceInfo, namespace: string, name: string): Promise<void> {
    const ns =
      this.caches.get(R.namespaces)?.get(undefined, namespace) ??
      (await this.store.get(this.key(R.namespaces, undefined, namespace)))?.obj;
    if (!ns) throw notFound(qualified(R.namespaces), namespace);
    if (
      (ns.status as { phase?: string } | undefined)?.phase === 'Terminating' ||
      ns.metadata?.deletionTimestamp
    ) {
      throw forbidden(
        qualified(r),
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  private async allocate(svc: KubeObject, old?: KubeObject): Promise<[KubeObject, SideWrite[]]> {
    const { state, writes } = await this.services.load();
    const plan = planAllocation({
      svc,
      old,
      state,
      ipRange: this.services.ipRange,
      portRange: this.services.portRange,
    });
    return [plan.svc, writes(plan.state)];
  }

  private async release(svc: KubeObject): Promise<SideWrite[]> {
    const { state, writes } = await this.services.load();
    return writes(this.services.release(state, svc));
  }
}
