// One function per verb, for every resource in the catalogue (upstream:
// apiserver/pkg/endpoints/handlers/{get,create,update,patch,delete,watch}.go). Each reads the
// request, asks RestStorage or the watch cache, and answers JSON — or a Table when kubectl asks
// for one. Subresources are dispatched at the top of `serve`. A resource served at a version it is
// not stored at (autoscaling/v1) is converted on the way in and out (conversion/index.ts), and
// metrics.k8s.io is computed, not stored (metrics/metrics-api.ts).

import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { DeleteOptions } from 'kubernetes-types/meta/v1';
import type { WebSocketServer } from 'ws';
import {
  badRequest,
  encodeStatus,
  methodNotAllowed,
  notFound,
  pathNotFound,
  serviceUnavailable,
  toStatusError,
} from '../api/errors';
import type { Logger } from '../api/log';
import { queryBool } from '../api/query';
import { groupVersion, R, type ResourceInfo, storagePrefix } from '../api/resources';
import type { KubeObject } from '../api/types';
import type { UserInfo } from './auth/user';
import { decodeObject, mediaType, type ProtobufCodec, readBody } from './body';
import { versionView } from './conversion/index';
import { paginate, predicateFor, renderList, selectionFromQuery } from './list';
import { describedResource, getMetrics, listMetrics, type MetricsSources } from './metrics/metrics-api';
import { type ComponentProbe, getComponentStatus, listComponentStatuses } from './registry/componentstatuses';
import { deleteAnswer } from './registry/deletion';
import { evictPod } from './registry/eviction';
import { qualified, type RestStorage } from './registry/rest';
import { bindPod, finalizeNamespace, getScale, updateScale } from './registry/subresources';
import type { TokenRequester } from './registry/token-request';
import type { ResourceRequest } from './request-info';
import { sendJson, wantsTable } from './respond';
import { type CacheEntry, cacheKey, type WatchCache } from './storage/watch-cache';
import { httpSink, serveWatch, watchTimeoutSeconds, wsSink } from './watch-http';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  now: Date;
  includeObject?: IncludeObject;
  noHeaders?: boolean;
  resourceVersion?: string;
  continue?: string;
}

/** exec/attach/portforward/log: handled by the kubelet proxy once it exists. */
export type KubeletProxy = (
  info: ResourceRequest,
  pod: KubeObject,
  req: IncomingMessage,
  res: ServerResponse | undefined,
  upgrade?: { socket: Duplex; head: Buffer },
) => Promise<void>;

export interface HandlerDeps {
  rest: RestStorage;
  caches: Map<ResourceInfo, WatchCache>;
  components: ComponentProbe[];
  toTable: (r: ResourceInfo, objs: KubeObject[], opts: TableOptions) => unknown;
  kubeletProxy?: KubeletProxy;
  /** serviceaccounts/token; unset without --service-account-signing-key-file (then 404, as upstream). */
  tokens?: TokenRequester;
  /** metrics.k8s.io: the collector's series and the objects they describe (metrics/). */
  metrics?: MetricsSources;
  protobuf?: ProtobufCodec;
  maxBodyBytes: number;
  bookmarkIntervalMs?: number;
  /** --min-request-timeout: a watch without timeoutSeconds runs this long to twice this long. */
  minRequestTimeoutSeconds?: number;
  log: Logger;
}

const KUBELET_SUBRESOURCES = new Set(['log', 'exec', 'attach', 'portforward']);

export class ResourceHandlers {
  constructor(private readonly d: HandlerDeps) {}

  /** `user` is who the auth gate let in; only subresources that act on the caller's behalf read it. */
  async serve(
    info: ResourceRequest,
    req: IncomingMessage,
    res: ServerResponse,
    user: UserInfo,
  ): Promise<void> {
    const { resource: r } = info;
    if (r === R.componentstatuses) return this.componentStatuses(info, req, res);
    if (r.computed) return this.computed(info, req, res);
    if (info.subresource) return this.subresource(info, req, res, user);
    const view = versionView(r, info.version);
    switch (info.verb) {
      case 'get':
        return this.answer(info, req, res, 200, await this.d.rest.get(r, info.namespace, info.name ?? ''));
      case 'list':
        return this.list(info, req, res);
      case 'watch':
        return this.watch(info, req, res);
      case 'create': {
        if (info.name) throw methodNotAllowed(`POST is not supported on a named ${r.singular}`);
        if (r.namespaced && !info.namespace)
          throw methodNotAllowed(
            `POST is not supported on ${r.resource} across all namespaces: use /namespaces/<namespace>/${r.resource}`,
          );
        const obj = await this.objectBody(info, req);
        const created = await this.d.rest.create(r, info.namespace, obj, { dryRun: dryRun(info) });
        return sendJson(res, 201, view.toServed(created));
      }
      case 'update': {
        const obj = await this.objectBody(info, req);
        const name = info.name ?? '';
        const updated = await this.d.rest.update(r, info.namespace, name, obj, '', { dryRun: dryRun(info) });
        return sendJson(res, 200, view.toServed(updated));
      }
      case 'patch':
        return sendJson(res, 200, view.toServed(await this.patch(info, req, '')));
      case 'delete': {
        const opts = await this.deleteOptions(info, req);
        const out = await this.d.rest.delete(r, info.namespace, info.name ?? '', opts, {
          dryRun: dryRun(info),
        });
        return sendJson(res, 200, view.toServed(deleteAnswer(r, out)));
      }
      case 'deletecollection':
        return this.deleteCollection(info, req, res);
    }
  }

