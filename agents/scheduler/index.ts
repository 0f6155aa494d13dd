// nodekube-agent scheduler --master=URL [--port=10259] [--bind-address=0.0.0.0] [--leader-elect=true]
// Flags, wiring, start: informers + queue + plugins (scheduler.ts), /healthz and /metrics on
// --port (componentstatuses probes it), and leader election on the kube-system/kube-scheduler
// Lease so only one scheduler of several binds pods.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { parseFlags, renderFlags } from '../api/flags';
import { serveHealth } from '../api/health-server';
import { createLogger } from '../api/log';
import { processMetrics, Registry } from '../api/metrics';
import { createClient, runLeaderElection } from '../client';
import { startScheduler } from './scheduler';

export const defaultFlags = {
  master: 'http://127.0.0.1:8080',
  port: 10259,
  bindAddress: '0.0.0.0',
  leaderElect: true,
  kubeApiQps: 50,
  kubeApiBurst: 100,
  schedulerName: 'default-scheduler',
};

export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, defaultFlags);
  const log = createLogger('scheduler');
  log.info(`Running kube-scheduler ${renderFlags(flags).join(' ')}`);
  const client = createClient({
    baseUrl: flags.master,
    userAgent: 'nodekube-scheduler/0.1',
    qps: flags.kubeApiQps,
    burst: flags.kubeApiBurst,
  });
  const registry = new Registry();
  processMetrics(registry);
  const health = await serveHealth({ port: flags.port, bindAddress: flags.bindAddress, registry });
  log.info('Serving healthz and metrics', { port: health.port });

  const stopAll = new AbortController();
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => stopAll.abort());
  const run = async (signal: AbortSignal) => {
    const s = startScheduler({ client, log, registry, schedulerName: flags.schedulerName }, signal);
    await s.synced;
    log.info('Scheduler caches synced; scheduling');
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  };

  if (flags.leaderElect) {
    await runLeaderElection({
      client,
      name: 'kube-scheduler',
      namespace: 'kube-system',
      identity: `${hostname()}_${randomUUID()}`,
      signal: stopAll.signal,
      log,
      onStartedLeading: run,
      // Like upstream: a scheduler that lost its lease exits and lets its supervisor restart it.
      onStoppedLeading: () => {
        if (!stopAll.signal.aborted) {
          log.error('leaderelection lost');
          process.exitCode = 1;
        }
      },
    });
  } else {
    await run(stopAll.signal);
  }
  await health.close();
}
