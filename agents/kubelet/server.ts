// The kubelet's HTTP server on --port (upstream: pkg/kubelet/server/server.go). The apiserver
// proxies `kubectl logs/exec/attach/port-forward` here (agents/apiserver/kubelet-proxy.ts):
//
//   GET  /healthz, /metrics, /stats/summary, /metrics/resource (stats/stats.ts)
//   GET  /containerLogs/<ns>/<pod>/<container>?follow&tailLines&sinceSeconds|sinceTime&timestamps&previous&limitBytes
//   GET|POST /exec/<ns>/<pod>/<container>?command=…&stdin&stdout&stderr&tty    SPDY/3.1 or WebSocket
//   GET|POST /attach/<ns>/<pod>/<container>?stdin&stdout&stderr&tty            SPDY/3.1 or WebSocket
//   GET|POST /portForward/<ns>/<pod>                                          SPDY/3.1 or SPDY-in-WebSocket
//
// HTTPS when given a certificate (--tls-cert-file); every request and upgrade first passes
// auth.ts (client certificate or anonymous, then AlwaysAllow or a SubjectAccessReview).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Pod } from 'kubernetes-types/core/v1';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { badRequest, notFound, type StatusError, toStatusError } from '../api/errors';
import type { Logger } from '../api/log';
import { METRICS_CONTENT_TYPE, type Registry } from '../api/metrics';
import { type AuthOptions, checkRequest, type Refusal } from './auth';
import type { ContainerRuntime } from './runtime/types';
import { SpdySession } from './spdy/session';
import { STATS_PATHS, serveStats } from './stats/stats';
import type { StatsSnapshot } from './stats/types';
import { parseLogQuery, serveLogs } from './streaming/logs';
import { PORTFORWARD_PROTOCOL, PORTFORWARD_TUNNEL_PROTOCOL, servePortForward } from './streaming/portforward';
import { parseRemoteCommand } from './streaming/remotecommand';
import {
  negotiate,
  SPDY_REMOTECOMMAND_PROTOCOLS,
  serveSpdyRemoteCommand,
  writeSpdyUpgrade,
} from './streaming/spdy-exec';
import {
  attachableContainer,
  findPod,
  podIP,
  runningContainer,
  type StreamTargetSource,
} from './streaming/target';
import { serveWebSocketRemoteCommand, WS_REMOTECOMMAND_PROTOCOLS } from './streaming/websocket-exec';
import {
  parseForwardPorts,
  serveWebSocketPortForward,
  WS_PORTFORWARD_PROTOCOLS,
} from './streaming/websocket-portforward';

export interface KubeletServerOptions {
  port: number;
  address: string;
  runtime: ContainerRuntime;
  pods(): Pod[];
  hostIP?: string;
  registry: Registry;
  log: Logger;
  /** PEM: serve HTTPS; with `ca`, ask clients for a certificate signed by it (--client-ca-file). */
  tls?: { cert: string; key: string; ca?: string };
  /** Who may ask what (auth.ts); everyone, anonymously, when absent. */
  auth?: AuthOptions;
  /** The resource usage sampler's last round (/stats/summary, /metrics/resource). */
  stats?: () => StatsSnapshot;
}

export interface KubeletServer {
  port: number;
  close(): Promise<void>;
}

/** `/exec/ns/pod/container` → its parts; undefined for any other path. */
export function parseStreamPath(pathname: string):
  | {
      kind: 'containerLogs' | 'exec' | 'attach' | 'portForward';
      namespace: string;
      pod: string;
      container?: string;
    }
  | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [kind, namespace, pod, container] = parts;
  if (kind === 'portForward' && parts.length === 3) return { kind, namespace, pod };
  // Without a container name the pod's first container is meant (kubectl always names one).
  if (
    (kind === 'containerLogs' || kind === 'exec' || kind === 'attach') &&
    (parts.length === 3 || parts.length === 4)
  )
    return { kind, namespace, pod, container };
  return undefined;
}

const TUNNEL_PLACEHOLDER = 'nodekube-spdy-tunnel';

export function startKubeletServer(o: KubeletServerOptions): Promise<KubeletServer> {
  const src: StreamTargetSource = { runtime: o.runtime, pods: o.pods };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    admit(o, req)
      .then((refused) =>
        refused ? sendText(res, refused.code, refused.text) : handleRequest(o, src, req, res),
      )
      .catch((err) => sendStatus(res, toStatusError(err)));
  };
  // Certificates are verified by us, after the handshake: a bad one earns 401, not a reset.
  const server: Server = o.tls
    ? createTlsServer({ ...o.tls, requestCert: !!o.tls.ca, rejectUnauthorized: false }, onRequest)
    : createServer(onRequest);
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered, req) => {
      // ws only accepts token characters, so the tunnel's name was swapped before the handshake.
      if (offered.has(TUNNEL_PLACEHOLDER)) return PORTFORWARD_TUNNEL_PROTOCOL;
      const forwarding =
        parseStreamPath(new URL(req.url ?? '/', 'http://kubelet').pathname)?.kind === 'portForward';
      const ours = forwarding ? WS_PORTFORWARD_PROTOCOLS : WS_REMOTECOMMAND_PROTOCOLS;
      return ours.find((p) => offered.has(p)) ?? false;
    },
  });
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    admit(o, req)
      .then((refused) =>
        refused ? refuseUpgrade(socket, refused) : handleUpgrade(o, src, wss, req, socket, head),
      )
      .catch((err) => rejectUpgrade(socket, toStatusError(err)));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.address, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => closeServer(server, wss, upgraded),
      });
    });
  });
}

