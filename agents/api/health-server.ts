// The small HTTP endpoint every component serves besides its real work (the scheduler's :10259,
// the controller-manager's :10257, the kubelet's healthz :10248, kube-proxy's :10256/:10249):
//
//   /healthz /livez /readyz   200 "ok" when every check passes; otherwise 500 and one line per
//                             check, as upstream's apiserver/pkg/server/healthz prints with ?verbose:
//                               [+]ping ok
//                               [-]etcd failed: context deadline exceeded
//                               healthz check failed
//   /healthz/<check>          just that check
//   /metrics                  the registry in Prometheus text format 0.0.4
//
// `?verbose` lists the checks on success too; `?exclude=<name>` skips one (both upstream's).
// Unlike upstream, failure reasons are shown rather than "reason withheld": this is a teaching
// cluster on loopback or a private network, and the reason is what the reader wants to see.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { METRICS_CONTENT_TYPE, type Registry } from './metrics';

export type HealthCheck = () => Promise<void> | void;

export interface HealthServerOptions {
  port: number;
  bindAddress?: string;
  registry: Registry;
  checks?: Record<string, HealthCheck>;
  /** Tried first; return true when the request was answered. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** A check slower than this fails (default 5 s), so a hung dependency cannot hang the probe. */
  checkTimeoutMs?: number;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

export interface CheckResult {
  name: string;
  error?: string;
}

const PROBES = ['healthz', 'livez', 'readyz'];

/** Runs checks concurrently; `ping` always passes and is listed first, as upstream's PingHealthz. */
export async function runChecks(
  checks: Record<string, HealthCheck>,
  timeoutMs: number,
): Promise<CheckResult[]> {
  const named = Object.entries(checks);
  const results = await Promise.all(named.map(([name, check]) => runOne(name, check, timeoutMs)));
  return [{ name: 'ping' }, ...results];
}

async function runOne(name: string, check: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs}ms`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(check), timeout]);
    return { name };
  } catch (err) {
    return { name, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** The body and status for a probe: pure, so the text format is tested without HTTP. */
export function probeResponse(
  probe: string,
  results: CheckResult[],
  verbose: boolean,
): { status: number; body: string } {
  const failed = results.some((r) => r.error !== undefined);
  if (!failed && !verbose) return { status: 200, body: 'ok' };
  const lines = results.map((r) =>
    r.error === undefined ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.error}`,
  );
  lines.push(failed ? `${probe} check failed` : `${probe} check passed`);
  return { status: failed ? 500 : 200, body: `${lines.join('\n')}\n` };
}

export function serveHealth(opts: HealthServerOptions): Promise<HealthServer> {
  const checks = opts.checks ?? {};
  const timeoutMs = opts.checkTimeoutMs ?? 5000;
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => send(res, 500, `internal error: ${err}`));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (opts.extraRoutes?.(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
    if (url.pathname === '/metrics') return send(res, 200, opts.registry.render(), METRICS_CONTENT_TYPE);
    const [, probe, only, extra] = url.pathname.split('/');
    if (!PROBES.includes(probe) || extra !== undefined) return send(res, 404, '404 page not found');
    const excluded = new Set(url.searchParams.getAll('exclude'));
    const selected = Object.fromEntries(Object.entries(checks).filter(([n]) => !excluded.has(n)));
    if (only) {
      if (only === 'ping') return send(res, 200, 'ok');
      const check = checks[only];
      if (!check) return send(res, 404, '404 page not found');
      const r = await runOne(only, check, timeoutMs);
      return send(
        res,
        r.error === undefined ? 200 : 500,
        r.error === undefined ? 'ok' : `internal server error: ${r.error}`,
      );
    }
    const results = await runChecks(selected, timeoutMs);
    const { status, body } = probeResponse(probe, results, url.searchParams.has('verbose'));
    send(res, status, body);
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.bindAddress ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': contentType, 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}
