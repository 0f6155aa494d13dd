// The cluster's machines and networks, read from a file shaped like the seed's vagrant_config.yml
// (`host_groups: {master: IP, minion1: IP, …}`) or from a plain hosts list (bare metal), then
// completed with SSH endpoints from `vagrant ssh-config` when Vagrant made the machines.
// Everything here is pure: text in, Inventory out.
import { parse as parseYaml } from 'yaml';

export type Role = 'master' | 'minion';

export interface Host {
  /** Machine name = Kubernetes node name (`minion2`). */
  name: string;
  /** The node IP on the private network: kubelet's --node-ip, never a NAT address. */
  ip: string;
  roles: Role[];
  /** 10.244.N.0/24 for the N-th minion (1-based, inventory order); undefined on a pure master. */
  podCidr?: string;
  ssh: SshEndpoint;
}

export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
  keyFile?: string;
}

export interface Inventory {
  hosts: Host[];
  clusterCidr: string;
  serviceCidr: string;
  nodePortRange: string;
  /** True when the machines are Vagrant's (then `down` may destroy them). */
  vagrant: boolean;
}

export const DEFAULTS = {
  clusterCidr: '10.244.0.0/16',
  serviceCidr: '10.96.0.0/12',
  nodePortRange: '30000-32767',
  sshUser: 'vagrant',
} as const;

const ROLE_WORDS: Record<string, Role[]> = {
  master: ['master'],
  minion: ['minion'],
  i: ['minion'], // kube-up's ubuntu provider: roles="ai i i"
  a: ['master'],
  ai: ['master', 'minion'],
};

export function parseRoles(word: string, where: string): Role[] {
  const roles = ROLE_WORDS[word.trim().toLowerCase()];
  if (!roles) throw new Error(`${where}: unknown role "${word}" (use master, minion or ai)`);
  return roles;
}

/** Role from the machine name when none is given: `master*` is the master, anything else a minion. */
export function rolesForName(name: string): Role[] {
  return name.startsWith('master') ? ['master'] : ['minion'];
}

/**
 * The N-th minion's pod CIDR: a /24 inside the cluster CIDR, N starting at 1
 * (10.244.0.0/16, N=2 → 10.244.2.0/24). Requires a /16 (or wider) cluster CIDR.
 */
export function podCidrFor(clusterCidr: string, n: number): string {
  const [base, bits] = clusterCidr.split('/');
  const octets = base.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !(o >= 0 && o <= 255)) || Number(bits) > 16) {
    throw new Error(`cluster CIDR ${clusterCidr}: expected a /16 such as 10.244.0.0/16`);
  }
  if (n < 1 || n > 255) throw new Error(`cluster CIDR ${clusterCidr} has room for 255 minions, not ${n}`);
  return `${octets[0]}.${octets[1]}.${n}.0/24`;
}

/** First address of a pod CIDR: the Docker bridge's address (`bip`), e.g. 10.244.1.1/24. */
export function bridgeAddress(podCidr: string): string {
  const [base, bits] = podCidr.split('/');
  const o = base.split('.').map(Number);
  return `${o[0]}.${o[1]}.${o[2]}.${o[3] + 1}/${bits}`;
}

interface RawHost {
  name: string;
  ip: string;
  roles: Role[];
  ssh?: Partial<SshEndpoint>;
  /** Pinned by the inventory (`pod_cidrs:`); otherwise the next free 10.244.N.0/24 in order. */
  podCidr?: string;
}

