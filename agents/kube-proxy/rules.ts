// The iptables rules of one node, as `iptables-restore` text. PURE: services, endpoints and the
// node in, text out; only syncer.ts runs anything. This is proxier.go's syncProxyRules without
// its side effects, and the layout is the one `iptables-save` shows on the seeds' clusters:
//
//   PREROUTING/OUTPUT → KUBE-SERVICES ─ -d clusterIP --dport port ─→ KUBE-SVC-<hash>
//                                     └ last: addrtype LOCAL ─→ KUBE-NODEPORTS ─ --dport nodePort ─→ KUBE-SVC-<hash>
//   KUBE-SVC-<hash>: mark off-cluster sources for masquerade, then pick an endpoint:
//                    probability 1/n, then 1/(n-1) of what is left, …, the last takes the rest
//   KUBE-SEP-<hash>: mark hairpin traffic (a pod reaching itself), DNAT to ip:port
//   POSTROUTING → KUBE-POSTROUTING: MASQUERADE what KUBE-MARK-MASQ marked (0x4000)
//   filter KUBE-SERVICES / KUBE-EXTERNAL-SERVICES: REJECT services with no endpoints, so a
//                    client gets "connection refused" at once instead of a timeout
//
// Chains and their rules are written sorted by chain name, the order `iptables-save` prints
// them in, so the golden files in testdata/ read like a transcript from a real node.

import type { Endpoints, Service } from '../api/types';
import { isPerServiceChain } from './chain-names';
import { buildServicePorts, type Endpoint, type ServicePort } from './service-map';

export interface RulesInput {
  services: Service[];
  endpoints: Endpoints[];
  /** The node the rules are for. Unused by the layout so far; externalTrafficPolicy: Local
   *  (only this node's endpoints) would need it, and is not implemented. */
  node: { name: string; ip?: string };
  /** Pod network of the whole cluster: traffic from outside it to a cluster IP is masqueraded. */
  clusterCIDR: string;
  /** Chains found on the node (`iptables-save`): per-service chains no longer wanted are deleted. */
  existingChains?: { nat?: string[]; filter?: string[] };
}

/** Mark bit kube-proxy uses for "masquerade this" (upstream --iptables-masquerade-bit=14). */
export const MASQ_MARK = '0x4000/0x4000';

/** The chains every sync writes whole; the per-service ones come and go with services. */
export const FIXED_CHAINS = {
  nat: ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'],
  filter: ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD'],
} as const;

const NODEPORTS_COMMENT = 'kubernetes service nodeports; NOTE: this must be the last rule in this chain';

/**
 * The probability that rule i of n picks its endpoint, given the earlier rules did not:
 * 1/(n-i). Written as iptables-save prints it back — the statistic match keeps it as a 31-bit
 * fraction and prints 11 decimals — so 1/3 is 0.33333333349 and 1/2 is 0.50000000000.
 */
export function probability(remaining: number): string {
  const stored = Math.round(0x80000000 / remaining);
  return (stored / 0x80000000).toFixed(11);
}

/** Rules per chain, in insertion order; chains render sorted by name. */
export class Table {
  readonly chains = new Map<string, string[]>();
  readonly deleted: string[] = [];
  constructor(readonly name: 'nat' | 'filter') {}

