// The REST client every agent shares (client-go's rest.Interface, trimmed to what we use).
// node:http (or node:https, with the CA and client certificate of connection.ts) with one
// keep-alive Agent, JSON bodies, a bearer token when one is configured, a token-bucket rate
// limiter in front of every request, and errors rebuilt as the StatusError the server meant:
// callers write `isNotFound(err)`, never `err.message.includes('not found')`.

import http from 'node:http';
import https from 'node:https';
import type { Status } from 'kubernetes-types/meta/v1';
import { codeForReason, fromStatus, type StatusReason } from '../api/errors';
import { type ResourceInfo, resourcePath } from '../api/resources';
import type { KubeList, KubeObject, WatchEvent } from '../api/types';
import type { Connection } from './connection';
import { createNdjsonSplitter } from './ndjson';
import { createTokenBucket, type RateLimiter } from './rate-limiter';
import type { ApiClient, ListOptions, PatchType, WatchHandle, WatchOptions } from './types';

export interface ClientOptions {
  /** `http://127.0.0.1:8080`, or `https://…:6443` with `tls` (connection.ts loads both from a kubeconfig). */
  baseUrl: string;
  tls?: Connection['tls'];
  /** Sent as `Authorization: Bearer …`, asked for before each request (a token file rotates). */
  bearerToken?: Connection['bearerToken'];
  /** Sent as User-Agent, so apiserver logs say who asked (`nodekube-scheduler/0.1`). */
  userAgent?: string;
  /** Requests per second after the burst is spent; 0 disables the limiter. Default 50. */
  qps?: number;
  /** Default 100. */
  burst?: number;
  /** Per-request timeout for everything but watches. Default 60 s. */
  requestTimeoutMs?: number;
}

const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

/** Codes two reasons share: pick upstream's generic one (NewGenericServerResponse). */
const GENERIC_REASON: Record<number, StatusReason> = { 409: 'Conflict', 410: 'Gone' };

/** The reason upstream gives each HTTP code, for error bodies that are not a Status (a proxy's 502). */
function reasonForCode(code: number): StatusReason {
  if (GENERIC_REASON[code]) return GENERIC_REASON[code];
  const found = (Object.entries(codeForReason) as [StatusReason, number][]).find(([, c]) => c === code);
  if (found) return found[0];
  return code >= 500 ? 'InternalError' : 'BadRequest';
}

/** Rebuild the server's error: its Status when it sent one, else a Status made from the HTTP code. */
export function errorFromResponse(httpCode: number, body: string): Error {
  try {
    const parsed = JSON.parse(body) as Status;
    if (parsed && parsed.kind === 'Status') return fromStatus(parsed, httpCode);
  } catch {
    // not JSON: fall through
  }
  const reason = reasonForCode(httpCode);
  const message = body.trim() ? `${body.trim().slice(0, 300)}` : `the server responded with HTTP ${httpCode}`;
  return fromStatus(
    { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason, message, code: httpCode },
    httpCode,
  );
}