/** Assigns pod CIDRs in order and checks names and IPs are unique and that there is one master. */
export function buildInventory(
  raw: RawHost[],
  opts: Partial<Inventory> & { sshUser?: string; keyFile?: string },
): Inventory {
  const clusterCidr = opts.clusterCidr ?? DEFAULTS.clusterCidr;
  const seen = new Set<string>();
  const taken = new Set(raw.map((h) => h.podCidr).filter(Boolean));
  let minionIndex = 0;
  const nextPodCidr = (): string => {
    let cidr: string;
    do cidr = podCidrFor(clusterCidr, ++minionIndex);
    while (taken.has(cidr));
    return cidr;
  };
  const hosts = raw.map((h): Host => {
    for (const key of [h.name, h.ip]) {
      if (seen.has(key)) throw new Error(`inventory: ${key} appears twice`);
      seen.add(key);
    }
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(h.name)) {
      throw new Error(
        `inventory: "${h.name}" is not a valid node name (lower-case letters, digits, '-', '.')`,
      );
    }
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(h.ip))
      throw new Error(`inventory: ${h.name} has no IPv4 address ("${h.ip}")`);
    const podCidr = h.roles.includes('minion') ? (h.podCidr ?? nextPodCidr()) : undefined;
    const ssh: SshEndpoint = {
      host: h.ssh?.host ?? h.ip,
      port: h.ssh?.port ?? 22,
      user: h.ssh?.user ?? opts.sshUser ?? DEFAULTS.sshUser,
      keyFile: h.ssh?.keyFile ?? opts.keyFile,
    };
    return { name: h.name, ip: h.ip, roles: h.roles, podCidr, ssh };
  });
  const masters = hosts.filter((h) => h.roles.includes('master'));
  if (masters.length !== 1) {
    throw new Error(
      `inventory: needs exactly one master, found ${masters.length} (${masters.map((m) => m.name).join(', ') || 'none'})`,
    );
  }
  if (!hosts.some((h) => h.roles.includes('minion'))) throw new Error('inventory: needs at least one minion');
  return {
    hosts,
    clusterCidr,
    serviceCidr: opts.serviceCidr ?? DEFAULTS.serviceCidr,
    nodePortRange: opts.nodePortRange ?? DEFAULTS.nodePortRange,
    vagrant: opts.vagrant ?? false,
  };
}

/**
 * vagrant_config.yml: `host_groups`, optional `roles`, `ssh: {user, key}`, `network: {cluster_cidr, …}`
 * and `pod_cidrs: {name: CIDR}` (remove-node pins the others' CIDRs there so they never move).
 */
export function parseVagrantConfig(text: string, baseDir = '.'): Inventory {
  const doc = (parseYaml(text, { version: '1.1' }) ?? {}) as Record<string, any>;
  const groups = doc.host_groups as Record<string, string> | undefined;
  if (!groups || typeof groups !== 'object')
    throw new Error('inventory: no host_groups (expected host_groups: {master: IP, minion1: IP, …})');
  const roles = (doc.roles ?? {}) as Record<string, string>;
  const podCidrs = (doc.pod_cidrs ?? {}) as Record<string, string>;
  const raw = Object.entries(groups).map(([name, ip]) => ({
    name,
    ip: String(ip),
    roles: roles[name] ? parseRoles(roles[name], `roles.${name}`) : rolesForName(name),
    podCidr: podCidrs[name],
  }));
  const key = doc.ssh?.key as string | undefined;
  return buildInventory(raw, {
    sshUser: doc.ssh?.user,
    keyFile: key ? resolvePath(baseDir, key) : undefined,
    clusterCidr: doc.network?.cluster_cidr,
    serviceCidr: doc.network?.service_cidr,
    nodePortRange: doc.network?.node_port_range,
  });
}

/**
 * A plain hosts list, one machine a line, kube-up style:
 *   # name   user@address[:port]   role
 *   master   root@10.0.0.10        ai
 *   minion1  root@10.0.0.11:2222   minion
 * The address is both the SSH target and the node IP.
 */
