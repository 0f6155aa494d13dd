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

/** `-m comment --comment "<why>" -j <target>`, for new connections only when `newOnly`. */
function jump(
  table: JumpRule['table'],
  chain: string,
  comment: string,
  target: string,
  newOnly = false,
): JumpRule {
  const state = newOnly ? ['-m', 'conntrack', '--ctstate', 'NEW'] : [];
  return { table, chain, args: [...state, '-m', 'comment', '--comment', comment, '-j', target] };
}

/**
 * The hooks from the built-in chains into ours (upstream iptablesJumpChains). They are the only
 * rules kube-proxy places in chains it does not own, so `--cleanup` can remove exactly these.
 */
export const JUMP_RULES: JumpRule[] = [
  jump('filter', 'INPUT', 'kubernetes externally-visible service portals', 'KUBE-EXTERNAL-SERVICES', true),
  jump('filter', 'FORWARD', 'kubernetes forwarding rules', 'KUBE-FORWARD'),
  jump('filter', 'FORWARD', 'kubernetes service portals', 'KUBE-SERVICES', true),
  jump('filter', 'OUTPUT', 'kubernetes service portals', 'KUBE-SERVICES', true),
  jump('nat', 'PREROUTING', 'kubernetes service portals', 'KUBE-SERVICES'),
  jump('nat', 'OUTPUT', 'kubernetes service portals', 'KUBE-SERVICES'),
  jump('nat', 'POSTROUTING', 'kubernetes postrouting rules', 'KUBE-POSTROUTING'),
];
