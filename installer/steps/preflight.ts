// Preflight, on every host at once (kubeadm's checks.go, k0sctl's validate phases): one remote
// script gathers facts, a pure function judges them. Every problem names the host, the check and
// the fix, so a user never has to guess (k3sup#298: "sudo requires a password" found the hard way).
import type { HostStep } from '../context';
import type { Host, Role } from '../inventory';

export interface Problem {
  check: string;
  message: string;
  fix: string;
}

/** Facts as `key=value` lines; each probe is allowed to fail (then its value is empty). */
export const FACTS_SCRIPT = [
  'PATH=$PATH:/usr/sbin:/sbin',
  'echo "sudo=$(sudo -n true 2>/dev/null && echo yes || echo no)"',
  'echo "os=$(. /etc/os-release 2>/dev/null; echo "$ID $VERSION_ID")"',
  'echo "init=$(ps -o comm= -p 1 2>/dev/null)"',
  'echo "node=$(node --version 2>/dev/null)"',
  'echo "docker=$(dockerd --version 2>/dev/null | sed -E \'s/.*version ([^, ]+).*/\\1/\')"',
  'echo "etcd=$(etcd --version 2>/dev/null | sed -n \'s/^etcd Version: //p\')"',
  'echo "iptables=$(iptables --version 2>/dev/null)"',
  'echo "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null)"',
  "echo \"addresses=$(ip -4 -o addr show 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | tr '\\n' ' ')\"",
  "echo \"listening=$(ss -ltnH 2>/dev/null | awk '{print $4}' | sed 's/.*://' | sort -un | tr '\\n' ' ')\"",
  'for u in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet; do echo "active_$u=$(systemctl is-active $u 2>/dev/null)"; done',
  'echo "now_ms=$(date +%s%3N)"',
].join('\n');

export function parseFacts(text: string): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) facts[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return facts;
}

/** Ports each role serves, and which of our units owns it (so a re-run does not trip on itself). */
export const PORTS: Record<Role, { port: number; unit: string }[]> = {
  master: [
    { port: 2379, unit: 'etcd' },
    { port: 2380, unit: 'etcd' },
    { port: 6443, unit: 'kube-apiserver' },
    { port: 8080, unit: 'kube-apiserver' },
    { port: 10257, unit: 'kube-controller-manager' },
    { port: 10259, unit: 'kube-scheduler' },
  ],
  minion: [{ port: 10250, unit: 'kubelet' }],
};

export const MAX_CLOCK_SKEW_MS = 30_000;

/** `skewMs`: the host's clock minus ours, measured around the round trip. */
export function evaluatePreflight(host: Host, facts: Record<string, string>, skewMs: number): Problem[] {
  const problems: Problem[] = [];
  const add = (check: string, message: string, fix: string) => problems.push({ check, message, fix });
  const minion = host.roles.includes('minion');
  const master = host.roles.includes('master');
  if (facts.sudo !== 'yes')
    add(
      'sudo',
      `${host.ssh.user} cannot sudo without a password`,
      `echo '${host.ssh.user} ALL=(ALL) NOPASSWD:ALL' | sudo tee /etc/sudoers.d/${host.ssh.user}`,
    );
  if (facts.init !== 'systemd')
    add(
      'systemd',
      `PID 1 is "${facts.init || '?'}", not systemd`,
      'use a systemd-based Debian/Ubuntu machine',
    );
  const nodeMajor = Number(/^v(\d+)/.exec(facts.node ?? '')?.[1] ?? 0);
  if (nodeMajor < 18)
    add(
      'node',
      `Node.js ${facts.node || 'not installed'} (need 18 or newer)`,
      'apt-get install nodejs (or run provision/node.sh)',
    );
  if (minion && !facts.docker)
    add('docker', 'Docker is not installed', 'apt-get install docker.io (or run provision/node.sh)');
  if (master && !facts.etcd)
    add('etcd', 'etcd is not installed', 'apt-get install etcd-server (or run provision/node.sh)');
  if (!facts.iptables) add('iptables', 'iptables is not installed', 'apt-get install iptables');
  if (minion && facts.ip_forward !== '1')
    add(
      'ip_forward',
      'net.ipv4.ip_forward is not 1: pods cannot reach other nodes',
      'sysctl -w net.ipv4.ip_forward=1 (provision/node.sh makes it permanent)',
    );
  const addresses = (facts.addresses ?? '').split(' ').filter(Boolean);
  if (!addresses.includes(host.ip))
    add(
      'node-ip',
      `no interface has ${host.ip} (has ${addresses.join(', ') || 'none'})`,
      `bring up the private network, or fix ${host.name}'s address in the inventory`,
    );
  const listening = new Set((facts.listening ?? '').split(' ').filter(Boolean).map(Number));
  for (const role of host.roles) {
    for (const { port, unit } of PORTS[role]) {
      if (listening.has(port) && facts[`active_${unit}`] !== 'active')
        add(
          'ports',
          `port ${port} (for ${unit}) is taken by another process`,
          `find it with: sudo ss -ltnp 'sport = :${port}'`,
        );
    }
  }
  if (Math.abs(skewMs) > MAX_CLOCK_SKEW_MS)
    add(
      'clock',
      `clock is ${Math.round(skewMs / 1000)}s off from this machine (allowed ±30s)`,
      'enable time sync: systemctl enable --now systemd-timesyncd',
    );
  return problems;
}

export function describeHost(facts: Record<string, string>): string {
  return [
    facts.os,
    facts.node && `node ${facts.node}`,
    facts.docker && `docker ${facts.docker}`,
    facts.etcd && `etcd ${facts.etcd}`,
  ]
    .filter(Boolean)
    .join(', ');
}

export const preflight: HostStep = {
  title: 'Preflight: SSH, sudo, OS, versions, ports, clock, IP forwarding',
  hosts: (inv) => inv.hosts,
  async run(_ctx, host, remote) {
    const t0 = Date.now();
    // A bound for a hung host, not a speed test: on a busy 2-core machine (load 40+) the dozen
    // probes of FACTS_SCRIPT took 12 s and the first 20 s bound failed healthy hosts.
    const r = await remote.exec(FACTS_SCRIPT, { timeoutMs: 60_000 });
    const t1 = Date.now();
    const facts = parseFacts(r.stdout);
    const skew = Number(facts.now_ms) - (t0 + t1) / 2;
    const problems = evaluatePreflight(host, facts, skew);
    if (problems.length)
      throw new Error(problems.map((p) => `[${p.check}] ${p.message}; fix: ${p.fix}`).join('\n      '));
    return describeHost(facts);
  },
};
