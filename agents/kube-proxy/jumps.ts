// The hooks from the built-in chains (PREROUTING, OUTPUT, POSTROUTING, INPUT, FORWARD) into
// kube-proxy's own. The restore text (rules.ts) only ever writes chains kube-proxy owns; these
// few rules live in chains others own too (Docker, the host firewall), so the syncer adds them
// one by one, idempotently (-C then -I), and --cleanup removes exactly these.

/** A rule outside our own chains that sends traffic into them, checked with -C, added with -I. */
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
