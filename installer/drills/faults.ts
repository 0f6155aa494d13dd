// The faults, one per drill, each an inject/restore pair. `restore` is idempotent and safe to
// call when `inject` never ran or half ran: the runner calls it on success, on its own failure
// and on Ctrl-C/SIGTERM alike. The shell text is built by pure functions (tested beside this file).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { parseContainerName } from '../../agents/kubelet/naming';
import type { Context } from '../context';
import { type Host, masterOf } from '../inventory';
import { Remote } from '../ssh';
import type { DrillName } from './types';

/** Our own chain: restore removes exactly it and the two jumps into it, nothing else. */
export const DRILL_CHAIN = 'NODEKUBE-DRILL';

/** Drop everything to and from `peer`, both ways, through our own chain. */
export function partitionScript(peer: string): string {
  return [
    `iptables -w -N ${DRILL_CHAIN} 2>/dev/null || iptables -w -F ${DRILL_CHAIN}`,
    `iptables -w -A ${DRILL_CHAIN} -s ${peer} -j DROP`,
    `iptables -w -A ${DRILL_CHAIN} -d ${peer} -j DROP`,
    `iptables -w -I INPUT 1 -j ${DRILL_CHAIN}`,
    `iptables -w -I OUTPUT 1 -j ${DRILL_CHAIN}`,
  ].join(' && ');
}

export function healScript(): string {
  return [
    `while iptables -w -D INPUT -j ${DRILL_CHAIN} 2>/dev/null; do :; done`,
    `while iptables -w -D OUTPUT -j ${DRILL_CHAIN} 2>/dev/null; do :; done`,
    `if iptables -w -S ${DRILL_CHAIN} >/dev/null 2>&1; then iptables -w -F ${DRILL_CHAIN} && iptables -w -X ${DRILL_CHAIN}; fi`,
  ].join('; ');
}

/** The seeds' walk-through: the minion's services stop, then start again. */
export const KUBELET_STOP_UNITS = ['docker', 'kubelet', 'kube-proxy'];
export const MASTER_RESTART_UNITS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

/** Pod uids with containers on a node (from `docker ps` names) that the API no longer binds there. */
export function orphanPods(containerNames: string[], namespace: string, boundUids: Set<string>): string[] {
  const uids = new Set<string>();
  for (const name of containerNames) {
    const p = parseContainerName(name.trim());
    if (p && p.namespace === namespace && !boundUids.has(p.uid)) uids.add(p.uid);
  }
  return [...uids];
}

export interface Fault {
  /** What is done, for the progress view and the picture's fault marker. */
  what: string;
  inject(): Promise<void>;
  restore(): Promise<void>;
}

/** A fresh session: a crashed node's old one is dead, and the shared ones are reused by others. */
async function onHost<T>(ctx: Context, host: Host, fn: (r: Remote) => Promise<T>): Promise<T> {
  const remote = await Remote.connect(host, ctx.sessions.knownHosts);
  try {
    return await fn(remote);
  } finally {
    remote.dispose();
  }
}

const sudo = (ctx: Context, host: Host, command: string, timeoutMs = 90_000) =>
  onHost(ctx, host, (r) => r.exec(command, { sudo: true, timeoutMs })).then(() => undefined);

/** How this node's machine can be stopped at once and started again; undefined when we cannot. */
export function machineOf(
  root: string,
  name: string,
): { provider: 'docker' | 'virtualbox'; id: string } | undefined {
  for (const provider of ['docker', 'virtualbox'] as const) {
    const file = join(root, '.vagrant/machines', name, provider, 'id');
    if (existsSync(file)) return { provider, id: readFileSync(file, 'utf8').trim() };
  }
  return undefined;
}

async function waitForSsh(ctx: Context, host: Host, boundMs: number): Promise<void> {
  const deadline = Date.now() + boundMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      await onHost(ctx, host, (r) => r.exec('true'));
      return;
    } catch (err) {
      last = (err as Error).message;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  throw new Error(`${host.name} not reachable over SSH ${boundMs / 1000}s after start: ${last}`);
}

