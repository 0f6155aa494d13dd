// nodekube-agent proxy --kubeconfig=FILE|--master=URL --hostname-override=NAME --cluster-cidr=10.244.0.0/16
//   [--node-ip=IP] [--min-sync-period=1s] [--sync-period=30s]
//   (or their older, iptables-specific names --iptables-min-sync-period / --iptables-sync-period)
//   [--healthz-port=10256] [--metrics-port=10249] [--cleanup]
//
// Flags, wiring, start: Service and Endpoints informers feed the syncer (syncer.ts), which turns
// the caches into iptables rules (rules.ts). /healthz on --healthz-port says whether rules were
// synced recently (upstream's proxier health server), /metrics on --metrics-port. The rules stay
// in place when kube-proxy stops, so traffic keeps flowing across a restart; `--cleanup` is the
// way to remove them.

import { writeFile } from 'node:fs/promises';
import { parseDuration, parseFlags, renderFlags } from '../api/flags';
import { type HealthServer, serveHealth } from '../api/health-server';
import { createLogger } from '../api/log';
import { processMetrics, Registry } from '../api/metrics';
import { R } from '../api/resources';
import type { Endpoints, KubeObject, Service } from '../api/types';
import { createClient, createInformer, DEFAULT_MASTER, loadConnection } from '../client';
import { cleanupRules } from './cleanup';
import { Iptables, runCommand } from './iptables';
import { Syncer } from './syncer';

export const defaultFlags = {
  /** Empty: --kubeconfig, else a pod's service account, else http://127.0.0.1:8080 (client/connection.ts). */
  master: '',
  kubeconfig: '',
  hostnameOverride: '',
  clusterCidr: '10.244.0.0/16',
  nodeIp: '',
  minSyncPeriod: '1s',
  syncPeriod: '30s',
  /** The flags' names before upstream made them backend-neutral; when given, they win. */
  iptablesMinSyncPeriod: '',
  iptablesSyncPeriod: '',
  healthzPort: 10256,
  metricsPort: 10249,
  bindAddress: '0.0.0.0',
  cleanup: false,
};

export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, defaultFlags);
  const log = createLogger('kube-proxy');
  log.info(`Running kube-proxy ${renderFlags(flags).join(' ')}`);
  const iptables = await Iptables.detect();
  log.info('Using iptables backend', { backend: iptables.backend });
  if (flags.cleanup) {
    const removed = await cleanupRules(iptables);
    log.info('Removed kube-proxy rules', { chains: removed.length });
    return;
  }

  const connection = await loadConnection(flags, { fallbackServer: DEFAULT_MASTER });
  log.info('Talking to the apiserver', { server: connection.baseUrl, via: connection.origin });
  const client = createClient({ ...connection, userAgent: 'nodekube-proxy/0.1' });
  const services = createInformer<Service & KubeObject>(client, R.services);
  const endpoints = createInformer<Endpoints & KubeObject>(client, R.endpoints);
  const registry = new Registry();
  processMetrics(registry);
  const syncer = new Syncer({
    iptables,
    clusterCIDR: flags.clusterCidr,
    node: { name: flags.hostnameOverride, ip: flags.nodeIp || undefined },
    source: () => ({ services: services.list(), endpoints: endpoints.list() }),
    minSyncPeriodMs: parseDuration(flags.iptablesMinSyncPeriod || flags.minSyncPeriod),
    syncPeriodMs: parseDuration(flags.iptablesSyncPeriod || flags.syncPeriod),
    log,
    registry,
    conntrack: (args) => runCommand('conntrack', args),
    setSysctl: (key, value) => writeFile(`/proc/sys/${key.replaceAll('.', '/')}`, value),
  });
  // Handlers only say "something changed"; the syncer reads the whole cache (level-triggered).
  const wake = {
    add: () => syncer.requestSync(),
    update: () => syncer.requestSync(),
    delete: () => syncer.requestSync(),
  };
  services.addEventHandler(wake);
  endpoints.addEventHandler(wake);

  const servers = await serve(flags, registry, syncer);
  services.start();
  endpoints.start();
  await Promise.all([services.waitForSync(), endpoints.waitForSync()]);
  log.info('Caches synced; syncing iptables rules');
  syncer.start();
  syncer.requestSync();

  await new Promise<void>((resolve) => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => resolve());
  });
  services.stop();
  endpoints.stop();
  await syncer.stop();
  await Promise.all(servers.map((s) => s.close()));
}

/** /healthz on one port and /metrics on another, as upstream splits them (both serve both here). */
async function serve(
  flags: typeof defaultFlags,
  registry: Registry,
  syncer: Syncer,
): Promise<HealthServer[]> {
  const checks = {
    'proxy-rules': () => {
      if (!syncer.healthy()) throw new Error('iptables rules not synced recently');
    },
  };
  const ports = [...new Set([flags.healthzPort, flags.metricsPort])].filter((p) => p > 0);
  return Promise.all(
    ports.map((port) => serveHealth({ port, bindAddress: flags.bindAddress, registry, checks })),
  );
}
