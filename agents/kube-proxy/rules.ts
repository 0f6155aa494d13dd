// The iptables rules of one node, as `iptables-restore` text. PURE: services, endpoints and the
// node in, text out; only syncer.ts runs anything. This is proxier.go's syncProxyRules without
// its side effects, and the layout is the one `iptables-save` shows on the seeds' clusters:
//
//   PREROUTING/OUTPUT → KUBE-SERVICES ─ -d clusterIP --dport port ─→ KUBE-SVC-<hash>
//                                     ├ -d externalIP --dport port ─→ KUBE-MARK-MASQ, KUBE-SVC-<hash>
//                                     └ last: addrtype LOCAL ─→ KUBE-NODEPORTS ─ --dport nodePort ─→ KUBE-SVC-<hash>
//   KUBE-SVC-<hash>: mark off-cluster sources for masquerade, then pick an endpoint:
//                    probability 1/n, then 1/(n-1) of what is left, …, the last takes the rest
//   KUBE-SEP-<hash>: mark hairpin traffic (a pod reaching itself), DNAT to ip:port
//   POSTROUTING → KUBE-POSTROUTING: MASQUERADE what KUBE-MARK-MASQ marked (0x4000)
//   filter KUBE-SERVICES / KUBE-EXTERNAL-SERVICES: REJECT services with no endpoints, so a
//                    client gets "connection refused" at once instead of a timeout
//   filter KUBE-FIREWALL (from INPUT, OUTPUT): DROP packets to 127.0.0.0/8 that came from
//                    elsewhere and were not DNATed. NodePorts answer on 127.0.0.1, which needs
//                    net.ipv4.conf.all.route_localnet=1 (set by the syncer) so 127.0.0.1 may be
//                    routed to a pod; that sysctl would also let other hosts reach the node's
//                    loopback services (kubernetes#90259), and this rule shuts that door again.
//
// What one service port writes is port-rules.ts; this file adds the fixed chains and assembles.
// A partial sync (`previous` given) writes the fixed chains plus only the per-service chains
// whose text differs from what the last sync applied, and deletes the ones no longer wanted.
//
// Chains and their rules are written sorted by chain name, the order `iptables-save` prints
// them in, so the golden files in testdata/ read like a transcript from a real node.

import type { Endpoints, Service } from '../api/types';
import { isPerServiceChain } from './chain-names';
import { comment, MASQ_MARK, portRules } from './port-rules';
import { buildServicePorts, type ServicePort } from './service-map';

export { MASQ_MARK, probability } from './port-rules';

export interface RulesInput {
  services: Service[];
  endpoints: Endpoints[];
  /** The node the rules are for. Unused by the layout so far; externalTrafficPolicy: Local
   *  (only this node's endpoints) would need it, and is not implemented. */
  node: { name: string; ip?: string };
  /** Pod network of the whole cluster: traffic from outside it to a cluster IP is masqueraded. */
  clusterCIDR: string;
  /** Chains on the node (a full sync: `iptables-save`; a partial one: what the last sync applied).
   *  Per-service chains among them that are no longer wanted are deleted. */
  existingChains?: { nat?: Iterable<string>; filter?: Iterable<string> };
}

/** The chains every sync writes whole; the per-service ones come and go with services. */
export const FIXED_CHAINS = {
  nat: ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'],
  filter: ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-FIREWALL'],
} as const;

const NODEPORTS_COMMENT = 'kubernetes service nodeports; NOTE: this must be the last rule in this chain';

/** What a sync applied: per table, per-service chain → its rules as one block of text. (The
 *  fixed chains are written by every sync, so they need no remembering.) */
export interface AppliedChains {
  nat: Map<string, string>;
  filter: Map<string, string>;
}

/** The fixed chains' rules (built every sync) and the per-service chains' text blocks. */
export class Table {
  /** Fixed chain → its "-A chain …" lines. */
  readonly chains = new Map<string, string[]>();
  readonly blocks = new Map<string, string>();
  readonly deleted: string[] = [];
  constructor(readonly name: 'nat' | 'filter') {}

