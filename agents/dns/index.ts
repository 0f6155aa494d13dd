// nodekube-agent dns [--kubeconfig=FILE] [--master=URL] [--port=53] [--cluster-domain=cluster.local]
//   [--resolv-conf=/etc/resolv.conf] [--ttl=30] [--metrics-port=9153]
//
// Cluster DNS (the job kube-dns and CoreDNS do): Service, EndpointSlice and Pod informers feed
// the zone (zone.ts), rebuilt when they change; the server (server.ts) answers from it over UDP
// and TCP and forwards other names to the resolvers in --resolv-conf (forward.ts). /healthz,
// /readyz (caches synced) and /metrics on --metrics-port. It runs as pods behind the kube-dns
// Service (10.96.0.10), as kube-up ran its add-ons.
import { readFileSync } from 'node:fs';
import { parseDuration, parseFlags, renderFlags } from '../api/flags';
import { serveHealth } from '../api/health-server';
import { createLogger } from '../api/log';
import { processMetrics, Registry } from '../api/metrics';
import { R } from '../api/resources';
import type { EndpointSlice, KubeObject, Pod, Service } from '../api/types';
import { createClient, createInformer, DEFAULT_MASTER, loadConnection } from '../client';
import { createForwarder, resolversFrom } from './forward';
import { startDnsServer } from './server';
import { buildZone, type Zone } from './zone';

export const defaultFlags = {
  /** Empty: --kubeconfig, else a pod's service account, else http://127.0.0.1:8080 (client/connection.ts). */
  master: '',
  kubeconfig: '',
  bindAddress: '0.0.0.0',
  port: 53,
  clusterDomain: 'cluster.local',
  resolvConf: '/etc/resolv.conf',
  ttl: 30,
  upstreamTimeout: '2s',
  metricsPort: 9153,
  /** How often the zone may be rebuilt while objects change (a burst costs one rebuild). */
  minRebuildPeriod: '200ms',
};

export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, defaultFlags);
  const log = createLogger('dns');
  log.info(`Running nodekube-dns ${renderFlags(flags).join(' ')}`);
  const upstreams = resolversFrom(readFileSync(flags.resolvConf, 'utf8'));
  if (upstreams.length === 0)
    log.warn('No upstream resolvers: names outside the cluster get SERVFAIL', {
      resolvConf: flags.resolvConf,
    });
  else log.info('Forwarding other names', { upstreams });

  // In its pod, with neither flag: the service account's rotated token (client/kubeconfig.ts).
  const connection = await loadConnection(flags, { fallbackServer: DEFAULT_MASTER });
  log.info('Talking to the apiserver', { server: connection.baseUrl, via: connection.origin });
  const client = createClient({ ...connection, userAgent: 'nodekube-dns/0.1' });
  const services = createInformer<Service & KubeObject>(client, R.services);
  const slices = createInformer<EndpointSlice & KubeObject>(client, R.endpointslices);
  const pods = createInformer<Pod & KubeObject>(client, R.pods);
  const informers = [services, slices, pods];

  const rebuildMs = parseDuration(flags.minRebuildPeriod);
  const build = () =>
    buildZone({
      services: services.list(),
      slices: slices.list(),
      pods: pods.list(),
      domain: flags.clusterDomain,
      ttl: flags.ttl,
    });
  let zone: Zone = build();
  let dirty = false;
  let builtAt = 0;
  // Level-triggered: a change marks the zone stale; the next query after the rebuild period
  // rebuilds it from the caches.
  const current = (): Zone => {
    if (dirty && Date.now() - builtAt >= rebuildMs) {
      dirty = false;
      builtAt = Date.now();
      zone = build();
    }
    return zone;
  };
  const stale = { add: () => (dirty = true), update: () => (dirty = true), delete: () => (dirty = true) };
  for (const inf of informers) inf.addEventHandler(stale);

  const registry = new Registry();
  processMetrics(registry);
  const requests = registry.counter('dns_requests_total', 'DNS replies sent, by transport and rcode.', [
    'proto',
    'rcode',
  ]);
  let synced = false;
  const health = await serveHealth({
    port: flags.metricsPort,
    bindAddress: flags.bindAddress,
    registry,
    checks: {
      informers: () => {
        if (!synced) throw new Error('caches not synced');
      },
    },
  });
  for (const inf of informers) inf.start();
  await Promise.all(informers.map((i) => i.waitForSync()));
  synced = true;
  dirty = true;
  const server = await startDnsServer({
    bindAddress: flags.bindAddress,
    port: flags.port,
    zone: current,
    forwarder: createForwarder(upstreams, parseDuration(flags.upstreamTimeout)),
    log,
    requests,
  });

  await new Promise<void>((resolve) => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => resolve());
  });
  for (const inf of informers) inf.stop();
  await server.close();
  await health.close();
}