  declare(chain: string): void {
    if (!this.chains.has(chain)) this.chains.set(chain, []);
  }
  add(chain: string, rule: string): void {
    this.declare(chain);
    this.chains.get(chain)?.push(`-A ${chain} ${rule}`);
  }
  /** Stale chains: declared (which flushes them) then deleted, in the same transaction. */
  deleteStale(existing: string[] | undefined): void {
    for (const chain of existing ?? []) {
      if (isPerServiceChain(chain) && !this.chains.has(chain)) this.deleted.push(chain);
    }
    this.deleted.sort();
  }
  /**
   * Restore text for this table. Per-service chains whose rules equal `previous` (what the last
   * successful sync wrote) are left out: with --noflush an unmentioned chain stays as it is, so a
   * change to one service rewrites that service's chains, not all 6,000 of a large node
   * (upstream's "partial sync", kube-proxy ≥ 1.26).
   */
  render(previous?: Map<string, string>): string[] {
    const unchanged = (c: string) =>
      isPerServiceChain(c) && previous?.get(c) === this.chains.get(c)?.join('\n');
    const names = [...this.chains.keys()].filter((c) => !unchanged(c)).sort();
    const stale = this.deleted;
    return [
      `*${this.name}`,
      ...[...names, ...stale].sort().map((c) => `:${c} - [0:0]`),
      ...names.flatMap((c) => this.chains.get(c) ?? []),
      ...stale.map((c) => `-X ${c}`),
      'COMMIT',
    ];
  }
  /** chain → its rules as one string: what `previous` is made of on the next sync. */
  contents(): Map<string, string> {
    return new Map([...this.chains].map(([c, rules]) => [`${this.name}/${c}`, rules.join('\n')]));
  }
}

const comment = (text: string) => `-m comment --comment "${text}"`;

/** `-p tcp … -m tcp --dport 80`: the protocol match comes before the comment, the port after. */
function portMatch(sp: ServicePort, port: number, commentText: string): string {
  return `-p ${sp.protocol} ${comment(commentText)} -m ${sp.protocol} --dport ${port}`;
}

function writeServicePort(nat: Table, filter: Table, sp: ServicePort, clusterCIDR: string): void {
  const clusterIPMatch = `-d ${sp.clusterIP}/32 ${portMatch(sp, sp.port, `${sp.name} cluster IP`)}`;
  if (sp.endpoints.length === 0) {
    const why = `${sp.name} has no endpoints`;
    filter.add(
      'KUBE-SERVICES',
      `-d ${sp.clusterIP}/32 ${portMatch(sp, sp.port, why)} -j REJECT --reject-with icmp-port-unreachable`,
    );
    if (sp.nodePort) {
      filter.add(
        'KUBE-EXTERNAL-SERVICES',
        `-p ${sp.protocol} ${comment(why)} -m addrtype --dst-type LOCAL -m ${sp.protocol} --dport ${sp.nodePort} -j REJECT --reject-with icmp-port-unreachable`,
      );
    }
    return;
  }
  nat.add('KUBE-SERVICES', `${clusterIPMatch} -j ${sp.chain}`);
  nat.add(sp.chain, `! -s ${clusterCIDR} ${clusterIPMatch} -j KUBE-MARK-MASQ`);
  if (sp.nodePort) {
    nat.add('KUBE-NODEPORTS', `${portMatch(sp, sp.nodePort, sp.name)} -j ${sp.chain}`);
    nat.add(sp.chain, `${portMatch(sp, sp.nodePort, sp.name)} -j KUBE-MARK-MASQ`);
  }
  writeEndpointChoice(nat, sp);
  for (const ep of sp.endpoints) writeEndpoint(nat, sp, ep);
}

/** `-m recent` options naming one endpoint's list of recent clients, in iptables-save's order. */
function recent(action: string, ep: Endpoint): string {
  return `-m recent ${action} --name ${ep.chain} --mask 255.255.255.255 --rsource`;
}

/** In the service chain: sticky clients first (ClientIP affinity), then the random pick. */
function writeEndpointChoice(nat: Table, sp: ServicePort): void {
  if (sp.affinitySeconds !== undefined) {
    for (const ep of sp.endpoints) {
      nat.add(
        sp.chain,
        `${comment(sp.name)} ${recent(`--rcheck --seconds ${sp.affinitySeconds} --reap`, ep)} -j ${ep.chain}`,
      );
    }
  }
  const n = sp.endpoints.length;
  sp.endpoints.forEach((ep, i) => {
    const pick = i < n - 1 ? ` -m statistic --mode random --probability ${probability(n - i)}` : '';
    nat.add(sp.chain, `${comment(sp.name)}${pick} -j ${ep.chain}`);
  });
}

