// What runs on each node, as data: one typed flags object per component (STYLE 10, after k3s's
// argsMap → GetArgs), rendered into a systemd unit. Pure: the steps write what these return.
import { renderFlags } from '../agents/api/flags';
import { apiserverProfileFlags, controllerManagerProfileFlags, type ProfileName } from './drills/profiles';
import {
  bridgeAddress,
  CLUSTER_DOMAIN,
  clusterDnsOf,
  type Host,
  type Inventory,
  LOCAL_PORT,
  masterOf,
  SECURE_PORT,
} from './inventory';
import { HOST_PATHS } from './pki/host-files';

/** Where `ship` puts the bundle. */
export const INSTALL_DIR = '/opt/nodekube';
export const AGENT_BUNDLE = `${INSTALL_DIR}/bin/nodekube-agent.cjs`;
export const ETCD_DATA_DIR = '/var/lib/nodekube/etcd';

/**
 * The environment every agent runs with. MALLOC_ARENA_MAX=2: glibc gives each thread that
 * allocates its own malloc arena, up to eight per core, and a Node process has a dozen threads
 * (V8's GC helpers, libuv's pool); each arena keeps what it freed. With two, the scheduler's and
 * the controller-manager's anonymous memory outside the JavaScript heap was 12.1 and 10.8 MiB
 * instead of 19.5 and 18.7 with 10k pods at rest, and the apiserver's CPU per create did not rise
 * (405 µs against 455 without; one run each: bench/results/2026-12-03-vm-memory-diagnosis.json).
 */
export const AGENT_ENVIRONMENT: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

export interface UnitSpec {
  /** systemd unit name without `.service`: the upstream service names (kube-apiserver, kubelet …). */
  name: string;
  description: string;
  exec: string[];
  after?: string[];
  requires?: string[];
  /** Started with this unit, but not tied to it: stopping them does not stop this unit. */
  wants?: string[];
  /** True when the unit runs our bundle, so a new bundle means a restart. */
  usesBundle: boolean;
}

/** The credential files a unit's flags name: a re-issued one (certs renew) means a restart. */
export function filesRead(u: UnitSpec): string[] {
  return u.exec.flatMap((arg) => {
    const v = /^--[a-z-]+=(\/etc\/kubernetes\/\S+|\/var\/lib\/kubelet\/pki\/\S+)$/.exec(arg)?.[1];
    return v ? [v] : [];
  });
}

// Every component runs secured (issue 9): etcd takes only the apiserver's client certificate;
// the apiserver serves TLS on 6443 with client-certificate and service-account authentication
// and Node,RBAC authorization, and keeps plain HTTP on the master's 127.0.0.1:8080 only; every
// other component holds its own identity in a kubeconfig (kubeadm's /etc/kubernetes/*.conf).
const P = HOST_PATHS;
const ETCD_CLIENT_URL = 'https://127.0.0.1:2379';
const ETCD_PEER_URL = 'https://127.0.0.1:2380';

export const etcdFlags = (master: Host) => ({
  name: master.name,
  dataDir: ETCD_DATA_DIR,
  // Only the apiserver, on this machine, talks to etcd (DESIGN: everything goes through the apiserver).
  listenClientUrls: ETCD_CLIENT_URL,
  advertiseClientUrls: ETCD_CLIENT_URL,
  listenPeerUrls: ETCD_PEER_URL,
  initialAdvertisePeerUrls: ETCD_PEER_URL,
  initialCluster: `${master.name}=${ETCD_PEER_URL}`,
  initialClusterState: 'new',
  certFile: P.etcdServerCert,
  keyFile: P.etcdServerKey,
  trustedCaFile: P.ca,
  clientCertAuth: true,
  peerCertFile: P.etcdPeerCert,
  peerKeyFile: P.etcdPeerKey,
  peerTrustedCaFile: P.ca,
  peerClientCertAuth: true,
});

