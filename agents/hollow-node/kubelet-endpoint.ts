// The hollow nodes' kubelet endpoint (issue 13). Every hollow node advertises InternalIP
// 127.0.0.1 and this server's port as status.daemonEndpoints.kubeletEndpoint.Port, so the
// apiserver's kubelet proxy (`kubectl logs/exec/attach/port-forward`) dials loopback and never an
// address nobody owns. There are no containers behind a hollow node: every pod request gets a
// Kubernetes Status, 400 BadRequest "hollow node: no containers", which kubectl prints as
// `Error from server (BadRequest): hollow node: no containers`. Upgrades (exec, attach,
// port-forward over SPDY or websocket) get the same answer instead of a 101.
//
// An endpoint of one node also serves that node's fake resource usage (fake-usage.ts) on
// /stats/summary and /metrics/resource, which the apiserver's metrics collector scrapes.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { badRequest } from '../api/errors';
import { STATS_PATHS, type StatsSource, serveStats } from '../kubelet/stats/stats';

export const HOLLOW_NODE_IP = '127.0.0.1';
export const NO_CONTAINERS = 'hollow node: no containers';

export interface HollowKubeletEndpoint {
  port: number;
  close(): Promise<void>;
}

function statusBody(): string {
  return JSON.stringify(badRequest(NO_CONTAINERS).status);
}

function answer(req: IncomingMessage, res: ServerResponse, stats?: StatsSource): void {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  const path = (req.url ?? '').split('?')[0];
  if (stats && STATS_PATHS.has(path)) serveStats(path, stats, res);
  else res.writeHead(400, { 'content-type': 'application/json' }).end(statusBody());
}

function refuseUpgrade(_req: IncomingMessage, socket: Duplex): void {
  const body = statusBody();
  socket.end(
    [
      'HTTP/1.1 400 Bad Request',
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}

/** Listen on 127.0.0.1:`port` (0: any free port); with `stats`, for one node whose usage it serves. */
export async function startHollowKubeletEndpoint(
  port: number,
  stats?: StatsSource,
): Promise<HollowKubeletEndpoint> {
  const server: Server = createServer((req, res) => answer(req, res, stats));
  server.on('upgrade', refuseUpgrade);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOLLOW_NODE_IP, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Port 0: one endpoint per node, each on a free port and serving that node's usage. A fixed port:
 * one endpoint every node shares, without usage (a request does not say which node it is for).
 */
export async function startHollowKubeletEndpoints(
  names: string[],
  port: number,
  statsOf: (name: string) => StatsSource,
): Promise<{ ports: Map<string, number>; close(): Promise<void> }> {
  const endpoints: HollowKubeletEndpoint[] = [];
  const ports = new Map<string, number>();
  if (port === 0) {
    for (const name of names) {
      const ep = await startHollowKubeletEndpoint(0, statsOf(name));
      endpoints.push(ep);
      ports.set(name, ep.port);
    }
  } else {
    const shared = await startHollowKubeletEndpoint(port);
    endpoints.push(shared);
    for (const name of names) ports.set(name, shared.port);
  }
  return { ports, close: async () => void (await Promise.all(endpoints.map((e) => e.close()))) };
}
