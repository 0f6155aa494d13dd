// `proxy --cleanup`: remove everything kube-proxy put on the node and exit (upstream
// CleanupLeftovers). First the jumps from the built-in chains, so no packet enters a chain
// while it is being emptied; then every KUBE-* chain this proxy owns, flushed and deleted in one
// restore per table. Chains other components own (the kubelet's KUBE-MARK-DROP and
// KUBE-KUBELET-CANARY, say) are left alone.

import { isPerServiceChain } from './chain-names';
import { chainsInSave, type Iptables, type Table } from './iptables';
import { JUMP_RULES } from './jumps';
import { FIXED_CHAINS } from './rules';

/** Which of the chains present on the node are ours to delete. */
export function ownedChains(table: Table, present: string[]): string[] {
  const fixed: readonly string[] = FIXED_CHAINS[table];
  return present.filter((c) => fixed.includes(c) || isPerServiceChain(c)).sort();
}

export async function cleanupRules(
  iptables: Pick<Iptables, 'deleteRule' | 'save' | 'deleteChains'>,
): Promise<string[]> {
  for (const j of JUMP_RULES) await iptables.deleteRule(j.table, j.chain, j.args);
  const removed: string[] = [];
  for (const table of ['nat', 'filter'] as const) {
    const present = chainsInSave(await iptables.save(table)).get(table) ?? [];
    const ours = ownedChains(table, present);
    await iptables.deleteChains(table, ours);
    removed.push(...ours.map((c) => `${table}/${c}`));
  }
  return removed;
}
