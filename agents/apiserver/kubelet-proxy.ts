// The apiserver's half of `kubectl logs/exec/attach/port-forward`: relay the request to the
// kubelet of the pod's node (upstream: pkg/registry/core/pod/rest/subresources.go and
// pkg/registry/core/pod/strategy.go LogLocation/ExecLocation/PortForwardLocation, proxied by
// apimachinery's UpgradeAwareHandler).
//
// FOR THE APISERVER (how to call this):
//   1. Route GET  /api/v1/namespaces/<ns>/pods/<name>/log                 (plain request)
//            GET|POST …/pods/<name>/exec | attach | portforward            (HTTP upgrade: SPDY/3.1 or websocket)
//   2. Load the pod. Refuse with 400 BadRequest when spec.nodeName is empty ("pod <name> does not
//      have a host assigned"). For exec/attach/portforward kubectl itself refuses finished pods.
//   3. Load Node <spec.nodeName>: nodeAddress = status.addresses[type=InternalIP].address,
//      kubeletPort = status.daemonEndpoints.kubeletEndpoint.Port (10250 when missing).
//   4. Call proxyToKubelet(req, res, null, null, target) from the 'request' handler, or
//      proxyToKubelet(req, null, socket, head, target) from the server's 'upgrade' handler, with
//      target.query = the request's URLSearchParams. This function answers the client itself,
//      errors included; do not write to res/socket afterwards.
//
// The kubelet speaks the streaming protocols (SPDY framing, websocket channels) end to end with
// kubectl; here bytes are only relayed: a plain request is forwarded and its response streamed
// back (following logs stay open), and an upgrade gets its request line and headers rewritten to
// the kubelet's path, then the two sockets are piped together.
//
// With --kubelet-client-certificate/-key (and --kubelet-certificate-authority) the kubelet is
// dialled over TLS: the apiserver presents its kubelet-client certificate (the kubelet
// authorizes that user, see agents/kubelet/auth.ts) and, given the CA, checks the kubelet's
// serving certificate against the address it dialled (the node IP is among its SANs). Without
// those flags: plain HTTP, as before.

import {
  type ClientRequest,
  type IncomingMessage,
  type RequestOptions,
  request,
  type ServerResponse,
} from 'node:http';
import { request as tlsRequest } from 'node:https';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { Node } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../api/types';

export type KubeletSubresource = 'log' | 'exec' | 'attach' | 'portforward';

/** PEM text; `ca` absent means the kubelet's certificate is not verified (upstream's default too). */
export interface KubeletClientTls {
  cert?: string;
  key?: string;
  ca?: string;
}

/** node:tls options for dialling a kubelet: our certificate, and verification only with a CA. */
const tlsOptions = (tls: KubeletClientTls) => ({
  cert: tls.cert,
  key: tls.key,
  ca: tls.ca,
  rejectUnauthorized: !!tls.ca,
});

export interface KubeletTarget {
  nodeAddress: string;
  kubeletPort: number;
  namespace: string;
  pod: string;
  subresource: KubeletSubresource;
  query: URLSearchParams;
}

/** The kubelet path for a pod subresource: `/containerLogs/ns/pod/c?…`, `/exec/ns/pod/c?…`, `/portForward/ns/pod`. */
export function kubeletPath(t: Pick<KubeletTarget, 'namespace' | 'pod' | 'subresource' | 'query'>): string {
  const query = new URLSearchParams(t.query);
  const container = query.get('container') ?? '';
  query.delete('container');
  const qs = query.toString();
  const enc = encodeURIComponent;
  const base =
    t.subresource === 'portforward'
      ? `/portForward/${enc(t.namespace)}/${enc(t.pod)}`
      : `/${t.subresource === 'log' ? 'containerLogs' : t.subresource}/${enc(t.namespace)}/${enc(t.pod)}/${enc(container)}`;
  return qs ? `${base}?${qs}` : base;
}

export function proxyToKubelet(
  req: IncomingMessage,
  res: ServerResponse | null,
  socket: Duplex | null,
  head: Buffer | null,
  target: KubeletTarget,
  tls?: KubeletClientTls,
): void {
  const path = kubeletPath(target);
  if (socket) relayUpgrade(req, socket, head ?? Buffer.alloc(0), target, path, tls);
  else if (res) relayRequest(req, res, target, path, tls);
}