/** etcdctl as the apiserver (the only client etcd lets in): health checks, drills, debugging. */
export const ETCDCTL = `ETCDCTL_API=3 etcdctl --endpoints=${ETCD_CLIENT_URL} --cacert=${P.ca} --cert=${P.etcdClientCert} --key=${P.etcdClientKey}`;

/** The issuer of service-account tokens (kubeadm's default), also their audience. */
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

// The failure-detection profile (drills/profiles.ts) is written into these two units: the
// apiserver's DefaultTolerationSeconds admission owns the eviction delay, the controller-manager
// the NotReady grace period. `nodekube up --profile fast` rewrites and restarts only these.
export const apiserverFlags = (inv: Inventory, profile: ProfileName = 'default') => ({
  etcdServers: ETCD_CLIENT_URL,
  etcdCafile: P.ca,
  etcdCertfile: P.etcdClientCert,
  etcdKeyfile: P.etcdClientKey,
  bindAddress: '0.0.0.0',
  // The master's private address: the `kubernetes` Service's endpoints, which pods dial.
  advertiseAddress: masterOf(inv).ip,
  securePort: SECURE_PORT,
  tlsCertFile: P.apiserverCert,
  tlsPrivateKeyFile: P.apiserverKey,
  clientCaFile: P.ca,
  // The plain port answers on the master's loopback only.
  insecureBindAddress: '127.0.0.1',
  port: LOCAL_PORT,
  authorizationMode: 'Node,RBAC',
  serviceAccountKeyFile: P.saPub,
  serviceAccountSigningKeyFile: P.saKey,
  serviceAccountIssuer: SERVICE_ACCOUNT_ISSUER,
  kubeletClientCertificate: P.kubeletClientCert,
  kubeletClientKey: P.kubeletClientKey,
  kubeletCertificateAuthority: P.ca,
  encryptionProviderConfig: P.encryptionConfig,
  serviceClusterIpRange: inv.serviceCidr,
  serviceNodePortRange: inv.nodePortRange,
  ...apiserverProfileFlags(profile),
});

export const controllerManagerFlags = (inv: Inventory, profile: ProfileName = 'default') => ({
  kubeconfig: P.controllerManagerConf,
  // healthz and metrics for componentstatuses, which probes them on the master's loopback
  bindAddress: '127.0.0.1',
  port: 10257,
  clusterCidr: inv.clusterCidr,
  // published into every namespace as ConfigMap kube-root-ca.crt, for pods' in-cluster clients
  rootCaFile: P.ca,
  ...controllerManagerProfileFlags(profile),
});

export const schedulerFlags = () => ({ kubeconfig: P.schedulerConf, bindAddress: '127.0.0.1', port: 10259 });

export const kubeletFlags = (inv: Inventory, h: Host) => ({
  kubeconfig: P.kubeletConf,
  hostnameOverride: h.name,
  // Pinned to the private network: the classic Vagrant pitfall made the NAT address the node IP.
  nodeIp: h.ip,
  podCidr: h.podCidr ?? '',
  dockerEndpoint: 'unix:///var/run/docker.sock',
  port: 10250,
  // :10250 serves exec/attach/logs: TLS, client certificates only, each request authorized by
  // the apiserver (SubjectAccessReview on nodes/proxy, nodes/log …), as kubeadm's kubelets do.
  tlsCertFile: P.kubeletServingCert,
  tlsPrivateKeyFile: P.kubeletServingKey,
  clientCaFile: P.ca,
  anonymousAuth: false,
  // and service-account tokens, judged by the apiserver (TokenReview), as kubeadm's kubelets do
  authenticationTokenWebhook: true,
  authorizationMode: 'Webhook',
  // Pods resolve through the DNS add-on (ClusterFirst): steps/addons.ts runs it.
  clusterDns: clusterDnsOf(inv),
  clusterDomain: CLUSTER_DOMAIN,
});

