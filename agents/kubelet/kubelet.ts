// Wiring: one kubelet = a Docker runtime, the pod informer for this node, pod workers, the
// prober, the node status reporter and the kubelet server (logs/exec/attach/port-forward).

import { mkdirSync } from 'node:fs';
import type { ConfigMap, Pod, Secret, Service } from 'kubernetes-types/core/v1';
import { isNotFound } from '../api/errors';
import { parseDuration } from '../api/flags';
import type { Logger } from '../api/log';
import { processMetrics, Registry } from '../api/metrics';
import { R } from '../api/resources';
import { createClient, createEventRecorder, createInformer, loadConnection } from '../client/index';
import type { ApiClient } from '../client/types';
import { referencedObjects } from './env';
import { kubeletEvents } from './events';
import { parseHairpinMode, setUpHairpin } from './hairpin';
import { ImageManager } from './images';
import { measureSignals } from './node-signals';
import { gatherFacts, NodeStatusReporter } from './node-status';
import { DEFAULT_PAUSE_IMAGE, ensurePauseImage } from './pause-image';
import { PodWorkers } from './pod-workers';
import { ProbeManager } from './probes';
import { RestartBackoff } from './restart-backoff';
import { DockerRuntime, dockerFromEndpoint } from './runtime/docker';
import { type KubeletServer, startKubeletServer } from './server';
import { servingOptions } from './serving';
import { kubeletStatsSampler } from './stats/kubelet-sampler';
import type { PodObjects } from './sync-pod';
import { TokenManager } from './token-manager';
import { fetchClaimObjects } from './volumes';

export const KUBELET_DEFAULTS = {
  /** Server and credentials (kubelet.conf); --master, when also set, overrides the server. One is required. */
  kubeconfig: '',
  master: '',
  hostnameOverride: '',
  nodeIp: '',
  podCidr: '',
  dockerEndpoint: 'unix:///var/run/docker.sock',
  port: 10250,
  address: '0.0.0.0',
  // Serving --port (serving.ts, auth.ts), upstream's flags and defaults: plain HTTP without a certificate.
  tlsCertFile: '',
  tlsPrivateKeyFile: '',
  clientCaFile: '',
  anonymousAuth: true,
  /** Bearer tokens are judged by the apiserver (TokenReview); off by default, as upstream's flag. */
  authenticationTokenWebhook: false,
  /** AlwaysAllow, or Webhook: a SubjectAccessReview per (cached) question. */
  authorizationMode: 'AlwaysAllow',
  podInfraContainerImage: DEFAULT_PAUSE_IMAGE,
  nodeStatusUpdateFrequency: '10s',
  nodeLeaseDurationSeconds: 40,
  rootDir: '/var/lib/kubelet',
  /** How often every pod is synced even without events (upstream --sync-frequency). */
  syncFrequency: '10s',
  /** Pod DNS (dns.ts): the node's resolv.conf, the cluster DNS service IPs (comma-separated), the domain. */
  resolvConf: '/etc/resolv.conf',
  clusterDns: '',
  clusterDomain: 'cluster.local',
  /** hairpin-veth: a pod can reach itself through its Service (hairpin.ts); none: leave bridge ports alone. */
  hairpinMode: 'hairpin-veth',
};
export type KubeletFlags = typeof KUBELET_DEFAULTS;

export interface Kubelet {
  workers: PodWorkers;
  server: KubeletServer;
  stop(): Promise<void>;
}