export function parseHostsList(text: string, opts: { keyFile?: string } = {}): Inventory {
  const raw = text
    .split('\n')
    .map((line, i) => ({ line: line.replace(/#.*/, '').trim(), no: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, no }) => {
      const [name, target, role] = line.split(/\s+/);
      const m = /^(?:([^@]+)@)?([\d.]+)(?::(\d+))?$/.exec(target ?? '');
      if (!name || !m)
        throw new Error(`hosts line ${no}: expected "name user@address[:port] role", got "${line}"`);
      return {
        name,
        ip: m[2],
        roles: role ? parseRoles(role, `hosts line ${no}`) : rolesForName(name),
        ssh: { host: m[2], port: m[3] ? Number(m[3]) : 22, user: m[1] },
      };
    });
  return buildInventory(raw, { keyFile: opts.keyFile });
}

export interface SshConfigEntry {
  host: string;
  port: number;
  user?: string;
  identityFile?: string;
}

/** `vagrant ssh-config` output → per machine name, its SSH endpoint. */
export function parseSshConfig(text: string): Map<string, SshConfigEntry> {
  const out = new Map<string, SshConfigEntry>();
  let current: SshConfigEntry | undefined;
  for (const line of text.split('\n')) {
    const m = /^\s*(\S+)\s+(.+?)\s*$/.exec(line);
    if (!m) continue;
    const [, key, value] = m;
    const k = key.toLowerCase();
    if (k === 'host') {
      current = { host: '', port: 22 };
      out.set(value, current);
    } else if (current && k === 'hostname') current.host = value;
    else if (current && k === 'port') current.port = Number(value);
    else if (current && k === 'user') current.user = value;
    else if (current && k === 'identityfile') current.identityFile = value.replace(/^"|"$/g, '');
  }
  return out;
}

/** Points each host's SSH at what Vagrant reports (forwarded port, per-machine key); keeps node IPs. */
export function withVagrantSsh(inv: Inventory, config: Map<string, SshConfigEntry>): Inventory {
  const hosts = inv.hosts.map((h) => {
    const c = config.get(h.name);
    if (!c) throw new Error(`vagrant ssh-config has no machine "${h.name}": is it up? (vagrant status)`);
    return {
      ...h,
      ssh: {
        host: c.host,
        port: c.port,
        user: c.user ?? h.ssh.user,
        keyFile: c.identityFile ?? h.ssh.keyFile,
      },
    };
  });
  return { ...inv, hosts, vagrant: true };
}

export const masterOf = (inv: Inventory): Host => inv.hosts.find((h) => h.roles.includes('master')) as Host;
export const minionsOf = (inv: Inventory): Host[] => inv.hosts.filter((h) => h.roles.includes('minion'));
/** The apiserver's TLS port (upstream's --secure-port default). */
export const SECURE_PORT = 6443;
/**
 * The plain-HTTP port, bound to the master's 127.0.0.1 only (the kube-up era's localhost port,
 * so `curl localhost:8080` on the master still answers; nothing else reaches it).
 */
export const LOCAL_PORT = 8080;
/** Where everything off the master reaches the API: TLS, with a client certificate or a token. */
export const apiUrlOf = (inv: Inventory): string => `https://${masterOf(inv).ip}:${SECURE_PORT}`;

/** What the PKI's certificates name: the master's address and name, the first service IP, the nodes. */
export function clusterPkiOf(inv: Inventory) {
  const master = masterOf(inv);
  return {
    masterName: master.name,
    masterIp: master.ip,
    serviceIp: serviceIpAt(inv.serviceCidr, 1),
    nodes: minionsOf(inv).map((h) => ({ name: h.name, ip: h.ip })),
  };
}

/** The DNS domain of the cluster (kubelet --cluster-domain, the DNS add-on's zone). */
export const CLUSTER_DOMAIN = 'cluster.local';

/** The n-th address of the service range: 1 is the `kubernetes` Service, 10 the DNS. */
function serviceIpAt(serviceCidr: string, offset: number): string {
  const [base] = serviceCidr.split('/');
  const n = base.split('.').reduce((acc, o) => acc * 256 + Number(o), 0) + offset;
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** The tenth address of the service range (kubeadm's choice): 10.96.0.0/12 → 10.96.0.10. */
export const clusterDnsIP = (serviceCidr: string): string => serviceIpAt(serviceCidr, 10);

/** Where pods send DNS queries: the kube-dns Service (kubelet --cluster-dns). */
export const clusterDnsOf = (inv: Inventory): string => clusterDnsIP(inv.serviceCidr);
export const findHost = (inv: Inventory, name: string): Host => {
  const h = inv.hosts.find((x) => x.name === name);
  if (!h)
    throw new Error(`no host "${name}" in the inventory (hosts: ${inv.hosts.map((x) => x.name).join(', ')})`);
  return h;
};

function resolvePath(baseDir: string, p: string): string {
  return p.startsWith('/') ? p : `${baseDir.replace(/\/$/, '')}/${p}`;
}