  add(chain: string, ...rules: string[]): void {
    this.addLines(
      chain,
      rules.map((r) => `-A ${chain} ${r}`),
    );
  }
  /** Lines already spelled "-A chain …" (port-rules.ts writes them so). */
  addLines(chain: string, lines: string[]): void {
    const list = this.chains.get(chain) ?? [];
    this.chains.set(chain, list);
    for (const l of lines) list.push(l);
  }
  /** Stale chains: declared (which flushes them) then deleted, in the same transaction. */
  deleteStale(existing: Iterable<string> | undefined): void {
    for (const chain of existing ?? []) {
      if (!this.blocks.has(chain) && !this.chains.has(chain) && isPerServiceChain(chain))
        this.deleted.push(chain);
    }
    this.deleted.sort();
  }
  /**
   * Restore text for this table. Per-service chains whose text equals `previous` (what the last
   * successful sync wrote) are left out: with --noflush an unmentioned chain stays as it is, so a
   * change to one service rewrites that service's chains, not all 60,000 of a large node
   * (upstream's "partial sync", kube-proxy ≥ 1.26).
   */
  render(previous?: Map<string, string>): string[] {
    const changed = [...this.blocks.keys()].filter((c) => previous?.get(c) !== this.blocks.get(c));
    const names = [...this.chains.keys(), ...changed].sort();
    const lines = [`*${this.name}`];
    for (const c of [...names, ...this.deleted].sort()) lines.push(`:${c} - [0:0]`);
    for (const c of names) {
      const fixed = this.chains.get(c);
      if (fixed) for (const l of fixed) lines.push(l);
      else lines.push(this.blocks.get(c) as string);
    }
    for (const c of this.deleted) lines.push(`-X ${c}`);
    lines.push('COMMIT');
    return lines;
  }
}

/** Rules that do not depend on any service: marking, masquerading, forwarding, loopback. */
function writeFixedRules(nat: Table, filter: Table, clusterCIDR: string): void {
  for (const c of FIXED_CHAINS.nat) nat.add(c);
  for (const c of FIXED_CHAINS.filter) filter.add(c);
  nat.add('KUBE-MARK-MASQ', `-j MARK --set-xmark ${MASQ_MARK}`);
  nat.add(
    'KUBE-POSTROUTING',
    `-m mark ! --mark ${MASQ_MARK} -j RETURN`,
    // Clear the mark so a packet that is encapsulated and routed again is not masqueraded twice.
    '-j MARK --set-xmark 0x4000/0x0',
    `${comment('kubernetes service traffic requiring SNAT')} -j MASQUERADE`,
  );
  filter.add(
    'KUBE-FORWARD',
    '-m conntrack --ctstate INVALID -j DROP',
    `${comment('kubernetes forwarding rules')} -m mark --mark ${MASQ_MARK} -j ACCEPT`,
    `-s ${clusterCIDR} ${comment('kubernetes forwarding conntrack pod source rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    `-d ${clusterCIDR} ${comment('kubernetes forwarding conntrack pod destination rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
  );
  // "DNAT" spares 127.0.0.1:nodePort itself and the replies to it (see the top of this file).
  filter.add(
    'KUBE-FIREWALL',
    `! -s 127.0.0.0/8 -d 127.0.0.0/8 ${comment('block incoming localnet connections')} -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP`,
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
  for (const sp of ports) {
    const r = portRules(sp, input.clusterCIDR);
    nat.addLines('KUBE-SERVICES', r.natServices);
    nat.addLines('KUBE-NODEPORTS', r.natNodePorts);
    filter.addLines('KUBE-SERVICES', r.filterServices);
    filter.addLines('KUBE-EXTERNAL-SERVICES', r.filterExternal);
    for (const [chain, text] of r.chains) nat.blocks.set(chain, text);
  }
  // Must stay last: a cluster IP is never LOCAL, so service rules above win for them. 127.0.0.1
  // is LOCAL, so a NodePort answers there too (from the node itself: nat OUTPUT).
  nat.add('KUBE-SERVICES', `${comment(NODEPORTS_COMMENT)} -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`);
  nat.deleteStale(input.existingChains?.nat);
  filter.deleteStale(input.existingChains?.filter);
  return { nat, filter };
}

/** `previous`: what the last applied sync wrote (ruleContents); undefined writes every chain. */
export function renderRestore(t: RuleTables, previous?: AppliedChains): string {
  return [...t.filter.render(previous?.filter), ...t.nat.render(previous?.nat), ''].join('\n');
}

/** What to pass as `previous` to the next renderRestore once this one was applied. */
export function ruleContents(t: RuleTables): AppliedChains {
  return { nat: t.nat.blocks, filter: t.filter.blocks };
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
