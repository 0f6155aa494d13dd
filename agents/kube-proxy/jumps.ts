// The hooks from the built-in chains (PREROUTING, OUTPUT, POSTROUTING, INPUT, FORWARD) into
// kube-proxy's own. The restore text (rules.ts) only ever declares chains kube-proxy owns; these
// few rules live in chains others own too (Docker, the host firewall), so they are never
// rewritten: a full sync inserts (-I) only the ones missing from the iptables-save it has just
// read, in the same restore (upstream checks and inserts each with its own `iptables -C`/`-I`;
// at 1,000 services those 10–20 extra commands cost more than the rest of the sync's
// bookkeeping, bench/kube-proxy.ts). --cleanup removes exactly these.

/** A rule outside our own chains that sends traffic into them: looked for in iptables-save, added with -I. */
export interface JumpRule {
  table: 'nat' | 'filter';
  chain: string;
  args: string[];
}

/** `-m comment --comment "<why>" -j <target>` (no comment when ''), new connections only when `newOnly`. */
function jump(
  table: JumpRule['table'],
  chain: string,
  comment: string,
  target: string,
  newOnly = false,
): JumpRule {
  const state = newOnly ? ['-m', 'conntrack', '--ctstate', 'NEW'] : [];
  const why = comment ? ['-m', 'comment', '--comment', comment] : [];
  return { table, chain, args: [...state, ...why, '-j', target] };
}

/**
 * The hooks from the built-in chains into ours (upstream iptablesJumpChains). They are the only
 * rules kube-proxy places in chains it does not own, so `--cleanup` can remove exactly these.
 */
export const JUMP_RULES: JumpRule[] = [
  jump('filter', 'INPUT', 'kubernetes externally-visible service portals', 'KUBE-EXTERNAL-SERVICES', true),
  // An external IP is usually not the node's own: its REJECT (no endpoints) is met in FORWARD.
  jump('filter', 'FORWARD', 'kubernetes externally-visible service portals', 'KUBE-EXTERNAL-SERVICES', true),
  jump('filter', 'FORWARD', 'kubernetes forwarding rules', 'KUBE-FORWARD'),
  jump('filter', 'FORWARD', 'kubernetes service portals', 'KUBE-SERVICES', true),
  jump('filter', 'OUTPUT', 'kubernetes service portals', 'KUBE-SERVICES', true),
  // Upstream writes these two without a comment (they were the kubelet's until 1.27).
  jump('filter', 'INPUT', '', 'KUBE-FIREWALL'),
  jump('filter', 'OUTPUT', '', 'KUBE-FIREWALL'),
  jump('nat', 'PREROUTING', 'kubernetes service portals', 'KUBE-SERVICES'),
  jump('nat', 'OUTPUT', 'kubernetes service portals', 'KUBE-SERVICES'),
  jump('nat', 'POSTROUTING', 'kubernetes postrouting rules', 'KUBE-POSTROUTING'),
];

/** The rule as iptables-save prints it and iptables-restore reads it: `-A CHAIN …`, comments quoted. */
export function jumpRuleLine(j: JumpRule, op: '-A' | '-I' = '-A'): string {
  return [op, j.chain, ...j.args.map((a) => (/\s/.test(a) ? `"${a}"` : a))].join(' ');
}

/**
 * The hooks an iptables-save (of nat and filter, or of every table) lacks, in JUMP_RULES' order:
 * what a full sync must insert. A hook counts as present anywhere in its chain, as `iptables -C`
 * would find it.
 */
export function missingJumps(saveText: string): JumpRule[] {
  const present = new Set<string>();
  let table = '';
  for (const line of saveText.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1);
    else if (line.startsWith('-A ')) present.add(`${table} ${line}`);
  }
  return JUMP_RULES.filter((j) => !present.has(`${j.table} ${jumpRuleLine(j)}`));
}
