// nodekube-agent apiserver: flags → etcd → watch caches → bootstrap objects → HTTP (and HTTPS).
//
//   nodekube-agent apiserver --etcd-servers=http://127.0.0.1:2379 --bind-address=127.0.0.1 --port=8080
//   … --secure-port=6443 --tls-cert-file=pki/apiserver.crt --tls-private-key-file=pki/apiserver.key
//     --client-ca-file=pki/ca.crt --service-account-key-file=pki/sa.pub --authorization-mode=Node,RBAC
//
// --port serves plain HTTP without authentication (upstream's old insecure port; --port=0 turns
// it off). --secure-port serves TLS with authentication and --authorization-mode (issue 9).

import type { Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import { FlagError, type FlagValue, parseDuration, parseFlags, renderFlags } from '../api/flags';
import { createLogger } from '../api/log';
import { processMetrics, Registry } from '../api/metrics';
import { R, type ResourceInfo, resources } from '../api/resources';
import { parseCidr, parsePortRange, ServiceAllocator } from './admission/allocators';
import { ensureBootstrapPolicy, securityFromFlags, tokenSigningFromFlags } from './auth/index';
import { bootstrap } from './bootstrap';
import { MaxInflight } from './filters/max-inflight';
import { ResourceHandlers } from './handlers';
import { kubeletFetcher, MetricsCollector } from './metrics/collector';
import { httpProbe } from './registry/componentstatuses';
import { RestStorage } from './registry/rest';
import { tokenRequests } from './registry/token-request';
import { createApiServer, requestMetrics } from './server';
import { startCompactor } from './storage/compactor';
import { encryptionFromFile } from './storage/encryption/config';
import { connectEtcd, EtcdStore } from './storage/etcd-store';
import { etcdCredentials } from './storage/etcd-tls';
import { WatchCache } from './storage/watch-cache';
import {
  admissionHooks,
  kubeletClientTls,
  kubeletProxy,
  metricsSources,
  protobuf,
  serviceAccountGetter,
  toTable,
} from './wiring';

export const defaultFlags = {
  etcdServers: 'http://127.0.0.1:2379',
  bindAddress: '0.0.0.0',
  port: 8080,
  advertiseAddress: '',
  serviceClusterIpRange: '10.96.0.0/12',
  serviceNodePortRange: '30000-32767',
  defaultNotReadyTolerationSeconds: 300,
  defaultUnreachableTolerationSeconds: 300,
  schedulerHealthUrl: 'http://127.0.0.1:10259/healthz',
  controllerManagerHealthUrl: 'http://127.0.0.1:10257/healthz',
  maxRequestBodyBytes: 3 * 1024 * 1024,
  watchCacheSize: 4096,
  watchBookmarkIntervalSeconds: 60,
  etcdCompactionIntervalSeconds: 300,
  // Secure serving and auth (issue 9): upstream's names; empty/0 keeps today's insecure-only server.
  securePort: 0,
  tlsCertFile: '',
  tlsPrivateKeyFile: '',
  clientCaFile: '',
  serviceAccountKeyFile: '',
  /** Signs TokenRequest tokens; also turns on ServiceAccount admission (the token volume). */
  serviceAccountSigningKeyFile: '',
  serviceAccountIssuer: '',
  /** Audiences tokens are issued for and accepted with; empty: the first --service-account-issuer. */
  apiAudiences: '',
  tokenAuthFile: '',
  authorizationMode: 'AlwaysAllow',
  // Upstream defaults to 400 and 200; 0 (no limit) keeps today's behaviour until a bench sets them.
  maxRequestsInflight: 0,
  maxMutatingRequestsInflight: 0,
  // Hardening (issue 9): etcd over TLS with a client certificate, encryption at rest, timeouts.
  etcdCafile: '',
  etcdCertfile: '',
  etcdKeyfile: '',
  /** An EncryptionConfiguration file (storage/encryption/config.ts); empty: values stored as is. */
  encryptionProviderConfig: '',
  /** Non-watch requests running longer are answered 504 Timeout (filters/timeout.ts). */
  requestTimeout: '1m0s',
  /** Seconds; a watch without timeoutSeconds ends after this to twice this (watch-http.ts). */
  minRequestTimeout: 1800,
  /** The address of the plain --port (upstream's old flag); empty: --bind-address. */
  insecureBindAddress: '',
  // Dialling kubelets for logs/exec/attach/port-forward (wiring.ts): TLS with this client certificate.
  kubeletClientCertificate: '',
  kubeletClientKey: '',
  kubeletCertificateAuthority: '',
  /** Create the default StorageClass `local-path` at bootstrap (false: a cluster without a default class). */
  defaultStorageClass: true,
  /** How often metrics.k8s.io usage is collected from the kubelets (metrics-server's flag; 0s: off). */
  metricResolution: '10s',
} satisfies Record<string, FlagValue>;

export type ApiServerFlags = typeof defaultFlags;

/** The address other components (and the `kubernetes` Endpoints) reach this server at. */
export function advertiseIp(flags: ApiServerFlags): string {
  if (flags.advertiseAddress) return flags.advertiseAddress;
  if (flags.bindAddress !== '0.0.0.0') return flags.bindAddress;
  for (const addrs of Object.values(networkInterfaces())) {
    const v4 = addrs?.find((a) => a.family === 'IPv4' && !a.internal);
    if (v4) return v4.address;
  }
  return '127.0.0.1';
}

export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, defaultFlags);
  const log = createLogger('apiserver');
  log.info(`Running kube-apiserver ${renderFlags(flags).join(' ')}`);

  // Every file and duration is checked before etcd is dialled: a mistake is one line and exit 1.
  const etcdTls = etcdCredentials(flags);
  const encryption = flags.encryptionProviderConfig
    ? encryptionFromFile(flags.encryptionProviderConfig)
    : undefined;
  const requestTimeoutMs = durationFlag('--request-timeout', flags.requestTimeout);
  if (encryption) log.info('Encrypting at rest', { resources: [...encryption.chains.keys()] });

  const etcd = connectEtcd(flags.etcdServers.split(','), etcdTls);
  const store = new EtcdStore(etcd, encryption?.values);
  const caches = new Map<ResourceInfo, WatchCache>();
  for (const r of resources) {
    if (r === R.componentstatuses || r.createOnly || r.computed) continue;
    // Events are the most numerous objects and the least read: upstream gives them no watch
    // cache (DefaultWatchCacheSizes: events 0), so their lists and watches go to etcd. Kept in
    // memory, 10k pods' events held ~20 MiB of heap, and their ring buffer more.
    if (r === R.events) continue;
    caches.set(
      r,
      new WatchCache(etcd, store, r, { capacity: flags.watchCacheSize, log: (m, f) => log.warn(m, f) }),
    );
  }
  await Promise.all([...caches.values()].map((c) => c.start()));

  const allocator = new ServiceAllocator(
    store,
    parseCidr(flags.serviceClusterIpRange),
    parsePortRange(flags.serviceNodePortRange),
  );
  // Pods get the token volume only where a kubelet can fill it: with a signing key for
  // TokenRequest. Without one (the plain dev apiserver) pods are stored as sent.
  const signing = tokenSigningFromFlags(flags);
  const hooks = admissionHooks(flags, signing && serviceAccountGetter(caches, store));
  const rest = new RestStorage(store, caches, hooks, allocator);
  const ip = advertiseIp(flags);
  await bootstrap(rest, ip, flags.securePort || flags.port, {
    defaultStorageClass: flags.defaultStorageClass,
  });
  const security = securityFromFlags(flags, caches, log);
  if (security.usesRbac) await ensureBootstrapPolicy(rest);

  const metrics = new Registry();
  processMetrics(metrics);
  const components = [
    {
      name: 'etcd-0',
      probe: async () => {
        await store.currentRevision();
        return '{"health":"true"}';
      },
    },
    httpProbe('scheduler', flags.schedulerHealthUrl),
    httpProbe('controller-manager', flags.controllerManagerHealthUrl),
  ];
  const resolutionMs = parseDuration(flags.metricResolution);
  const kubeletTls = kubeletClientTls(flags);
  const collector = new MetricsCollector({
    fetch: kubeletFetcher(kubeletTls),
    nodes: () =>
      caches
        .get(R.nodes)
        ?.snapshot()
        .map((e) => e.obj) ?? [],
    resolutionMs,
    registry: metrics,
    log,
  });
  if (resolutionMs > 0) collector.start();
  const handlers = new ResourceHandlers({
    rest,
    caches,
    components,
    toTable,
    kubeletProxy: kubeletProxy(rest, kubeletTls),
    tokens: signing && tokenRequests(rest, signing),
    metrics: resolutionMs > 0 ? metricsSources(caches, collector) : undefined,
    protobuf,
    maxBodyBytes: flags.maxRequestBodyBytes,
    bookmarkIntervalMs: flags.watchBookmarkIntervalSeconds * 1000,
    minRequestTimeoutSeconds: flags.minRequestTimeout,
    log,
  });
  const serverDeps = {
    handlers,
    metrics,
    log,
    checks: { etcd: async () => void (await store.currentRevision()) },
    advertiseAddress: () => `${ip}:${flags.securePort || flags.port}`,
    maxBodyBytes: flags.maxRequestBodyBytes,
    instruments: requestMetrics(metrics),
    requestTimeoutMs,
    protobuf,
    inflight:
      flags.maxRequestsInflight || flags.maxMutatingRequestsInflight
        ? new MaxInflight({
            readOnly: flags.maxRequestsInflight,
            mutating: flags.maxMutatingRequestsInflight,
          })
        : undefined,
  };
  const servers: Server[] = [];
  // Secure first: a test or installer that waits for the insecure /healthz finds both open.
  if (flags.securePort) {
    const secure = createApiServer({ ...serverDeps, security });
    await listen(secure, flags.securePort, flags.bindAddress);
    log.info('Serving securely', {
      address: `${flags.bindAddress}:${flags.securePort}`,
      authorization: flags.authorizationMode,
    });
    servers.push(secure);
  }
  if (flags.port) {
    const insecure = createApiServer({ ...serverDeps, security: { reviews: security.reviews } });
    const address = flags.insecureBindAddress || flags.bindAddress;
    await listen(insecure, flags.port, address);
    log.info('Serving insecurely', { address: `${address}:${flags.port}` });
    servers.push(insecure);
  }
  const compactor = startCompactor(store, flags.etcdCompactionIntervalSeconds * 1000, log);

  const shutdown = () => {
    log.info('Shutting down');
    compactor.stop();
    collector.stop();
    for (const c of caches.values()) c.stop();
    for (const server of servers) {
      server.close();
      server.closeAllConnections();
    }
    store.close();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

function durationFlag(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (err) {
    throw new FlagError(`${flag}: ${(err as Error).message}`);
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}