  /** WebSocket watches, and the kubelet's streaming subresources. */
  async upgrade(
    info: ResourceRequest,
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    wss: WebSocketServer,
  ): Promise<void> {
    try {
      if (info.subresource && KUBELET_SUBRESOURCES.has(info.subresource)) {
        const pod = await this.d.rest.get(R.pods, info.namespace, info.name ?? '');
        if (!this.d.kubeletProxy) throw serviceUnavailable('the kubelet proxy is not available');
        return await this.d.kubeletProxy(info, pod, req, undefined, { socket, head });
      }
      if (info.verb !== 'watch' && info.verb !== 'list')
        throw badRequest(`${info.verb} cannot be upgraded to a stream`);
      if (info.verb === 'list') info.query.set('watch', 'true');
      wss.handleUpgrade(req, socket, head, (ws) => this.startWatch(info, req, wsSink(ws)));
    } catch (err) {
      // Not upgraded: answer with a plain HTTP Status, as the request handler would.
      const se = toStatusError(err);
      const body = encodeStatus(se);
      socket.end(
        `HTTP/1.1 ${se.code} ${STATUS_CODES[se.code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
  }

  private async answer(
    info: ResourceRequest,
    req: IncomingMessage,
    res: ServerResponse,
    code: number,
    obj: KubeObject,
  ): Promise<void> {
    if (wantsTable(req.headers.accept)) {
      return sendJson(
        res,
        code,
        this.d.toTable(info.resource, [obj], { now: new Date(), includeObject: includeObject(info) }),
      );
    }
    sendJson(res, code, versionView(info.resource, info.version).toServed(obj));
  }

  private async list(info: ResourceRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { resource: r, query } = info;
    const match = predicateFor(r, selectionFromQuery(r, query, info.namespace));
    const stored = await this.listing(r, info.namespace);
    const rv = String(stored.revision);
    const limit = Number(query.get('limit') ?? 0) || 0;
    const page = paginate(stored.entries, match, limit, query.get('continue'), rv);
    if (wantsTable(req.headers.accept)) {
      const table = this.d.toTable(
        r,
        page.entries.map((e) => e.obj),
        {
          now: new Date(),
          includeObject: includeObject(info),
          resourceVersion: rv,
          continue: page.continueToken,
        },
      );
      return sendJson(res, 200, table);
    }
    const view = versionView(r, info.version);
    if (view.stored) return sendJson(res, 200, renderList(r, groupVersion(r), page, rv));
    const metadata = page.continueToken
      ? { resourceVersion: rv, continue: page.continueToken, remainingItemCount: page.remainingItemCount }
      : { resourceVersion: rv };
    const items = page.entries.map((e) => view.toServed(e.obj));
    sendJson(res, 200, { kind: `${r.kind}List`, apiVersion: view.apiVersion, metadata, items });
  }

  private watch(info: ResourceRequest, req: IncomingMessage, res: ServerResponse): void {
    this.startWatch(info, req, httpSink(req, res));
  }

  private startWatch(info: ResourceRequest, req: IncomingMessage, sink: ReturnType<typeof httpSink>): void {
    const { resource: r, query } = info;
    const selection = selectionFromQuery(r, query, info.namespace);
    if (info.name) selection.fields.push({ field: 'metadata.name', operator: 'Equals', value: info.name });
    const table = wantsTable(req.headers.accept);
    const view = versionView(r, info.version);
    const timeout = query.get('timeoutSeconds');
    serveWatch(sink, {
      r,
      cache: this.d.caches.get(r),
      store: this.d.rest.store,
      match: predicateFor(r, selection),
      resourceVersion: query.get('resourceVersion') ?? undefined,
      allowBookmarks: queryBool(query, 'allowWatchBookmarks'),
      bookmarkIntervalMs: this.d.bookmarkIntervalMs ?? 60_000,
      timeoutSeconds: watchTimeoutSeconds(
        timeout ? Number(timeout) : undefined,
        this.d.minRequestTimeoutSeconds ?? 1800,
      ),
      render: table
        ? (obj, first) =>
            this.d.toTable(r, [obj], {
              now: new Date(),
              noHeaders: !first,
              includeObject: includeObject(info),
            })
        : view.stored
          ? undefined
          : (obj) => view.toServed(obj),
      log: this.d.log,
    });
  }

  private async subresource(
    info: ResourceRequest,
    req: IncomingMessage,
    res: ServerResponse,
    user: UserInfo,
  ): Promise<void> {
    const { resource: r, namespace: ns, subresource: sub, verb } = info;
    const name = info.name ?? '';
    if (!r.subresources?.includes(sub ?? '')) throw notFound(qualified(r), `${name}/${sub}`);
    if (sub && KUBELET_SUBRESOURCES.has(sub)) {
      const pod = await this.d.rest.get(R.pods, ns, name);
      if (!this.d.kubeletProxy) throw serviceUnavailable('the kubelet proxy is not available');
      return this.d.kubeletProxy(info, pod, req, res);
    }
    if (sub === 'status') {
      const view = versionView(r, info.version);
      if (verb === 'get') return this.answer(info, req, res, 200, await this.d.rest.get(r, ns, name));
      if (verb === 'update') {
        const body = await this.objectBody(info, req);
        return sendJson(res, 200, view.toServed(await this.d.rest.update(r, ns, name, body, 'status')));
      }
      if (verb === 'patch') return sendJson(res, 200, view.toServed(await this.patch(info, req, 'status')));
    }
    if (sub === 'scale') {
      if (verb === 'get') return sendJson(res, 200, await getScale(this.d.rest, r, ns, name));
      if (verb === 'update') {
        const body = decodeObject(
          req.headers['content-type'],
          await readBody(req, this.d.maxBodyBytes),
          this.d.protobuf,
        );
        return sendJson(res, 200, await updateScale(this.d.rest, r, ns, name, () => body));
      }
      if (verb === 'patch') {
        const text = (await readBody(req, this.d.maxBodyBytes)).toString('utf8');
        const type = req.headers['content-type'] ?? 'application/merge-patch+json';
        return sendJson(
          res,
          200,
          await updateScale(this.d.rest, r, ns, name, (scale) =>
            this.d.rest.hooks.applyPatch(type, scale, text, r),
          ),
        );
      }
    }
    if (verb === 'create' && sub === 'binding')
      return sendJson(res, 201, await bindPod(this.d.rest, ns ?? '', name, await this.rawObject(req)));
    if (verb === 'create' && sub === 'eviction')
      return sendJson(res, 201, await evictPod(this.d.rest, ns ?? '', name, await this.rawObject(req)));
    if (verb === 'create' && sub === 'token') {
      if (!this.d.tokens) throw pathNotFound();
      return sendJson(res, 201, await this.d.tokens(ns ?? '', name, await this.rawObject(req), user));
    }
    if (verb === 'update' && sub === 'finalize')
      return sendJson(res, 200, await finalizeNamespace(this.d.rest, name, await this.objectBody(info, req)));
    throw methodNotAllowed(`${req.method} is not supported on ${r.resource}/${sub}`);
  }

  private async componentStatuses(
    info: ResourceRequest,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const r = info.resource;
    if (info.verb === 'get')
      return this.answer(info, req, res, 200, await getComponentStatus(this.d.components, info.name ?? ''));
    if (info.verb !== 'list') throw methodNotAllowed(`${info.verb} is not supported on componentstatuses`);
    const items = await listComponentStatuses(this.d.components);
    if (wantsTable(req.headers.accept))
      return sendJson(
        res,
        200,
        this.d.toTable(r, items, { now: new Date(), includeObject: includeObject(info) }),
      );
    sendJson(res, 200, { kind: 'ComponentStatusList', apiVersion: 'v1', metadata: {}, items });
  }

  /** metrics.k8s.io: computed from what the collector holds, get and list only. */
  private computed(info: ResourceRequest, req: IncomingMessage, res: ServerResponse): void {
    const { resource: r, namespace: ns } = info;
    const src = this.d.metrics;
    if (!src) throw serviceUnavailable('the resource metrics API is not available');
    if (info.verb === 'get')
      return void this.answer(info, req, res, 200, getMetrics(r, ns, info.name ?? '', src));
    if (info.verb !== 'list')
      throw methodNotAllowed(`${info.verb} is not supported on ${r.resource}.${r.group}`);
    const described = describedResource(r);
    const items = listMetrics(
      r,
      ns,
      predicateFor(described, selectionFromQuery(described, info.query, ns)),
      src,
    );
    const body = wantsTable(req.headers.accept)
      ? this.d.toTable(r, items, { now: new Date(), includeObject: includeObject(info) })
      : { kind: `${r.kind}List`, apiVersion: groupVersion(r), metadata: {}, items };
    sendJson(res, 200, body);
  }

  private async patch(info: ResourceRequest, req: IncomingMessage, sub: string): Promise<KubeObject> {
    const type = mediaType(req.headers['content-type']);
    const text = (await readBody(req, this.d.maxBodyBytes)).toString('utf8');
    const view = versionView(info.resource, info.version);
    return this.d.rest.patch(info.resource, info.namespace, info.name ?? '', type, text, sub, {
      dryRun: dryRun(info),
      ...(view.stored ? {} : { view }),
    });
  }

  private async deleteCollection(
    info: ResourceRequest,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const { resource: r } = info;
    const opts = await this.deleteOptions(info, req);
    const match = predicateFor(r, selectionFromQuery(r, info.query, info.namespace));
    const stored = await this.listing(r, info.namespace);
    const targets = stored.entries.filter((e) => match(e.obj));
    const items: KubeObject[] = [];
    for (const t of targets) {
      items.push(
        await this.d.rest
          .delete(r, t.obj.metadata?.namespace, t.obj.metadata?.name ?? '', opts, { dryRun: dryRun(info) })
          .catch(() => t.obj),
      );
    }
    const view = versionView(r, info.version);
    sendJson(res, 200, {
      kind: `${r.kind}List`,
      apiVersion: view.apiVersion,
      metadata: { resourceVersion: String(stored.revision) },
      items: items.map((o) => view.toServed(o)),
    });
  }

  private async deleteOptions(info: ResourceRequest, req: IncomingMessage): Promise<DeleteOptions> {
    const body = await readBody(req, this.d.maxBodyBytes);
    const opts: DeleteOptions = body.length
      ? (decodeObject(req.headers['content-type'], body, this.d.protobuf) as DeleteOptions)
      : {};
    const q = info.query;
    const grace = q.get('gracePeriodSeconds');
    return {
      ...opts,
      ...(grace !== null ? { gracePeriodSeconds: Number(grace) } : {}),
      ...(q.get('propagationPolicy') ? { propagationPolicy: q.get('propagationPolicy') ?? undefined } : {}),
      ...(q.has('orphanDependents') ? { orphanDependents: queryBool(q, 'orphanDependents') } : {}),
    };
  }

  /**
   * A POST/PUT body, which must be this URL's kind and version (status and finalize bodies are
   * the parent's kind), converted to the stored version.
   */
  private async objectBody(info: ResourceRequest, req: IncomingMessage): Promise<KubeObject> {
    const obj = await this.rawObject(req);
    const r = info.resource;
    const view = versionView(r, info.version);
    const gv = view.apiVersion;
    if (obj.kind && obj.kind !== r.kind) {
      throw badRequest(
        `the kind of the object in the request body (${obj.kind}) does not match the expected kind (${r.kind}) for ${gv} ${r.resource}`,
      );
    }
    if (obj.apiVersion && obj.apiVersion !== gv) {
      throw badRequest(
        `the API version in the data (${obj.apiVersion}) does not match the expected API version (${gv})`,
      );
    }
    const ns = obj.metadata?.namespace;
    if (r.namespaced && ns && info.namespace && ns !== info.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    return view.toStored({ ...obj, apiVersion: gv, kind: r.kind });
  }

  private async rawObject(req: IncomingMessage): Promise<KubeObject> {
    return decodeObject(
      req.headers['content-type'],
      await readBody(req, this.d.maxBodyBytes),
      this.d.protobuf,
    );
  }

  /** A list's objects in key order: from the watch cache, or from etcd for an uncached resource (events). */
  private async listing(
    r: ResourceInfo,
    namespace?: string,
  ): Promise<{ entries: CacheEntry[]; revision: number }> {
    const cache = this.d.caches.get(r);
    if (cache) return { entries: cache.snapshot(namespace), revision: cache.revision };
    const list = await this.d.rest.store.list(storagePrefix(r, namespace));
    return {
      entries: list.items.map((s) => ({ key: cacheKey(s.obj), obj: s.obj })),
      revision: list.revision,
    };
  }
}

function dryRun(info: ResourceRequest): boolean {
  return info.query.getAll('dryRun').includes('All');
}

function includeObject(info: ResourceRequest): IncludeObject | undefined {
  const v = info.query.get('includeObject');
  return v === 'None' || v === 'Metadata' || v === 'Object' ? v : undefined;
}
