// Fakes of the shared client interfaces, for unit tests of sync logic only (STYLE 14): seed
// the informer caches with plain objects, run sync(key), compare the recorded writes. The
// integration tests in test/integration use the real client against a real apiserver.

import type { DeleteOptions } from 'kubernetes-types/meta/v1';
import { alreadyExists, notFound } from '../../api/errors';
import type { ResourceInfo } from '../../api/resources';
import { type KubeList, type KubeObject, objectKey } from '../../api/types';
import type { ApiClient, EventRecorder, Informer, ResourceEventHandler, WorkQueue } from '../../client/types';
import { configFromFlags, defaultFlags } from '../config';
import type { ControllerContext, Informers } from '../controller';

export interface Action {
  verb: 'create' | 'update' | 'patch' | 'delete' | 'createSubresource';
  resource: string;
  namespace?: string;
  name: string;
  subresource?: string;
  body?: any;
}

export interface FakeClient extends ApiClient {
  actions: Action[];
  /** Make the next calls of `verb` on `resource` fail with `err`. */
  failOn(verb: Action['verb'], resource: string, err: Error): void;
  /** Objects `get`/`list` answer with (keyed by resource then ns/name). */
  objects: Map<string, Map<string, KubeObject>>;
}

export function fakeClient(): FakeClient {
  const actions: Action[] = [];
  const failures = new Map<string, Error>();
  const objects = new Map<string, Map<string, KubeObject>>();
  let uid = 0;
  const store = (r: ResourceInfo) => {
    if (!objects.has(r.resource)) objects.set(r.resource, new Map());
    return objects.get(r.resource)!;
  };
  const check = (verb: Action['verb'], r: ResourceInfo) => {
    const err = failures.get(`${verb}/${r.resource}`);
    if (err) throw err;
  };
  const q = (r: ResourceInfo) => ({ group: r.group, resource: r.resource });
  const client: FakeClient = {
    baseUrl: 'http://fake',
    actions,
    objects,
    failOn(verb, resource, err) {
      failures.set(`${verb}/${resource}`, err);
    },
    async get<T extends KubeObject>(r: ResourceInfo, namespace: string | undefined, name: string) {
      const obj = store(r).get(namespace ? `${namespace}/${name}` : name);
      if (!obj) throw notFound(q(r), name);
      return structuredClone(obj) as T;
    },
    async list<T extends KubeObject>(r: ResourceInfo, opts: { namespace?: string } = {}) {
      const items = [...store(r).values()].filter(
        (o) => !opts.namespace || o.metadata?.namespace === opts.namespace,
      );
      return { apiVersion: 'v1', kind: `${r.kind}List`, metadata: {}, items } as unknown as KubeList<T>;
    },
    async create<T extends KubeObject>(r: ResourceInfo, obj: T, opts: { namespace?: string } = {}) {
      check('create', r);
      const body = structuredClone(obj) as any;
      body.metadata ??= {};
      body.metadata.namespace ??= opts.namespace;
      if (!body.metadata.name && body.metadata.generateName)
        body.metadata.name = `${body.metadata.generateName}${++uid}`;
      const key = objectKey(body);
      if (store(r).has(key)) throw alreadyExists(q(r), body.metadata.name);
      body.metadata.uid ??= `uid-${++uid}`;
      actions.push({
        verb: 'create',
        resource: r.resource,
        namespace: body.metadata.namespace,
        name: body.metadata.name,
        body,
      });
      store(r).set(key, body);
      return structuredClone(body) as T;
    },
    async update<T extends KubeObject>(r: ResourceInfo, obj: T, opts: { subresource?: string } = {}) {
      check('update', r);
      const body = structuredClone(obj) as any;
      actions.push({
        verb: 'update',
        resource: r.resource,
        namespace: body.metadata?.namespace,
        name: body.metadata?.name,
        subresource: opts.subresource,
        body,
      });
      store(r).set(objectKey(body), body);
      return structuredClone(body) as T;
    },
    async patch<T extends KubeObject>(
      r: ResourceInfo,
      namespace: string | undefined,
      name: string,
      _t: string,
      patch: unknown,
      opts: { subresource?: string } = {},
    ) {
      check('patch', r);
      actions.push({
        verb: 'patch',
        resource: r.resource,
        namespace,
        name,
        subresource: opts.subresource,
        body: patch,
      });
      return { metadata: { name, namespace } } as T;
    },
    async delete(r: ResourceInfo, namespace: string | undefined, name: string, opts?: DeleteOptions) {
      check('delete', r);
      actions.push({ verb: 'delete', resource: r.resource, namespace, name, body: opts });
      store(r).delete(namespace ? `${namespace}/${name}` : name);
    },
    async createSubresource<T extends KubeObject>(
      r: ResourceInfo,
      namespace: string | undefined,
      name: string,
      subresource: string,
      body: KubeObject,
    ) {
      actions.push({ verb: 'createSubresource', resource: r.resource, namespace, name, subresource, body });
      return body as T;
    },
    watch() {
      return { stop() {}, done: Promise.resolve() };
    },
  };
  return client;
}