function writeEndpoint(nat: Table, sp: ServicePort, ep: Endpoint): void {
  nat.add(ep.chain, `-s ${ep.ip}/32 ${comment(sp.name)} -j KUBE-MARK-MASQ`);
  const remember = sp.affinitySeconds !== undefined ? ` ${recent('--set', ep)}` : '';
  nat.add(
    ep.chain,
    `-p ${sp.protocol} ${comment(sp.name)}${remember} -m ${sp.protocol} -j DNAT --to-destination ${ep.ip}:${ep.port}`,
  );
}

/** Rules that do not depend on any service: marking, masquerading, forwarding. */
function writeFixedRules(nat: Table, filter: Table, clusterCIDR: string): void {
  for (const c of FIXED_CHAINS.nat) nat.declare(c);
  for (const c of FIXED_CHAINS.filter) filter.declare(c);
  nat.add('KUBE-MARK-MASQ', `-j MARK --set-xmark ${MASQ_MARK}`);
  nat.add('KUBE-POSTROUTING', `-m mark ! --mark ${MASQ_MARK} -j RETURN`);
  // Clear the mark so a packet that is encapsulated and routed again is not masqueraded twice.
  nat.add('KUBE-POSTROUTING', '-j MARK --set-xmark 0x4000/0x0');
  nat.add('KUBE-POSTROUTING', `${comment('kubernetes service traffic requiring SNAT')} -j MASQUERADE`);
  filter.add('KUBE-FORWARD', '-m conntrack --ctstate INVALID -j DROP');
  filter.add(
    'KUBE-FORWARD',
    `${comment('kubernetes forwarding rules')} -m mark --mark ${MASQ_MARK} -j ACCEPT`,
  );
  filter.add(
    'KUBE-FORWARD',
    `-s ${clusterCIDR} ${comment('kubernetes forwarding conntrack pod source rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
  );
  filter.add(
    'KUBE-FORWARD',
    `-d ${clusterCIDR} ${comment('kubernetes forwarding conntrack pod destination rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
  );
}

/** Both tables, built; render them with `renderRestore`. */
export interface RuleTables {
  nat: Table;
  filter: Table;
}

export function buildRuleTables(
  ports: ServicePort[],
  input: Omit<RulesInput, 'services' | 'endpoints'>,
): RuleTables {
  const nat = new Table('nat');
  const filter = new Table('filter');
  writeFixedRules(nat, filter, input.clusterCIDR);
  for (const sp of ports) writeServicePort(nat, filter, sp, input.clusterCIDR);
  // Must stay last: a cluster IP is never LOCAL, so service rules above win for them.
  nat.add('KUBE-SERVICES', `${comment(NODEPORTS_COMMENT)} -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`);
  nat.deleteStale(input.existingChains?.nat);
  filter.deleteStale(input.existingChains?.filter);
  return { nat, filter };
}

/** `previous`: "table/chain" → rules, from RuleTables.contents of the last applied sync. */
export function renderRestore(t: RuleTables, previous?: Map<string, string>): string {
  const prev = (table: string) =>
    previous &&
    new Map(
      [...previous]
        .filter(([k]) => k.startsWith(`${table}/`))
        .map(([k, v]) => [k.slice(table.length + 1), v]),
    );
  return [...t.filter.render(prev('filter')), ...t.nat.render(prev('nat')), ''].join('\n');
}

export function ruleContents(t: RuleTables): Map<string, string> {
  return new Map([...t.filter.contents(), ...t.nat.contents()]);
}

export function buildRulesFromPorts(
  ports: ServicePort[],
  input: Omit<RulesInput, 'services' | 'endpoints'>,
): string {
  return renderRestore(buildRuleTables(ports, input));
}

export function buildRules(input: RulesInput): string {
  return buildRulesFromPorts(buildServicePorts(input.services, input.endpoints), input);
}