async function handleRequest(
  o: KubeletServerOptions,
  src: StreamTargetSource,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://kubelet');
  if (url.pathname === '/healthz') return sendText(res, 200, 'ok');
  if (url.pathname === '/metrics') return sendText(res, 200, o.registry.render(), METRICS_CONTENT_TYPE);
  if (o.stats && STATS_PATHS.has(url.pathname))
    return serveStats(url.pathname, { snapshot: o.stats, pods: o.pods }, res);
  if (url.pathname === '/pods')
    return sendJson(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: o.pods() });
  const route = parseStreamPath(url.pathname);
  if (!route) throw notFound({ group: '', resource: 'paths' }, url.pathname);
  if (route.kind !== 'containerLogs')
    throw badRequest(`${route.kind} needs a connection upgrade (SPDY/3.1 or websocket)`);
  const q = parseLogQuery(url.searchParams);
  q.container = route.container;
  await serveLogs(src, route.namespace, route.pod, q, res);
}

async function handleUpgrade(
  o: KubeletServerOptions,
  src: StreamTargetSource,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://kubelet');
  const route = parseStreamPath(url.pathname);
  if (!route || route.kind === 'containerLogs')
    throw notFound({ group: '', resource: 'paths' }, url.pathname);
  const pod = findPod(src, route.namespace, route.pod);
  const websocket = (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
  const podLabel = `${pod.metadata?.name}_${pod.metadata?.namespace}`;

  if (route.kind === 'portForward') {
    const ip = () => podIP(src, pod, o.hostIP ?? '127.0.0.1');
    const forwarding = (transport: string) => o.log.info('port-forward to pod', { pod: podLabel, transport });
    if (websocket) {
      const offered = String(req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((s) => s.trim());
      if (offered.includes(PORTFORWARD_TUNNEL_PROTOCOL)) {
        forwarding('websocket-tunnel');
        req.headers['sec-websocket-protocol'] = TUNNEL_PLACEHOLDER;
        wss.handleUpgrade(req, socket, head, (ws) =>
          servePortForward(new SpdySession(createWebSocketStream(ws)), ip, podLabel),
        );
        return;
      }
      if (!WS_PORTFORWARD_PROTOCOLS.some((p) => offered.includes(p)))
        throw badRequest(
          `port-forward over websocket needs subprotocol ${[PORTFORWARD_TUNNEL_PROTOCOL, ...WS_PORTFORWARD_PROTOCOLS].join(' or ')}`,
        );
      const ports = parseForwardPorts(url.searchParams);
      if ('error' in ports) throw badRequest(ports.error);
      forwarding('websocket-channels');
      wss.handleUpgrade(req, socket, head, (ws) => serveWebSocketPortForward(ws, ports, ip, podLabel));
      return;
    }
    if (!negotiate(req.headers['x-stream-protocol-version'], [PORTFORWARD_PROTOCOL]))
      throw badRequest(`port-forward needs X-Stream-Protocol-Version: ${PORTFORWARD_PROTOCOL}`);
    forwarding('spdy');
    writeSpdyUpgrade(socket, PORTFORWARD_PROTOCOL);
    if (head.length) socket.unshift(head);
    servePortForward(new SpdySession(socket), ip, podLabel);
    return;
  }

  const opts = parseRemoteCommand(url.searchParams, route.kind === 'exec');
  opts.container = route.container;
  const container =
    route.kind === 'exec'
      ? await runningContainer(src, pod, opts.container)
      : await attachableContainer(src, pod, opts.container);
  const stdio = { stdin: opts.stdin, stdout: opts.stdout, stderr: opts.stderr, tty: opts.tty };
  const open = () =>
    route.kind === 'exec'
      ? o.runtime.exec(container.id, opts.command, stdio)
      : o.runtime.attach(container.id, stdio);
  o.log.info(`${route.kind} in container`, {
    pod: podLabel,
    container: container.containerName,
    transport: websocket ? 'websocket' : 'spdy',
  });
  if (websocket) {
    wss.handleUpgrade(req, socket, head, (ws) => void serveWebSocketRemoteCommand(ws, opts, open));
    return;
  }
  const protocol = negotiate(req.headers['x-stream-protocol-version'], SPDY_REMOTECOMMAND_PROTOCOLS);
  if (!protocol)
    throw badRequest(
      `unsupported X-Stream-Protocol-Version; this kubelet speaks ${SPDY_REMOTECOMMAND_PROTOCOLS.join(', ')}`,
    );
  await serveSpdyRemoteCommand(socket, head, protocol, opts, open);
}

const admit = (o: KubeletServerOptions, req: IncomingMessage): Promise<Refusal | undefined> =>
  o.auth ? checkRequest(req, o.auth) : Promise.resolve(undefined);

/** 401/403 with upstream's plain text (auth.ts), on a socket that asked for an upgrade. */
function refuseUpgrade(socket: Duplex, r: Refusal): void {
  const reason = r.code === 401 ? 'Unauthorized' : r.code === 403 ? 'Forbidden' : 'Internal Server Error';
  socket.end(
    `HTTP/1.1 ${r.code} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(r.text)}\r\nConnection: close\r\n\r\n${r.text}`,
  );
}

function rejectUpgrade(socket: Duplex, err: StatusError): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', ...err.status });
  const code = err.status.code ?? 500;
  socket.end(
    `HTTP/1.1 ${code} ${err.status.reason ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function sendStatus(res: ServerResponse, err: StatusError): void {
  if (res.headersSent) return void res.end();
  sendJson(res, err.status.code ?? 500, { kind: 'Status', apiVersion: 'v1', ...err.status });
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, code: number, text: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(code, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function closeServer(server: Server, wss: WebSocketServer, upgraded: Set<Duplex>): Promise<void> {
  for (const ws of wss.clients) ws.terminate();
  for (const s of upgraded) s.destroy();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
