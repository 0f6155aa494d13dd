// The HTTP front door: node:http, one handler, no framework (research-deps.md: Kubernetes routing
// is generic and watches need raw writes). A request is parsed into a RequestInfo, then served
// by discovery, the health/metrics endpoints, or handlers.ts for resources. WebSocket upgrades
// (watches; exec/attach/portforward go to the kubelet proxy) share the same routing.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';
import { badRequest, methodNotAllowed, pathNotFound, tooManyRequests, toStatusError } from '../api/errors';
import { type HealthCheck, probeResponse, runChecks } from '../api/health-server';
import type { Logger } from '../api/log';
import { METRICS_CONTENT_TYPE, type Registry } from '../api/metrics';
import { versionInfo } from '../api/version';
import { dashboardHtml } from '../dashboard/page';
import { type Security, serveReview, UNSECURED_USER } from './auth/index';
import type { ProtobufCodec } from './body';
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery';
import { isLongRunning } from './filters/long-running';
import { inflightClass, type MaxInflight } from './filters/max-inflight';
import { armRequestTimeout } from './filters/timeout';
import type { ResourceHandlers } from './handlers';
import { parseRequest, type RequestInfo } from './request-info';
import { sendError, sendJson, sendText } from './respond';

export interface ServerDeps {
  handlers: ResourceHandlers;
  metrics: Registry;
  log: Logger;
  /** Checks behind /healthz, /livez and /readyz (etcd reachable, caches synced). */
  checks: Record<string, HealthCheck>;
  /** host:port that discovery advertises. */
  advertiseAddress: () => string;
  /**
   * Set for the secure port: TLS material and the authn/authz gate (auth/filter.ts). Without it
   * the server is plain HTTP and every request is `system:unsecured` (issue 9).
   */
  security?: Pick<Security, 'tls' | 'gate' | 'reviews'>;
  maxBodyBytes?: number;
  protobuf?: ProtobufCodec;
  /** --max-requests-inflight / --max-mutating-requests-inflight, shared by both ports. */
  inflight?: MaxInflight;
  /** --request-timeout: a non-long-running request is answered 504 after this long (0: never). */
  requestTimeoutMs?: number;
  /** Pass one requestMetrics() to every server sharing a Registry (secure and insecure ports). */
  instruments?: ReturnType<typeof requestMetrics>;
}

/** Request counters and latencies; made once per Registry and shared by the ports that serve. */
export function requestMetrics(metrics: Registry) {
  const requests = metrics.counter('apiserver_request_total', 'Requests by verb, resource and HTTP code.', [
    'verb',
    'resource',
    'code',
  ]);
  const durations = metrics.histogram(
    'apiserver_request_duration_seconds',
    'Request latency by verb and resource (watches: until the stream opens).',
    undefined,
    ['verb', 'resource'],
  );
  return { requests, durations };
}

