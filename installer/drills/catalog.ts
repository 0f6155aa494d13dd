// The drills, as data: what each breaks, and whether it targets a minion or the master. The
// checks of the command line are pure (checkDrillArgs): bad input is one clear line and exit 2.
import type { Inventory } from '../inventory';
import { isProfileName, PROFILE_NAMES, type ProfileName } from './profiles';
import type { DrillName, DrillScope } from './types';

export interface DrillSpec {
  name: DrillName;
  scope: DrillScope;
  summary: string;
}

export const DRILLS: DrillSpec[] = [
  {
    name: 'kubelet-stop',
    scope: 'node',
    summary:
      "the seeds' walk-through: systemctl stop docker kubelet kube-proxy on a minion, later start them",
  },
  {
    name: 'node-crash',
    scope: 'node',
    summary: 'the minion machine disappears at once (docker kill / vagrant halt --force), later boots again',
  },
  {
    name: 'partition',
    scope: 'node',
    summary: 'the minion and the master drop each other (iptables, both ways) while its pods keep running',
  },
  {
    name: 'master-restart',
    scope: 'control-plane',
    summary: 'restart kube-apiserver, kube-controller-manager and kube-scheduler',
  },
  { name: 'etcd-restart', scope: 'control-plane', summary: 'restart etcd under the apiserver' },
];

export const findDrill = (name: string) => DRILLS.find((d) => d.name === name);

export function drillList(): string {
  const w = Math.max(...DRILLS.map((d) => d.name.length));
  return DRILLS.map((d) => `${d.name.padEnd(w)}  ${d.scope.padEnd(13)}  ${d.summary}`).join('\n');
}

/** Thrown for bad input: main.ts prints the message as one line and exits 2, nothing touched. */
export class DrillUsageError extends Error {}

export interface DrillArgs {
  drill: DrillSpec;
  /** The minion to break (node drills); null for control-plane drills. */
  node: string | null;
  profile?: ProfileName;
}

/**
 * Validate NAME, --node and --profile against the inventory. `pick` chooses the default minion
 * (the runner passes one that runs workload pods; here the first minion stands in).
 */
export function checkDrillArgs(
  inv: Inventory,
  name: string,
  opts: { node?: string; profile?: string },
): DrillArgs {
  const drill = findDrill(name);
  if (!drill)
    throw new DrillUsageError(
      `unknown drill "${name}"; drills: ${DRILLS.map((d) => d.name).join(', ')} (nodekube drill list)`,
    );
  if (opts.profile !== undefined && !isProfileName(opts.profile))
    throw new DrillUsageError(`unknown profile "${opts.profile}"; profiles: ${PROFILE_NAMES.join(', ')}`);
  const minions = inv.hosts.filter((h) => h.roles.includes('minion') && !h.roles.includes('master'));
  let node: string | null = null;
  if (drill.scope === 'node') {
    if (opts.node !== undefined) {
      const host = inv.hosts.find((h) => h.name === opts.node);
      if (!host)
        throw new DrillUsageError(
          `unknown node "${opts.node}"; minions: ${minions.map((h) => h.name).join(', ')}`,
        );
      if (host.roles.includes('master'))
        throw new DrillUsageError(
          `${opts.node} is the master; ${drill.name} breaks a minion (${minions.map((h) => h.name).join(', ')}); for the master use master-restart or etcd-restart`,
        );
      node = host.name;
    } else if (minions.length < 2) {
      throw new DrillUsageError(
        `${drill.name} needs at least two minions (one to break, one to carry the pods)`,
      );
    }
  }
  return { drill, node, profile: opts.profile as ProfileName | undefined };
}