/** Where a node's kubelet answers: its InternalIP (else its first address) and its advertised port. */
export function kubeletEndpoint(
  node: KubeObject,
): Pick<KubeletTarget, 'nodeAddress' | 'kubeletPort'> | undefined {
  const status = (node as Node).status;
  const addresses = status?.addresses;
  const address = addresses?.find((a) => a.type === 'InternalIP')?.address ?? addresses?.[0]?.address;
  if (!address) return undefined;
  return { nodeAddress: address, kubeletPort: status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 10250 };
}

/**
 * One request to a kubelet: the dial every apiserver → kubelet call shares (this proxy and the
 * metrics collector, apiserver/metrics/collector.ts) — HTTPS with our client certificate when
 * --kubelet-client-certificate is set, plain HTTP otherwise.
 */
export function kubeletRequest(
  t: Pick<KubeletTarget, 'nodeAddress' | 'kubeletPort'>,
  opts: Pick<RequestOptions, 'method' | 'path' | 'headers' | 'timeout'>,
  onResponse: (res: IncomingMessage) => void,
  tls?: KubeletClientTls,
): ClientRequest {
  const target = { host: t.nodeAddress, port: t.kubeletPort, ...opts };
  return tls ? tlsRequest({ ...tlsOptions(tls), ...target }, onResponse) : request(target, onResponse);
}

function relayRequest(
  req: IncomingMessage,
  res: ServerResponse,
  t: KubeletTarget,
  path: string,
  tls: KubeletClientTls | undefined,
): void {
  const upstream = kubeletRequest(
    t,
    { method: req.method, path, headers: { accept: req.headers.accept ?? '*/*' } },
    (up) => {
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(up.headers))
        if (v !== undefined && k !== 'connection' && k !== 'transfer-encoding') headers[k] = v;
      res.writeHead(up.statusCode ?? 502, headers);
      res.flushHeaders(); // a following log may stay silent for a while: let kubectl see the 200 now
      up.pipe(res);
    },
    tls,
  );
  upstream.on('error', (err) => sendFailure(res, t, err));
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

function relayUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  t: KubeletTarget,
  path: string,
  tls: KubeletClientTls | undefined,
): void {
  const address = { host: t.nodeAddress, port: t.kubeletPort };
  const kubelet = tls ? tlsConnect({ ...address, ...tlsOptions(tls) }) : connect(address);
  socket.on('error', () => kubelet.destroy());
  kubelet.on('error', (err) => {
    if (!socket.writableEnded) socket.end(failureResponse(t, err));
  });
  kubelet.once(tls ? 'secureConnect' : 'connect', () => {
    kubelet.write(upgradeRequestHead(req, t, path));
    if (head.length) kubelet.write(head);
    kubelet.pipe(socket);
    socket.pipe(kubelet);
  });
  socket.once('close', () => kubelet.destroy());
  kubelet.once('close', () => socket.destroy());
}

/**
 * The client's request line and headers, pointed at the kubelet's path and host. The client's
 * Authorization stays here (upstream drops it once authenticated): the kubelet trusts the
 * apiserver's own certificate, and a user's token is not the kubelet's to see.
 */
export function upgradeRequestHead(
  req: IncomingMessage,
  t: Pick<KubeletTarget, 'nodeAddress' | 'kubeletPort'>,
  path: string,
): string {
  const lines = [`${req.method ?? 'GET'} ${path} HTTP/1.1`, `Host: ${t.nodeAddress}:${t.kubeletPort}`];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (name === 'host' || name === 'authorization') continue;
    lines.push(`${raw[i]}: ${raw[i + 1]}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function failureStatus(t: KubeletTarget, err: Error): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `error dialing backend: dial tcp ${t.nodeAddress}:${t.kubeletPort}: ${err.message}`,
    reason: 'InternalError',
    code: 500,
  });
}

function failureResponse(t: KubeletTarget, err: Error): string {
  const body = failureStatus(t, err);
  return `HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

function sendFailure(res: ServerResponse, t: KubeletTarget, err: Error): void {
  if (res.headersSent) return void res.destroy();
  const body = failureStatus(t, err);
  res.writeHead(500, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
