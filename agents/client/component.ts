// The start-up every control-plane component shares (kube-scheduler, kube-controller-manager):
// log the command line as upstream does ("Running kube-scheduler --master=…"), one client
// (--kubeconfig and/or --master, else the pod's service account, else the local insecure port),
// /healthz and /metrics on --port (componentstatuses probes them), SIGTERM/SIGINT to stop, and —
// with --leader-elect — run only while holding the kube-system/<name> Lease. Losing the lease
// ends the component with exit code 1 so its supervisor (systemd) restarts it, as upstream does.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type FlagValue, renderFlags } from '../api/flags';
import { serveHealth } from '../api/health-server';
import { createLogger, type Logger } from '../api/log';
import { processMetrics, Registry } from '../api/metrics';
import { DEFAULT_MASTER, loadConnection } from './connection';
import { runLeaderElection } from './leader-election';
import { createClient } from './rest-client';
import type { ApiClient } from './types';

export interface ComponentFlags {
  /** Server and credentials (upstream's --kubeconfig); --master, when also set, overrides the server. */
  kubeconfig: string;
  master: string;
  port: number;
  bindAddress: string;
  leaderElect: boolean;
  kubeApiQps: number;
  kubeApiBurst: number;
}

export interface ComponentContext {
  client: ApiClient;
  log: Logger;
  registry: Registry;
}

export async function runComponent(opts: {
  /** Upstream's binary name, which is also the Lease name: `kube-scheduler`. */
  name: string;
  /** Short name for logs and the user agent: `scheduler`. */
  component: string;
  flags: ComponentFlags & Record<string, FlagValue>;
  /** Does the work until `signal` aborts. */
  run(ctx: ComponentContext, signal: AbortSignal): Promise<void>;
}): Promise<void> {
  const { name, component, flags } = opts;
  const log = createLogger(component);
  log.info(`Running ${name} ${renderFlags(flags).join(' ')}`);
  const connection = await loadConnection(flags, { fallbackServer: DEFAULT_MASTER });
  log.info('Talking to the apiserver', { server: connection.baseUrl, via: connection.origin });
  const client = createClient({
    ...connection,
    userAgent: `nodekube-${component}/0.1`,
    qps: flags.kubeApiQps,
    burst: flags.kubeApiBurst,
  });
  const registry = new Registry();
  processMetrics(registry);
  const health = await serveHealth({ port: flags.port, bindAddress: flags.bindAddress, registry });
  log.info('Serving healthz and metrics', { port: health.port });

  const stopAll = new AbortController();
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => stopAll.abort());
  const run = (signal: AbortSignal) => opts.run({ client, log, registry }, signal);

  if (flags.leaderElect) {
    await runLeaderElection({
      client,
      name,
      namespace: 'kube-system',
      identity: `${hostname()}_${randomUUID()}`,
      signal: stopAll.signal,
      log,
      onStartedLeading: run,
      onStoppedLeading: () => {
        if (!stopAll.signal.aborted) {
          log.error('leaderelection lost');
          process.exitCode = 1;
          stopAll.abort();
        }
      },
    });
  } else {
    await run(stopAll.signal);
  }
  await health.close();
}