export interface FakeInformer<T extends KubeObject> extends Informer<T> {
  handlers: ResourceEventHandler<T>[];
  set(obj: T): void;
  remove(obj: T): void;
}

export function fakeInformer<T extends KubeObject>(objs: T[] = []): FakeInformer<T> {
  const cache = new Map<string, T>(objs.map((o) => [objectKey(o), o]));
  const handlers: ResourceEventHandler<T>[] = [];
  return {
    handlers,
    addEventHandler: (h) => void handlers.push(h),
    start() {},
    stop() {},
    hasSynced: () => true,
    waitForSync: async () => {},
    list: (ns) => [...cache.values()].filter((o) => !ns || o.metadata?.namespace === ns),
    get: (key) => cache.get(key),
    set(obj) {
      const old = cache.get(objectKey(obj));
      cache.set(objectKey(obj), obj);
      for (const h of handlers) old ? h.update?.(old, obj) : h.add?.(obj);
    },
    remove(obj) {
      cache.delete(objectKey(obj));
      for (const h of handlers) h.delete?.(obj);
    },
  };
}

export interface FakeInformers extends Informers {
  seed(r: ResourceInfo, objs: KubeObject[]): void;
  informer<T extends KubeObject>(r: ResourceInfo): FakeInformer<T>;
}

export function fakeInformers(): FakeInformers {
  const byResource = new Map<string, FakeInformer<any>>();
  const informer = <T extends KubeObject>(r: ResourceInfo): FakeInformer<T> => {
    if (!byResource.has(r.resource)) byResource.set(r.resource, fakeInformer<T>());
    return byResource.get(r.resource)!;
  };
  return {
    for: informer,
    informer,
    seed(r, objs) {
      for (const o of objs) informer(r).set(o);
    },
  };
}

export interface FakeQueue extends WorkQueue {
  added: string[];
  delayed: { key: string; delayMs: number }[];
}

export function fakeQueue(): FakeQueue {
  const added: string[] = [];
  const delayed: { key: string; delayMs: number }[] = [];
  return {
    added,
    delayed,
    add: (k) => void added.push(k),
    addAfter: (key, delayMs) => void delayed.push({ key, delayMs }),
    addRateLimited: (k) => void added.push(k),
    forget() {},
    numRequeues: () => 0,
    get: async () => undefined,
    done() {},
    len: () => added.length,
    shutDown() {},
  };
}

export interface RecordedEvent {
  object: string;
  type: string;
  reason: string;
  message: string;
}

export function fakeRecorder(): EventRecorder & { events: RecordedEvent[] } {
  const events: RecordedEvent[] = [];
  return {
    events,
    event(obj, type, reason, message) {
      events.push({ object: `${obj.kind ?? ''}/${objectKey(obj)}`, type, reason, message });
    },
  };
}

export interface FakeContext extends ControllerContext {
  client: FakeClient;
  informers: FakeInformers;
  queue: FakeQueue;
  recorder: EventRecorder & { events: RecordedEvent[] };
  clock: { now: number };
}

/** A context with fakes, a clock fixed at 2026-01-01T00:00:00Z, and optional flag overrides. */
export function fakeContext(flags: Partial<typeof defaultFlags> = {}): FakeContext {
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
  return {
    client: fakeClient(),
    informers: fakeInformers(),
    queue: fakeQueue(),
    recorder: fakeRecorder(),
    config: configFromFlags({ ...defaultFlags, ...flags }),
    now: () => clock.now,
    clock,
    log: () => {},
  };
}

/** The writes a test compares, in a form a reader can check at a glance: `create pods default/web-`. */
export function summarize(actions: Action[]): string[] {
  return actions.map((a) => {
    const sub = a.subresource ? `/${a.subresource}` : '';
    const name =
      a.verb === 'create' && a.body?.metadata?.generateName ? a.body.metadata.generateName : a.name;
    return `${a.verb} ${a.resource}${sub} ${a.namespace ? `${a.namespace}/` : ''}${name}`;
  });
}