export function buildQuery(opts: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(opts)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

function listQuery(opts: ListOptions): Record<string, string | number | undefined> {
  return {
    labelSelector: opts.labelSelector,
    fieldSelector: opts.fieldSelector,
    limit: opts.limit,
    continue: opts.continue,
    resourceVersion: opts.resourceVersion,
  };
}

interface RequestSpec {
  method: string;
  path: string;
  body?: unknown;
  contentType?: string;
}

export function createClient(opts: ClientOptions): ApiClient {
  const base = new URL(opts.baseUrl);
  // Idle sockets are dropped after 4 s, before Node servers' 5 s keepAliveTimeout closes them
  // under us (the request that reuses a socket the server is closing fails with ECONNRESET).
  const secure = base.protocol === 'https:';
  const sockets = { keepAlive: true, maxSockets: 256, timeout: 4000 };
  const agent = secure
    ? new https.Agent({
        ...sockets,
        ca: opts.tls?.ca,
        cert: opts.tls?.cert,
        key: opts.tls?.key,
        rejectUnauthorized: !opts.tls?.insecureSkipTlsVerify,
      })
    : new http.Agent(sockets);
  const send = secure ? https.request : http.request;
  const limiter: RateLimiter = createTokenBucket({ qps: opts.qps ?? 50, burst: opts.burst ?? 100 });
  const userAgent = opts.userAgent ?? 'nodekube/0.1';
  const timeoutMs = opts.requestTimeoutMs ?? 60_000;

  /**
   * One HTTP exchange. `signal` aborts it only while it is in flight: once the response has been
   * read the request is left alone, so a late abort cannot raise an error nobody listens to.
   */
  async function exchange<T>(
    spec: RequestSpec,
    signal: AbortSignal,
    read: (res: http.IncomingMessage) => Promise<T>,
  ): Promise<T> {
    const payload = spec.body === undefined ? undefined : Buffer.from(JSON.stringify(spec.body));
    const token = await opts.bearerToken?.();
    let req: http.ClientRequest | undefined;
    const onAbort = () => req?.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal.aborted) throw new Error('aborted');
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        req = send(
          {
            agent,
            // WHATWG keeps an IPv6 hostname in brackets; node:http wants it bare.
            host: base.hostname.replace(/^\[(.*)\]$/, '$1'),
            port: base.port || (secure ? 443 : 80),
            method: spec.method,
            path: spec.path,
            headers: {
              Accept: 'application/json',
              'User-Agent': userAgent,
              ...(token ? { Authorization: `Bearer ${token}` } : {}),
              ...(payload
                ? { 'Content-Type': spec.contentType ?? 'application/json', 'Content-Length': payload.length }
                : {}),
            },
          },
          resolve,
        );
        req.on('error', reject);
        req.end(payload);
      });
      res.setEncoding('utf8');
      // Errors also surface through reading; this keeps a destroyed stream's late 'error' handled.
      res.on('error', () => {});
      return await read(res);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async function readAll(res: http.IncomingMessage): Promise<string> {
    let text = '';
    for await (const chunk of res) text += chunk;
    return text;
  }

  /** A kept-alive socket the server closed meanwhile fails at once; a GET is safe to send again. */
  async function request<T>(spec: RequestSpec): Promise<T> {
    try {
      return await requestOnce<T>(spec);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (spec.method !== 'GET' || (code !== 'ECONNRESET' && code !== 'EPIPE')) throw err;
      return await requestOnce<T>(spec);
    }
  }

  async function requestOnce<T>(spec: RequestSpec): Promise<T> {
    await limiter.take();
    // Our own timer (not AbortSignal.timeout): it must not fire into a request that already finished.
    const abort = new AbortController();
    const timer = setTimeout(
      () => abort.abort(new Error(`request timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      return await exchange(spec, abort.signal, async (res) => {
        const text = await readAll(res);
        const code = res.statusCode ?? 500;
        if (code < 200 || code >= 300) throw errorFromResponse(code, text);
        return (text ? JSON.parse(text) : undefined) as T;
      });
    } finally {
      clearTimeout(timer);
    }
  }

  const path = (r: ResourceInfo, namespace?: string, name?: string, subresource?: string) =>
    resourcePath(r, { namespace, name, subresource });

  return {
    baseUrl: opts.baseUrl,
    get: (r, namespace, name, subresource) =>
      request({ method: 'GET', path: path(r, namespace, name, subresource) }),
    list: <T extends KubeObject>(r: ResourceInfo, o: ListOptions = {}) =>
      request<KubeList<T>>({ method: 'GET', path: path(r, o.namespace) + buildQuery(listQuery(o)) }),
    create: (r, obj, o = {}) =>
      request({
        method: 'POST',
        path: path(r, o.namespace ?? obj.metadata?.namespace) + buildQuery({ fieldManager: o.fieldManager }),
        body: obj,
      }),
    update: (r, obj, o = {}) =>
      request({
        method: 'PUT',
        path:
          path(r, obj.metadata?.namespace, obj.metadata?.name, o.subresource) +
          buildQuery({ fieldManager: o.fieldManager }),
        body: obj,
      }),
    patch: (r, namespace, name, type, patch, o = {}) =>
      request({
        method: 'PATCH',
        path: path(r, namespace, name, o.subresource) + buildQuery({ fieldManager: o.fieldManager }),
        body: patch,
        contentType: PATCH_CONTENT_TYPE[type],
      }),
    async delete(r, namespace, name, o) {
      const query = buildQuery({
        gracePeriodSeconds: o?.gracePeriodSeconds,
        propagationPolicy: o?.propagationPolicy,
      });
      const body = o ? { kind: 'DeleteOptions', apiVersion: 'v1', ...o } : undefined;
      await request({ method: 'DELETE', path: path(r, namespace, name) + query, body });
    },
    createSubresource: (r, namespace, name, subresource, body) =>
      request({ method: 'POST', path: path(r, namespace, name, subresource), body }),
    watch: <T extends KubeObject>(r: ResourceInfo, o: WatchOptions, onEvent: (ev: WatchEvent<T>) => void) =>
      startWatch(r, o, onEvent),
  };

  function startWatch<T extends KubeObject>(
    r: ResourceInfo,
    o: WatchOptions,
    onEvent: (ev: WatchEvent<T>) => void,
  ): WatchHandle {
    const abort = new AbortController();
    const forward = () => abort.abort();
    o.signal?.addEventListener('abort', forward, { once: true });
    const query = buildQuery({
      ...listQuery(o),
      watch: 'true',
      allowWatchBookmarks: o.allowWatchBookmarks,
      timeoutSeconds: o.timeoutSeconds,
    });
    const done = (async () => {
      await limiter.take();
      try {
        await exchange({ method: 'GET', path: path(r, o.namespace) + query }, abort.signal, async (res) => {
          const code = res.statusCode ?? 500;
          if (code !== 200) throw errorFromResponse(code, await readAll(res));
          const splitter = createNdjsonSplitter((v) => onEvent(v as WatchEvent<T>));
          for await (const chunk of res) splitter.push(chunk as string);
          splitter.end();
        });
      } catch (err) {
        if (abort.signal.aborted) return;
        throw err;
      }
    })();
    void done.finally(() => o.signal?.removeEventListener('abort', forward)).catch(() => {});
    return { stop: () => abort.abort(), done };
  }
}
