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
// A partial sync (`previous` given) writes only the chains whose rules differ from what the last
// sync applied — per-service and fixed chains alike — and deletes the ones no longer wanted. An
// endpoint change writes its service's chains and nothing else: at 10,000 services KUBE-SERVICES
// alone holds 10,000 rules, and rewriting it costs seconds under iptables-nft (see Table.render).
//
// Chains and their rules are written sorted by chain name, the order `iptables-save` prints
// them in, so the golden files in testdata/ read like a transcript from a real node.

import type { Endpoints, Service } from '../api/types';
import { isEndpointChain, isPerServiceChain } from './chain-names';
import type { Backend } from './iptables';
import { type JumpRule, jumpRuleLine } from './jumps';
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
  /** Chains on the node, as a full sync reads them (`iptables-save`): per-service chains among
   *  them that are no longer wanted are deleted. A partial sync passes none: renderRestore
   *  deletes what the previous sync wrote and this one no longer wants. */
  existingChains?: { nat?: Iterable<string>; filter?: Iterable<string> };
}

/** The chains of every node, whatever its services; the per-service ones come and go. */
export const FIXED_CHAINS = {
  nat: ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'],
  filter: ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'KUBE-FIREWALL'],
} as const;

/** The fixed chains whose rules jump into per-service chains: a restore of several
 *  transactions writes them in its last one, once every chain they lead to is in place. */
const LEADING_INTO_SERVICES: ReadonlySet<string> = new Set(['KUBE-SERVICES', 'KUBE-NODEPORTS']);

/**
 * How many service ports' chains one transaction (one COMMIT) of a restore may write.
 *
 * iptables-nft-restore (1.8.9) keeps the name of every chain a transaction mentions, a jump's
 * target included, in a list sorted by name, and finds each line's chains by walking that list
 * from the start (cache_chain_list_insert in its nft-cache.c): a transaction of n chains costs
 * on the order of n² string compares. At 10,000 services × 5 endpoints (60,000 chains) a full
 * sync spent most of its 73 s there, and 40 % of its 1.3 s at 1,000. Transactions of 100 ports'
 * chains keep that list short; the kernel pays a little per transaction instead (it validates
 * the table at each commit that adds rules). 100 was the fastest of the sizes tried
 * (bench/results/2026-12-03-vm-nft-transactions.json, which has the perf readings too).
 *
 * iptables-legacy-restore reads and replaces the whole table at every COMMIT (4 s at 10k), so
 * there one transaction is cheapest, and it is what a restore has always been here.
 */
export function servicePortsPerTransaction(backend: Backend | undefined): number {
  return backend === 'nft' ? 100 : Number.POSITIVE_INFINITY;
}

const NODEPORTS_COMMENT = 'kubernetes service nodeports; NOTE: this must be the last rule in this chain';

/**
 * A chain's rules as restore text, in pieces: each piece one or more "-A chain …" lines. A
 * per-service chain is one piece (port-rules.ts), a fixed chain one piece per rule. The pieces
 * of an unchanged service are the same strings sync after sync (port-rules.ts remembers them),
 * so comparing KUBE-SERVICES at 10,000 rules with the last sync's is a pointer comparison per
 * rule, not a join and compare of 1.4 MB of text.
 */
export type ChainRules = readonly string[];

/** One service port's own chains (port-rules.ts), the same array while the port is unchanged. */
export type ServiceChains = readonly (readonly [string, ChainRules])[];

/** What a sync applied to one table: every chain it wanted there, fixed and per-service. */
export interface AppliedTable {
  fixed: ReadonlyMap<string, ChainRules>;
  /** KUBE-SVC chain of a service port → the chains that port owns (its KUBE-SVC and KUBE-SEPs). */
  perService: ReadonlyMap<string, ServiceChains>;
}

/** What a sync applied, per table. The next partial sync writes the chains that differ. */
export interface AppliedChains {
  nat: AppliedTable;
  filter: AppliedTable;
}

/** "-A chain rule" for each rule. */
function inChain(chain: string, ...rules: string[]): string[] {
  return rules.map((r) => `-A ${chain} ${r}`);
}

