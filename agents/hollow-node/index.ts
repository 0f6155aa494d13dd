// nodekube-agent hollow-node --kubeconfig=FILE|--master=URL (--name=NAME | --count=N --name-prefix=P)
//   [--node-status-update-frequency=10s] [--node-lease-duration-seconds=40] [--pod-run-seconds=1] [--port=0]
//   [--kubelet-port=0] [--pod-cpu-usage=10m] [--pod-memory-usage=16Mi]
// Fake kubelets for tests and scale benchmarks (kubemark/kwok): Nodes named NAME, or P-0 … P-(N-1).
// With --kubelet-port=0 each node has its own endpoint on a free port, serving its fake resource
// usage (fake-usage.ts) to the apiserver's metrics collector; a fixed --kubelet-port is shared by
// every node and serves no usage (it cannot tell the nodes apart).

import { parseDuration, parseFlags, renderFlags } from '../api/flags';
import { type HealthServer, serveHealth } from '../api/health-server';
import { createLogger } from '../api/log';
import { processMetrics, Registry } from '../api/metrics';
import { createClient, DEFAULT_MASTER, loadConnection } from '../client';
import { fakeStatsSource, fakeUsage } from './fake-usage';
import { startHollowNodes } from './hollow-nodes';
import { HOLLOW_NODE_IP, startHollowKubeletEndpoints } from './kubelet-endpoint';

export const defaultFlags = {
  /** Empty: --kubeconfig, else a pod's service account, else http://127.0.0.1:8080 (client/connection.ts). */
  master: '',
  kubeconfig: '',
  name: '',
  count: 0,
  namePrefix: 'hollow-node',
  nodeStatusUpdateFrequency: '10s',
  nodeLeaseDurationSeconds: 40,
  podRunSeconds: 1,
  port: 0,
  /** The hollow kubelet endpoint's port on 127.0.0.1, which every node advertises (0: any free port). */
  kubeletPort: 0,
  bindAddress: '127.0.0.1',
  kubeApiQps: 50,
  kubeApiBurst: 100,
  /** Each Running container's fake usage (a pod's nodekube.io/hollow-*-usage annotations override it). */
  podCpuUsage: '10m',
  podMemoryUsage: '16Mi',
};

/** NAME alone, or P-0 … P-(N-1). */
export function nodeNames(flags: { name: string; count: number; namePrefix: string }): string[] {
  if (flags.name) return [flags.name];
  if (flags.count > 0) return Array.from({ length: flags.count }, (_, i) => `${flags.namePrefix}-${i}`);
  throw new Error('hollow-node needs --name=NAME or --count=N (with --name-prefix)');
}

export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, defaultFlags);
  const names = nodeNames(flags);
  const log = createLogger('hollow-node');
  log.info(`Running hollow-node ${renderFlags(flags).join(' ')}`);
  const connection = await loadConnection(flags, { fallbackServer: DEFAULT_MASTER });
  log.info('Talking to the apiserver', { server: connection.baseUrl, via: connection.origin });
  const client = createClient({
    ...connection,
    userAgent: 'nodekube-hollow-node/0.1',
    qps: flags.kubeApiQps,
    burst: flags.kubeApiBurst,
  });
  const registry = new Registry();
  processMetrics(registry);
  let health: HealthServer | undefined;
  if (flags.port > 0)
    health = await serveHealth({ port: flags.port, bindAddress: flags.bindAddress, registry });

  // Each node's usage is computed on request from its pods, known once the nodes run.
  let running: ReturnType<typeof startHollowNodes> | undefined;
  const usage = fakeUsage(flags.podCpuUsage, flags.podMemoryUsage);
  const podsOn = (name: string) => running?.podsOn(name) ?? [];
  const endpoints = await startHollowKubeletEndpoints(names, flags.kubeletPort, (name) =>
    fakeStatsSource(name, podsOn, usage),
  );
  log.info('Hollow kubelet endpoints listening', {
    address: HOLLOW_NODE_IP,
    ports: flags.kubeletPort ? String(flags.kubeletPort) : `one per node (${names.length})`,
  });

  const stop = new AbortController();
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => stop.abort());
  running = startHollowNodes(
    {
      client,
      log,
      names,
      statusPeriodMs: parseDuration(flags.nodeStatusUpdateFrequency),
      leaseDurationSeconds: flags.nodeLeaseDurationSeconds,
      podRunMs: flags.podRunSeconds * 1000,
      kubeletPort: flags.kubeletPort,
      kubeletPorts: endpoints.ports,
    },
    stop.signal,
  );
  await running.ready;
  log.info('Hollow nodes registered and running pods', { nodes: names.length });
  await new Promise<void>((resolve) =>
    stop.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  await health?.close();
  await endpoints.close();
}