export function createApiServer(deps: ServerDeps): Server {
  const { requests, durations } = deps.instruments ?? requestMetrics(deps.metrics);
  const wss = new WebSocketServer({ noServer: true });

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    const info = safeParse(req);
    const verb = info?.kind === 'resource' ? info.verb.toUpperCase() : (req.method ?? 'GET');
    const resource =
      info?.kind === 'resource'
        ? info.resource.resource + (info.subresource ? `/${info.subresource}` : '')
        : '';
    res.once('finish', () => requests.inc({ verb, resource, code: res.statusCode }));
    const done = () => durations.observe({ verb, resource }, Number(process.hrtime.bigint() - started) / 1e9);
    if (deps.inflight) {
      const release = deps.inflight.admit(inflightClass(info, req.method ?? 'GET'));
      if (!release) {
        res.setHeader('Retry-After', '1');
        sendError(res, tooManyRequests('Too many requests, please try again later.', 1));
        return done();
      }
      res.once('close', release);
    }
    if (deps.requestTimeoutMs && !isLongRunning(info)) armRequestTimeout(req, res, deps.requestTimeoutMs);
    route(req, res, info)
      .catch((err) => {
        const se = toStatusError(err);
        if (se.code >= 500)
          deps.log.error('request failed', { method: req.method, url: req.url, error: se.message });
        sendError(res, se);
      })
      .finally(done);
  };
  const tls = deps.security?.tls;
  // requestCert without rejectUnauthorized: clients without a certificate (tokens, anonymous)
  // still connect. A certificate no chain leads from to our CA is refused at the handshake
  // (Go's VerifyClientCertIfGiven); one of ours that is expired or has the wrong usage reaches
  // the authenticator and gets a 401 with its reason logged, which a TLS alert could not carry.
  const server: Server = tls
    ? createHttpsServer({ ...tls, requestCert: !!tls.ca, rejectUnauthorized: false }, listener)
    : createServer(listener);
  if (tls?.ca)
    server.on('secureConnection', (socket: TLSSocket) => {
      if (refuseAtHandshake(socket)) socket.destroy();
    });

  // Keep idle connections longer than clients do (Go's 90 s, undici's 4 s): a server closing a
  // kept-alive socket as a client reuses it shows up there as ECONNRESET / "socket hang up".
  server.keepAliveTimeout = 90_000;
  server.headersTimeout = 95_000;
  // Node's own limit would answer a bare 408; --request-timeout (filters/timeout.ts) bounds slow
  // requests with a Status instead, and leaves watches to their timeoutSeconds.
  server.requestTimeout = 0;

  server.on('upgrade', async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const info = safeParse(req);
    if (info?.kind !== 'resource') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    try {
      await deps.security?.gate?.(req, info);
    } catch (err) {
      const se = toStatusError(err);
      socket.end(
        `HTTP/1.1 ${se.code} ${se.reason}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(se.status)}`,
      );
      return;
    }
    deps.handlers.upgrade(info, req, socket, head, wss).catch((err) => {
      deps.log.warn('upgrade failed', { url: req.url, error: String(err) });
      socket.destroy();
    });
  });

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    info: RequestInfo | undefined,
  ): Promise<void> {
    const user = deps.security?.gate ? await deps.security.gate(req, info) : UNSECURED_USER;
    if (!info) throw badRequest('malformed URL');
    if (info.kind === 'resource' && info.resource.createOnly && deps.security?.reviews) {
      if (info.verb !== 'create')
        throw methodNotAllowed(`${req.method} is not supported on ${info.resource.resource}`);
      return serveReview(
        info,
        req,
        res,
        user,
        deps.security.reviews,
        deps.maxBodyBytes ?? 3 * 1024 * 1024,
        deps.protobuf,
      );
    }
    if (info.kind === 'resource') return deps.handlers.serve(info, req, res, user);
    if (info.kind === 'unknown') throw pathNotFound();
    if (req.method !== 'GET' && req.method !== 'HEAD')
      throw methodNotAllowed(`${req.method} is not supported on ${info.path}`);
    return nonResource(info.path, info.query, res);
  }

  async function nonResource(path: string, query: URLSearchParams, res: ServerResponse): Promise<void> {
    const segs = path.split('/').slice(1);
    switch (path) {
      case '/version':
        return sendJson(res, 200, versionInfo());
      case '/api':
        return sendJson(res, 200, apiVersions(deps.advertiseAddress()));
      case '/apis':
        return sendJson(res, 200, apiGroupList());
      case '/openapi/v2':
        // An empty protobuf Document: kubectl finds no schema and skips client-side validation.
        return sendText(res, 200, '', 'application/octet-stream');
      case '/metrics':
        return sendText(res, 200, deps.metrics.render(), METRICS_CONTENT_TYPE);
      case '/healthz':
      case '/livez':
      case '/readyz': {
        const results = await runChecks(deps.checks, 5000);
        const { status, body } = probeResponse(path.slice(1), results, query.has('verbose'));
        return sendText(res, status, body);
      }
      // The dashboard: a page that reads the normal API with the caller's own identity. Both
      // spellings serve it: kubectl proxy forwards /ui/ as /ui (it cleans the path), so a
      // redirect from one to the other would loop.
      case '/ui':
      case '/ui/':
        return sendText(res, 200, await dashboardHtml(), 'text/html; charset=utf-8');
      case '/':
        return sendJson(res, 200, {
          paths: [
            '/api',
            '/api/v1',
            '/apis',
            '/healthz',
            '/livez',
            '/metrics',
            '/openapi/v2',
            '/readyz',
            '/ui/',
            '/version',
          ],
        });
    }
    if (segs[0] === 'api' && segs.length === 2) {
      const list = apiResourceList('', segs[1]);
      if (list) return sendJson(res, 200, list);
    }
    if (segs[0] === 'apis' && segs.length === 2) {
      const g = apiGroup(segs[1]);
      if (g) return sendJson(res, 200, g);
    }
    if (segs[0] === 'apis' && segs.length === 3) {
      const list = apiResourceList(segs[1], segs[2]);
      if (list) return sendJson(res, 200, list);
    }
    throw pathNotFound();
  }

  return server;
}

function safeParse(req: IncomingMessage): RequestInfo | undefined {
  try {
    return parseRequest(req.method ?? 'GET', req.url ?? '/');
  } catch {
    return undefined;
  }
}

/** OpenSSL's verdicts for a chain that does not lead to our CA (not: expired, not yet valid, usage). */
const FOREIGN_CHAIN = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
]);

/** A client presented a certificate from another CA. */
export function refuseAtHandshake(
  socket: Pick<TLSSocket, 'authorized' | 'authorizationError' | 'getPeerCertificate'>,
): boolean {
  if (socket.authorized) return false;
  const presented = Object.keys(socket.getPeerCertificate() ?? {}).length > 0;
  const code =
    (socket.authorizationError as (Error & { code?: string }) | null)?.code ??
    String(socket.authorizationError ?? '');
  return presented && FOREIGN_CHAIN.has(code);
}