export function faultFor(ctx: Context, drill: DrillName, node: Host | undefined): Fault {
  const master = masterOf(ctx.inv);
  const target = node as Host;
  switch (drill) {
    case 'kubelet-stop':
      return {
        what: `systemctl stop ${KUBELET_STOP_UNITS.join(' ')} on ${target.name}`,
        inject: () => sudo(ctx, target, `systemctl stop ${KUBELET_STOP_UNITS.join(' ')}`),
        restore: () => sudo(ctx, target, `systemctl start ${KUBELET_STOP_UNITS.join(' ')}`),
      };
    case 'node-crash': {
      const m = machineOf(ctx.opts.root, target.name);
      if (!m) throw new Error(`node-crash needs a Vagrant machine for ${target.name}`);
      const vagrant = $({ cwd: ctx.opts.root, quiet: true, timeout: '10m' });
      return m.provider === 'docker'
        ? {
            what: `docker kill ${target.name}'s node container`,
            inject: () => $({ quiet: true })`docker kill ${m.id}`.then(() => undefined),
            restore: async () => {
              const running = await $({
                quiet: true,
                nothrow: true,
              })`docker inspect -f {{.State.Running}} ${m.id}`;
              if (running.stdout.trim() !== 'true') await $({ quiet: true })`docker start ${m.id}`;
              await waitForSsh(ctx, target, 120_000);
            },
          }
        : {
            what: `vagrant halt --force ${target.name}`,
            inject: () => vagrant`vagrant halt --force ${target.name}`.then(() => undefined),
            restore: async () => {
              await vagrant`vagrant up ${target.name}`;
              await waitForSsh(ctx, target, 300_000);
            },
          };
    }
    case 'partition':
      return {
        what: `iptables DROP between ${target.name} (${target.ip}) and the master (${master.ip})`,
        inject: async () => {
          await sudo(ctx, target, partitionScript(master.ip));
          await sudo(ctx, master, partitionScript(target.ip));
        },
        restore: async () => {
          const results = await Promise.allSettled([
            sudo(ctx, target, healScript()),
            sudo(ctx, master, healScript()),
          ]);
          const failed = results.find((r) => r.status === 'rejected');
          if (failed) throw (failed as PromiseRejectedResult).reason;
        },
      };
    case 'master-restart':
      return {
        what: `systemctl restart ${MASTER_RESTART_UNITS.join(' ')} on ${master.name}`,
        inject: () => sudo(ctx, master, `systemctl restart ${MASTER_RESTART_UNITS.join(' ')}`),
        restore: () => sudo(ctx, master, `systemctl start ${MASTER_RESTART_UNITS.join(' ')}`),
      };
    case 'etcd-restart':
      return {
        what: `systemctl restart etcd on ${master.name}`,
        inject: () => sudo(ctx, master, 'systemctl restart etcd'),
        restore: () => sudo(ctx, master, 'systemctl start etcd'),
      };
  }
}

/** Container names on a node (to find pods running there that the API moved away). */
export async function containerNames(ctx: Context, host: Host): Promise<string[]> {
  return onHost(ctx, host, async (r) => {
    const out = await r.exec(`docker ps --format '{{.Names}}'`, { sudo: true });
    return out.stdout.split('\n').filter(Boolean);
  });
}

/** True when our chain is left on the host (the e2e test asks this too). */
export async function drillChainPresent(ctx: Context, host: Host): Promise<boolean> {
  return onHost(ctx, host, async (r) => {
    const out = await r.exec(`iptables -w -S ${DRILL_CHAIN}`, { sudo: true, allowFail: true });
    return out.code === 0;
  });
}

/** The command line of a running unit's main process (for the profile in force). */
export async function unitCommandLine(ctx: Context, host: Host, unit: string): Promise<string[]> {
  return onHost(ctx, host, async (r) => {
    const out = await r.exec(
      `pid=$(systemctl show -p MainPID --value ${unit}) && tr '\\0' '\\n' < /proc/$pid/cmdline`,
      { sudo: true },
    );
    return out.stdout.split('\n').filter(Boolean);
  });
}