export const proxyFlags = (inv: Inventory, h: Host) => ({
  kubeconfig: P.kubeProxyConf,
  hostnameOverride: h.name,
  clusterCidr: inv.clusterCidr,
  // healthz and metrics on loopback: nothing off the node needs them
  bindAddress: '127.0.0.1',
});

export const hostgwFlags = (inv: Inventory, h: Host) => ({
  // It only reads Nodes: kube-proxy's identity (system:node-proxier) is enough.
  kubeconfig: P.kubeProxyConf,
  hostnameOverride: h.name,
  nodeIp: h.ip,
  clusterCidr: inv.clusterCidr,
  // Both cluster ranges stay inside the cluster: no packet for them takes the default route.
  serviceClusterIpRange: inv.serviceCidr,
  bindAddress: '127.0.0.1',
});

/**
 * The inner Docker's daemon.json. `bip` puts the bridge on this node's pod CIDR before Docker
 * first starts (its default 172.17.0.0/16 collides with the node's own eth0 under the docker
 * provider). No masquerading by Docker: host-gw routes pod CIDRs between nodes unchanged.
 */
export const dockerDaemonConfig = (h: Host) => ({
  bip: bridgeAddress(h.podCidr ?? ''),
  iptables: true,
  'ip-masq': false,
  'log-driver': 'json-file',
  'log-opts': { 'max-size': '10m', 'max-file': '2' },
});

/**
 * A young generation of 2 × 4 MiB, not V8's 2 × 16. V8 shrinks a grown one after a burst only
 * when allocation falls below 1 MB/s, which the heartbeats of 100 nodes never let happen: the
 * apiserver at rest held 32 MiB for a few MiB of live young objects. Its CPU per pod create was
 * 360–405 µs with 16, 8 and 4 MiB alike (bench/results/2026-12-03-vm-apiserver-semi-space.json);
 * its RSS at rest with 10k pods 219, 203 and 181 MiB. The scheduler and controller-manager, with
 * it and with their heap growing bounded as the apiserver's is (CONTROL_PLANE_HEAP_GROWING in
 * agents/api/idle-gc.ts), held 121–124 and 104–105 MiB right after the last of 10k pods was
 * Running, against 155–176 and 120–124 without, in three runs each taken in turn; the pods were
 * all Running after 36–46 s against 43–50 (bench/results/2026-12-03-vm-scheduler-cm-heap.json).
 */
const SMALL_YOUNG_GENERATION = ['--max-semi-space-size=4'];

/** Node options one component runs with, beside its own flags. */
export const AGENT_NODE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  apiserver: SMALL_YOUNG_GENERATION,
  scheduler: SMALL_YOUNG_GENERATION,
  'controller-manager': SMALL_YOUNG_GENERATION,
};

// No --enable-source-maps: it would read the bundle's map into every agent at start;
// agents/main.ts maps stack traces only when one is printed (agents/api/stack-traces.ts).
const agent = (component: string, flags: Record<string, string | number | boolean>) => [
  '/usr/bin/node',
  ...(AGENT_NODE_OPTIONS[component] ?? []),
  AGENT_BUNDLE,
  component,
  ...renderFlags(flags),
];

export function masterUnits(inv: Inventory, master: Host, profile: ProfileName = 'default'): UnitSpec[] {
  return [
    {
      name: 'etcd',
      description: 'etcd: the cluster store',
      exec: ['/usr/bin/etcd', ...renderFlags(etcdFlags(master))],
      usesBundle: false,
    },
    {
      name: 'kube-apiserver',
      description: 'Kubernetes API server',
      exec: agent('apiserver', apiserverFlags(inv, profile)),
      after: ['etcd.service'],
      requires: ['etcd.service'],
      usesBundle: true,
    },
    {
      name: 'kube-controller-manager',
      description: 'Kubernetes controller manager',
      exec: agent('controller-manager', controllerManagerFlags(inv, profile)),
      after: ['kube-apiserver.service'],
      usesBundle: true,
    },
    {
      name: 'kube-scheduler',
      description: 'Kubernetes scheduler',
      exec: agent('scheduler', schedulerFlags()),
      after: ['kube-apiserver.service'],
      usesBundle: true,
    },
  ];
}

