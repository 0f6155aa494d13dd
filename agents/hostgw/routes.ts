// The I/O of the pod network: routes (iproute2), forwarding (sysctl) and two small iptables
// chains of our own. plan.ts decides which routes; this file only reads and writes the node.
//
// iptables goes through kube-proxy's Iptables class (agents/kube-proxy/iptables.ts) so both
// agents on a node use the same backend detection and never mix legacy and nf_tables rules.

import { type Exec, execWith, type Iptables } from '../kube-proxy/iptables';
import { ROUTE_PROTO, type Route, type RoutePlan } from './plan';

/** Our chains: named apart from KUBE-*, so kube-proxy's --cleanup and ours never touch each other's. */
export const FORWARD_CHAIN = 'NODEKUBE-FORWARD';
export const POSTROUTING_CHAIN = 'NODEKUBE-POSTROUTING';

/**
 * The rules of our two chains, as iptables-restore text (PURE).
 *   filter: accept forwarded traffic from and to pods — the host's FORWARD policy may be DROP
 *           (Docker sets it), which would drop pod-to-pod traffic crossing this node;
 *   nat:    masquerade pods talking to the outside world (the node's address is routable, the
 *           pod's is not), but NOT pod to pod: the receiving pod sees the sender's pod IP.
 */
export function networkRules(clusterCIDR: string): string {
  return [
    '*filter',
    `:${FORWARD_CHAIN} - [0:0]`,
    `-A ${FORWARD_CHAIN} -s ${clusterCIDR} -m comment --comment "nodekube pod network: from pods" -j ACCEPT`,
    `-A ${FORWARD_CHAIN} -d ${clusterCIDR} -m comment --comment "nodekube pod network: to pods" -j ACCEPT`,
    'COMMIT',
    '*nat',
    `:${POSTROUTING_CHAIN} - [0:0]`,
    `-A ${POSTROUTING_CHAIN} -s ${clusterCIDR} ! -d ${clusterCIDR} -m comment --comment "nodekube pod network: pods to the outside" -j MASQUERADE`,
    'COMMIT',
    '',
  ].join('\n');
}

/**
 * Docker evaluates DOCKER-USER before its own FORWARD rules, and re-inserts its jumps at the top
 * of FORWARD whenever dockerd restarts — so on a node with Docker the accept goes there too, or
 * a dockerd restart would put Docker's DROPs for traffic into docker0 in front of ours.
 */
const DOCKER_USER = {
  table: 'filter' as const,
  chain: 'DOCKER-USER',
  args: ['-m', 'comment', '--comment', 'nodekube pod network', '-j', FORWARD_CHAIN],
};

const JUMPS = [
  {
    table: 'filter' as const,
    chain: 'FORWARD',
    args: ['-m', 'comment', '--comment', 'nodekube pod network', '-j', FORWARD_CHAIN],
  },
  {
    table: 'nat' as const,
    chain: 'POSTROUTING',
    args: ['-m', 'comment', '--comment', 'nodekube pod network', '-j', POSTROUTING_CHAIN],
  },
];

export class RouteTable {
  private readonly exec: Exec;

  /** `prefix` wraps every command (tests: `['nsenter', '--net=/run/netns/X']`). */
  constructor(
    private readonly iptables: Pick<
      Iptables,
      'restore' | 'ensureRule' | 'deleteRule' | 'deleteChains' | 'chainExists'
    >,
    prefix: string[] = [],
  ) {
    this.exec = execWith(prefix);
  }

  private async ip(args: string[]): Promise<string> {
    const r = await this.exec('ip', args);
    if (r.code !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** Routes carrying our proto number, and only those. */
  async list(): Promise<Route[]> {
    const rows = JSON.parse(
      (await this.ip(['-j', 'route', 'show', 'proto', String(ROUTE_PROTO)])) || '[]',
    ) as Array<{ dst: string; gateway?: string }>;
    return rows.filter((r) => r.gateway).map((r) => ({ dst: r.dst, via: r.gateway as string }));
  }

  async apply(plan: RoutePlan): Promise<void> {
    for (const r of plan.del)
      await this.ip(['route', 'del', r.dst, 'via', r.via, 'proto', String(ROUTE_PROTO)]);
    for (const r of plan.add)
      await this.ip(['route', 'replace', r.dst, 'via', r.via, 'proto', String(ROUTE_PROTO)]);
  }

  /** The routes clusterRoutes() returns, each `ip route replace`d (idempotent). */
  async ensureClusterRoutes(routes: string[][]): Promise<void> {
    for (const r of routes) await this.ip(['route', 'replace', ...r]);
  }

  /** ip_forward on, our chains written whole, jumps into them present (idempotent). */
  async ensureForwarding(clusterCIDR: string): Promise<void> {
    const r = await this.exec('sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
    if (r.code !== 0) throw new Error(`sysctl net.ipv4.ip_forward=1: ${r.stderr.trim()}`);
    await this.iptables.restore(networkRules(clusterCIDR));
    for (const j of JUMPS) await this.iptables.ensureRule(j.table, j.chain, j.args);
    if (await this.iptables.chainExists(DOCKER_USER.table, DOCKER_USER.chain)) {
      await this.iptables.ensureRule(DOCKER_USER.table, DOCKER_USER.chain, DOCKER_USER.args);
    }
  }

  /** `hostgw --cleanup`: our routes, jumps and chains go; ip_forward stays (others may need it). */
  async cleanup(): Promise<void> {
    await this.apply({ add: [], del: await this.list() });
    // The cluster routes carry the same proto number but no gateway, so list() leaves them out.
    await this.ip(['route', 'flush', 'proto', String(ROUTE_PROTO)]);
    for (const j of [...JUMPS, DOCKER_USER]) await this.iptables.deleteRule(j.table, j.chain, j.args);
    await this.iptables.deleteChains('filter', [FORWARD_CHAIN]);
    await this.iptables.deleteChains('nat', [POSTROUTING_CHAIN]);
  }
}