/** Same rules, piece by piece? (Equal text cut differently counts as a change: harmless.) */
function sameRules(a: ChainRules | undefined, b: ChainRules): boolean {
  if (a === b) return true;
  if (a?.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One table's chains and their rules, and the stale chains to delete. */
export class Table implements AppliedTable {
  /** The fixed chains (FIXED_CHAINS) → their rules. */
  readonly fixed = new Map<string, ChainRules>();
  /**
   * The per-service chains, grouped by the service port that owns them. A partial sync compares
   * group with group: an unchanged port hands out the same array (port-rules.ts), so at 10,000
   * services a sync looks at 10,000 groups, not at 60,000 chains one by one.
   */
  readonly perService = new Map<string, ServiceChains>();
  /** Per-service chains the node has (a full sync's iptables-save) that are no longer wanted. */
  readonly stale: string[] = [];
  constructor(readonly name: 'nat' | 'filter') {}

  /** Stale chains: declared (which flushes them) then deleted, in the same transaction. */
  deleteStale(existing: Iterable<string> | undefined): void {
    if (!existing) return;
    const wanted = new Set<string>();
    for (const chains of this.perService.values()) for (const [chain] of chains) wanted.add(chain);
    for (const chain of existing) {
      if (!wanted.has(chain) && isPerServiceChain(chain)) this.stale.push(chain);
    }
  }
  /**
   * This table as far as `onNode` (chain → its "-A" lines as iptables-save reads them back)
   * already holds it: the `previous` of a full sync (appliedOnNode). A chain counts as applied
   * when the node has it with exactly these rules; one that is missing or differs does not.
   */
  agreeingWith(onNode: ReadonlyMap<string, readonly string[]> | undefined): AppliedTable {
    const agrees = (chain: string, rules: ChainRules) => {
      const saved = onNode?.get(chain);
      return saved !== undefined && saved.join('\n') === rules.join('\n');
    };
    const fixed = new Map<string, ChainRules>();
    for (const [chain, rules] of this.fixed) if (agrees(chain, rules)) fixed.set(chain, rules);
    const perService = new Map<string, ServiceChains>();
    for (const [owner, chains] of this.perService) {
      const applied = chains.filter(([chain, rules]) => agrees(chain, rules));
      // The very array when all of it is there: render then skips the port at a glance.
      perService.set(owner, applied.length === chains.length ? chains : applied);
    }
    return { fixed, perService };
  }

  /**
   * Restore text for this table. Without `previous` every chain is written (buildRules; a full
   * sync passes what the node holds, appliedOnNode).
   * With it (what the last successful sync applied), a chain whose rules equal what it had
   * then is left out: with --noflush an unmentioned chain keeps its rules, so a change to one
   * service writes that service's chains, not all 60,000 of a large node (upstream's "partial
   * sync", kube-proxy ≥ 1.26), and deletes the chains it no longer has. Upstream writes its
   * fixed chains — KUBE-SERVICES above all — on every sync; here they are left out too when
   * unchanged, because under iptables-nft rewriting a KUBE-SERVICES of 10,000 rules takes
   * ~1.5 s, while a restore that leaves it alone takes tens of ms (bench/kube-proxy.ts). A
   * written chain is declared first (`:CHAIN - [0:0]` flushes it), a chain left out is not
   * mentioned at all; a table with nothing to write or delete renders as no lines. `hooks` are
   * inserted into built-in chains (jumps.ts), which are never declared: that would flush what
   * others put there.
   *
   * More service ports to write than `portsPerTransaction` (servicePortsPerTransaction) makes
   * several transactions, leaves first, so the table is whole after each: every port's chains
   * in one of them, with the fixed chains they jump to (KUBE-MARK-MASQ) in the first; then the
   * chains leading into them (KUBE-SERVICES, KUBE-NODEPORTS), the hooks and the deletions in
   * the last. Until that one commits, packets take the old way in; no service is ever half
   * written. If a later transaction fails, the earlier ones stay, which is still a working
   * table, and the syncer's next sync is a full one.
   */
  render(
    previous?: AppliedTable,
    hooks: readonly JumpRule[] = [],
    portsPerTransaction = Number.POSITIVE_INFINITY,
  ): string[] {
    const fixed = new Map<string, ChainRules>();
    const ports: Map<string, ChainRules>[] = [];
    const deleted = [...this.stale];
    for (const [chain, rules] of this.fixed)
      if (!sameRules(previous?.fixed.get(chain), rules)) fixed.set(chain, rules);
    for (const [owner, chains] of this.perService) {
      const before = previous?.perService.get(owner);
      if (before === chains) continue;
      const gone = new Map(before);
      const written = new Map<string, ChainRules>();
      for (const [chain, rules] of chains) {
        if (!sameRules(gone.get(chain), rules)) written.set(chain, rules);
        gone.delete(chain);
      }
      for (const chain of gone.keys()) deleted.push(chain);
      if (written.size > 0) ports.push(written);
    }
    for (const [owner, chains] of previous?.perService ?? [])
      if (!this.perService.has(owner)) for (const [chain] of chains) deleted.push(chain);
    const inserted = hooks.filter((j) => j.table === this.name);
    if (ports.length <= portsPerTransaction) {
      const written = new Map(fixed);
      for (const port of ports) for (const [chain, rules] of port) written.set(chain, rules);
      return this.transaction(written, inserted, deleted);
    }
    // The fixed chains the ports jump to (KUBE-MARK-MASQ) go first, the ones leading in last.
    const leaves = new Map([...fixed].filter(([chain]) => !LEADING_INTO_SERVICES.has(chain)));
    for (const chain of leaves.keys()) fixed.delete(chain);
    const lines: string[] = [];
    for (let i = 0; i < ports.length; i += portsPerTransaction)
      lines.push(
        ...this.portsTransaction(i === 0 ? leaves : new Map(), ports.slice(i, i + portsPerTransaction)),
      );
    return lines.concat(this.transaction(fixed, inserted, deleted));
  }

  /**
   * One transaction of service ports' chains (and `leaves`, the fixed chains they jump to),
   * laid out for iptables-nft-restore's sorted list of names (servicePortsPerTransaction):
   * each chain declared right before its rules, in descending name order, so that a name is
   * smaller than those already listed and goes in after a few compares, not after all of
   * them. The endpoint chains come before the service chains that jump to them.
   */
  private portsTransaction(
    leaves: ReadonlyMap<string, ChainRules>,
    ports: readonly ReadonlyMap<string, ChainRules>[],
  ): string[] {
    const chains = new Map<string, ChainRules>();
    for (const port of ports) for (const [chain, rules] of port) chains.set(chain, rules);
    const descending = (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0);
    const names = [...chains.keys()];
    const lines = [`*${this.name}`];
    for (const c of [...leaves.keys()].sort()) lines.push(`:${c} - [0:0]`, ...(leaves.get(c) ?? []));
    for (const c of [
      ...names.filter(isEndpointChain).sort(descending),
      ...names.filter((c) => !isEndpointChain(c)).sort(descending),
    ])
      lines.push(`:${c} - [0:0]`, ...(chains.get(c) ?? []));
    lines.push('COMMIT');
    return lines;
  }

  /** One transaction: declare what is written or deleted, write, insert the hooks, delete. */
  private transaction(
    written: ReadonlyMap<string, ChainRules>,
    inserted: readonly JumpRule[],
    deleted: string[],
  ): string[] {
    if (written.size === 0 && deleted.length === 0 && inserted.length === 0) return [];
    const names = [...written.keys()].sort();
    deleted.sort();
    const lines = [`*${this.name}`];
    for (const c of [...names, ...deleted].sort()) lines.push(`:${c} - [0:0]`);
    for (const c of names) for (const piece of written.get(c) ?? []) lines.push(piece);
    for (const j of inserted) lines.push(jumpRuleLine(j, '-I'));
    for (const c of deleted) lines.push(`-X ${c}`);
    lines.push('COMMIT');
    return lines;
  }
}

/** The chains that do not depend on any service: marking, masquerading, forwarding, loopback. */
function writeFixedChains(nat: Table, filter: Table, clusterCIDR: string): void {
  nat.fixed.set('KUBE-MARK-MASQ', inChain('KUBE-MARK-MASQ', `-j MARK --set-xmark ${MASQ_MARK}`));
  nat.fixed.set(
    'KUBE-POSTROUTING',
    inChain(
      'KUBE-POSTROUTING',
      `-m mark ! --mark ${MASQ_MARK} -j RETURN`,
      // Clear the mark so a packet that is encapsulated and routed again is not masqueraded twice.
      '-j MARK --set-xmark 0x4000/0x0',
      `${comment('kubernetes service traffic requiring SNAT')} -j MASQUERADE`,
    ),
  );
  filter.fixed.set(
    'KUBE-FORWARD',
    inChain(
      'KUBE-FORWARD',
      '-m conntrack --ctstate INVALID -j DROP',
      `${comment('kubernetes forwarding rules')} -m mark --mark ${MASQ_MARK} -j ACCEPT`,
      `-s ${clusterCIDR} ${comment('kubernetes forwarding conntrack pod source rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      `-d ${clusterCIDR} ${comment('kubernetes forwarding conntrack pod destination rule')} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    ),
  );
  // "DNAT" spares 127.0.0.1:nodePort itself and the replies to it (see the top of this file).
  filter.fixed.set(
    'KUBE-FIREWALL',
    inChain(
      'KUBE-FIREWALL',
      `! -s 127.0.0.0/8 -d 127.0.0.0/8 ${comment('block incoming localnet connections')} -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP`,
    ),
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
  writeFixedChains(nat, filter, input.clusterCIDR);
  // The fixed chains every service port adds rules to.
  const natServices: string[] = [];
  const natNodePorts: string[] = [];
  const filterServices: string[] = [];
  const filterExternal: string[] = [];
  for (const sp of ports) {
    const r = portRules(sp, input.clusterCIDR);
    for (const l of r.natServices) natServices.push(l);
    for (const l of r.natNodePorts) natNodePorts.push(l);
    for (const l of r.filterServices) filterServices.push(l);
    for (const l of r.filterExternal) filterExternal.push(l);
    if (r.chains.length > 0) nat.perService.set(sp.chain, r.chains);
  }
  // Must stay last: a cluster IP is never LOCAL, so service rules above win for them. 127.0.0.1
  // is LOCAL, so a NodePort answers there too (from the node itself: nat OUTPUT).
  natServices.push(
    `-A KUBE-SERVICES ${comment(NODEPORTS_COMMENT)} -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`,
  );
  nat.fixed.set('KUBE-SERVICES', natServices);
  nat.fixed.set('KUBE-NODEPORTS', natNodePorts);
  filter.fixed.set('KUBE-SERVICES', filterServices);
  filter.fixed.set('KUBE-EXTERNAL-SERVICES', filterExternal);
  nat.deleteStale(input.existingChains?.nat);
  filter.deleteStale(input.existingChains?.filter);
  return { nat, filter };
}

/**
 * `previous`: what the last applied sync wrote (ruleContents); undefined writes every chain.
 * `hooks`: jumps from built-in chains to insert (a full sync's missing ones, jumps.ts).
 * `portsPerTransaction`: see servicePortsPerTransaction; by default one transaction per table.
 * '' when there is nothing to write: nothing changed since `previous`.
 */
export function renderRestore(
  t: RuleTables,
  previous?: AppliedChains,
  hooks: readonly JumpRule[] = [],
  portsPerTransaction = Number.POSITIVE_INFINITY,
): string {
  const lines = t.filter
    .render(previous?.filter, hooks, portsPerTransaction)
    .concat(t.nat.render(previous?.nat, hooks, portsPerTransaction));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/**
 * What the node already holds of `t`, read from its iptables-save (rulesInSave), as the
 * `previous` of a full sync: the full sync then writes the chains that are missing or differ
 * from what it wants — whatever someone changed or removed — and leaves the others alone.
 * Upstream's full sync rewrites every chain: under iptables-nft, at 10,000 services with
 * nothing to change, that restore took 90 s in one transaction and 41 s in transactions of 100
 * ports (2026-12-03-vm-nft-transactions.json), where one iptables-save of it takes ~3 s. Only
 * chains whose text matches exactly are left out; one that iptables-save prints differently is
 * rewritten at each full sync, as all were before.
 */
export function appliedOnNode(
  t: RuleTables,
  saved: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>,
): AppliedChains {
  return { nat: t.nat.agreeingWith(saved.get('nat')), filter: t.filter.agreeingWith(saved.get('filter')) };
}

/** What to pass as `previous` to the next renderRestore once this one was applied. */
export function ruleContents(t: RuleTables): AppliedChains {
  return { nat: t.nat, filter: t.filter };
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