export function minionUnits(inv: Inventory, h: Host): UnitSpec[] {
  return [
    {
      name: 'kubelet',
      description: 'Kubernetes node agent',
      exec: agent('kubelet', kubeletFlags(inv, h)),
      // Wants, not Requires: a stopped or restarting Docker must not stop the kubelet. It stays up,
      // reports the node NotReady ("container runtime is down") and recovers when Docker returns.
      after: ['docker.service'],
      wants: ['docker.service'],
      usesBundle: true,
    },
    ...networkUnits(inv, h),
  ];
}

/**
 * kube-proxy and the pod network: every host runs them, the master too (as kube-up's masters
 * did), so pod IPs, ClusterIPs and NodePorts answer from the master exactly as from a minion
 * (the seeds curl them there). The master has no kubelet: it runs no pods and is no Node.
 */
export function networkUnits(inv: Inventory, h: Host): UnitSpec[] {
  return [
    {
      name: 'kube-proxy',
      description: 'Kubernetes service proxy (iptables)',
      exec: agent('proxy', proxyFlags(inv, h)),
      usesBundle: true,
    },
    {
      name: 'kube-hostgw',
      description: 'Pod network routes (host-gw)',
      exec: agent('hostgw', hostgwFlags(inv, h)),
      usesBundle: true,
    },
  ];
}

/** The node agents a host runs: kubelet (minions only), kube-proxy and kube-hostgw (every host). */
export const nodeAgentUnits = (inv: Inventory, h: Host): UnitSpec[] =>
  h.roles.includes('minion') ? minionUnits(inv, h) : networkUnits(inv, h);

/** Every nodekube unit a host runs (docker is Debian's own unit, configured by daemon.json). */
export function unitsFor(inv: Inventory, h: Host): UnitSpec[] {
  return [...(h.roles.includes('master') ? masterUnits(inv, h) : []), ...nodeAgentUnits(inv, h)];
}

export function renderUnit(u: UnitSpec): string {
  const lines = [
    '# Written by nodekube (installer/units.ts); `nodekube up` rewrites it.',
    '[Unit]',
    `Description=${u.description}`,
  ];
  if (u.after?.length) lines.push(`After=network-online.target ${u.after.join(' ')}`);
  else lines.push('After=network-online.target');
  if (u.requires?.length) lines.push(`Requires=${u.requires.join(' ')}`);
  if (u.wants?.length) lines.push(`Wants=${u.wants.join(' ')}`);
  lines.push(
    '',
    '[Service]',
    ...(u.usesBundle ? Object.entries(AGENT_ENVIRONMENT).map(([k, v]) => `Environment=${k}=${v}`) : []),
    `ExecStart=${u.exec.join(' \\\n  ')}`,
    'Restart=always',
    'RestartSec=2',
    'LimitNOFILE=65536',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  );
  return lines.join('\n');
}

export type ServiceAction = 'none' | 'start' | 'restart';

/**
 * Converge without disturbing what is right: restart only when the unit file, a credential it
 * reads or (for our agents) the bundle changed; start what is not running; leave the rest alone.
 */
export function planServiceAction(s: {
  unitChanged: boolean;
  bundleChanged: boolean;
  usesBundle: boolean;
  /** A credential file the unit reads was rewritten (steps/ship-pki.ts). */
  filesChanged?: boolean;
  active: boolean;
}): ServiceAction {
  if (!s.active) return 'start';
  if (s.unitChanged || s.filesChanged || (s.usesBundle && s.bundleChanged)) return 'restart';
  return 'none';
}