export async function startKubelet(flags: KubeletFlags, log: Logger): Promise<Kubelet> {
  const nodeName = flags.hostnameOverride;
  const hairpinMode = parseHairpinMode(flags.hairpinMode);
  // First, so a broken kubeconfig or serving flag fails at once, naming the file or flag.
  const connection = await loadConnection(flags);
  log.info('Talking to the apiserver', { server: connection.baseUrl, via: connection.origin });
  const client = createClient({ ...connection, userAgent: `nodekube-kubelet/${nodeName}` });
  const serving = servingOptions(flags, { client, nodeName, log });
  mkdirSync(flags.rootDir, { recursive: true });
  const docker = dockerFromEndpoint(flags.dockerEndpoint);
  const runtime = new DockerRuntime(docker, nodeName);
  // Docker may be down right now (it restarts independently of us): everything below that needs
  // it is retried — the pause image and runtime facts by `refreshRuntime`, pods by their workers.
  let pauseReady = false;
  let runtimeVersion = 'docker://unknown';
  let dockerRootDir: string | undefined;
  let refreshing: Promise<void> | undefined;
  const refreshRuntime = () =>
    (refreshing ??= (async () => {
      if (!pauseReady) {
        await ensurePauseImage(docker, flags.podInfraContainerImage);
        pauseReady = true;
      }
      runtimeVersion = await runtime.version();
      dockerRootDir = await runtime.rootDir();
    })().finally(() => {
      refreshing = undefined;
    }));
  // Bounded: a hanging Docker must not keep the kubelet from registering its Node NotReady.
  await Promise.race([
    refreshRuntime(),
    new Promise((_, reject) => setTimeout(reject, 10_000, new Error('no answer in 10s')).unref()),
  ]).catch((err) => log.warn('container runtime not answering', { err: String(err) }));
  const events = kubeletEvents(createEventRecorder(client, { component: 'kubelet', host: nodeName }));
  const registry = new Registry();
  processMetrics(registry);
  const startDuration = registry.histogram(
    'kubelet_pod_start_duration_seconds',
    'Seconds from pod creation to Running, as this kubelet saw it.',
    [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120],
  );

  const services = createInformer<Service & { [k: string]: unknown }>(client, R.services);
  const podInformer = createInformer<Pod & { [k: string]: unknown }>(client, R.pods, {
    fieldSelector: `spec.nodeName=${nodeName}`,
  });
  const images = new ImageManager(runtime, events);
  const tokens = new TokenManager(client, log);
  let workers: PodWorkers | undefined;
  const probes = new ProbeManager(runtime, events, (uid) => workers?.enqueue(uid));
  workers = new PodWorkers({
    client,
    images,
    startDuration,
    ctx: {
      runtime,
      events,
      images,
      probes,
      backoff: new RestartBackoff(),
      rootDir: flags.rootDir,
      pauseImage: flags.podInfraContainerImage,
      hostIP: flags.nodeIp,
      dns: {
        resolvConf: flags.resolvConf,
        clusterDNS: flags.clusterDns.split(',').filter(Boolean),
        clusterDomain: flags.clusterDomain,
      },
      fetchObjects: (pod) => fetchObjects(client, pod, tokens),
      services: () => services.list(),
      setUpSandboxNetwork:
        hairpinMode === 'hairpin-veth'
          ? async (sandbox) => {
              if (!sandbox.pid) return;
              const veth = await setUpHairpin(sandbox.pid);
              log.debug('hairpin on', { sandbox: sandbox.name, veth });
            }
          : undefined,
      log,
    },
  });
  registry.gaugeFunc(
    'kubelet_running_pods',
    'Pods this kubelet is running.',
    () => workers?.pods().length ?? 0,
  );
  const w = workers;

  const facts = () =>
    gatherFacts(
      {
        nodeName,
        nodeIP: flags.nodeIp,
        podCIDR: flags.podCidr || undefined,
        kubeletPort: flags.port,
        containerRuntimeVersion: runtimeVersion,
      },
      flags.rootDir,
    );
  const statusEveryMs = parseDuration(flags.nodeStatusUpdateFrequency);
  const nodeStatus = new NodeStatusReporter({
    client,
    facts,
    signals: async () => {
      const s = await measureSignals({
        runtime,
        rootDir: flags.rootDir,
        imageDir: () => dockerRootDir,
        // A hanging Docker must show within one status period.
        pingTimeoutMs: Math.min(5000, Math.max(1000, statusEveryMs / 2)),
      });
      if (s.runtimeUp && !pauseReady) void refreshRuntime().catch(() => undefined);
      return s;
    },
    statusEveryMs,
    leaseDurationSeconds: flags.nodeLeaseDurationSeconds,
    log,
  });
  await nodeStatus.register();
  nodeStatus.start();

  const stats = kubeletStatsSampler({ nodeName, runtime, docker, log });
  stats.start();
  const server = await startKubeletServer({
    port: flags.port,
    address: flags.address,
    runtime,
    // Terminating pods too: `kubectl logs deploy/x` right after a rollout may pick one.
    pods: () => w.knownPods(),
    hostIP: flags.nodeIp,
    registry,
    log,
    ...serving,
    stats: () => stats.snapshot(),
  });

  podInformer.addEventHandler({
    add: (p) => w.upsert(p),
    update: (_, p) => w.upsert(p),
    delete: (p) => {
      w.remove(p);
      tokens.forgetPod(p.metadata?.uid ?? '');
    },
  });
  services.start();
  podInformer.start();
  const stopEvents = runtime.watchEvents((uid) => w.enqueue(uid));
  await Promise.all([podInformer.waitForSync(), services.waitForSync()]);
  // Only now is the set of wanted pods known: adopt what runs, remove what nobody wants.
  const housekeep = () =>
    w.housekeeping().catch((err) => log.warn('housekeeping failed', { err: String(err) }));
  await housekeep();
  const housekeeping = setInterval(() => void housekeep(), parseDuration(flags.syncFrequency));
  log.info('kubelet started', { node: nodeName, port: server.port });

  return {
    workers: w,
    server,
    async stop() {
      clearInterval(housekeeping);
      stopEvents();
      podInformer.stop();
      services.stop();
      probes.stop();
      w.stop();
      nodeStatus.stop();
      stats.stop();
      await server.close();
    },
  };
}

/** The ConfigMaps and Secrets a pod refers to (those that exist), and its projected tokens. */
async function fetchObjects(client: ApiClient, pod: Pod, tokens: TokenManager): Promise<PodObjects> {
  const ns = pod.metadata?.namespace;
  const refs = referencedObjects(pod);
  const out: PodObjects = { configMaps: new Map(), secrets: new Map() };
  const get = async <T>(r: typeof R.configmaps, name: string, into: Map<string, T>) => {
    try {
      into.set(name, (await client.get(r, ns, name)) as T);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  };
  await Promise.all([
    ...[...refs.configMaps].map((n) => get<ConfigMap>(R.configmaps, n, out.configMaps)),
    ...[...refs.secrets].map((n) => get<Secret>(R.secrets, n, out.secrets)),
  ]);
  // persistentVolumeClaim volumes: each claim and the volume it is bound to (volumes.ts mounts them).
  Object.assign(out, await fetchClaimObjects(client, pod));
  out.tokens = await tokens.tokensFor(pod);
  return out;
}
