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

/**
 * The hooks from the built-in chains into ours (upstream iptablesJumpChains). They are the only
 * rules kube-proxy places in chains it does not own, so `--cleanup` can remove exactly these.
 */
export const JUMP_RULES: JumpRule[] = [
  {
    table: 'filter',
    chain: 'INPUT',
    args: [
      '-m',
      'conntrack',
      '--ctstate',
      'NEW',
      '-m',
      'comment',
      '--comment',
      'kubernetes externally-visible service portals',
      '-j',
      'KUBE-EXTERNAL-SERVICES',
    ],
  },
  {
    table: 'filter',
    chain: 'FORWARD',
    args: ['-m', 'comment', '--comment', 'kubernetes forwarding rules', '-j', 'KUBE-FORWARD'],
  },
  {
    table: 'filter',
    chain: 'FORWARD',
    args: [
      '-m',
      'conntrack',
      '--ctstate',
      'NEW',
      '-m',
      'comment',
      '--comment',
      'kubernetes service portals',
      '-j',
      'KUBE-SERVICES',
    ],
  },
  {
    table: 'filter',
    chain: 'OUTPUT',
    args: [
      '-m',
      'conntrack',
      '--ctstate',
      'NEW',
      '-m',
      'comment',
      '--comment',
      'kubernetes service portals',
      '-j',
      'KUBE-SERVICES',
    ],
  },
  {
    table: 'nat',
    chain: 'PREROUTING',
    args: ['-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'],
  },
  {
    table: 'nat',
    chain: 'OUTPUT',
    args: ['-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'],
  },
  {
    table: 'nat',
    chain: 'POSTROUTING',
    args: ['-m', 'comment', '--comment', 'kubernetes postrouting rules', '-j', 'KUBE-POSTROUTING'],
  },
];
