// Hairpin for pod veths (upstream: kubelet --hairpin-mode=hairpin-veth, network/hairpin/hairpin.go).
//
// A pod that calls its own Service's ClusterIP may be load-balanced back to itself: the packet
// leaves through the pod's veth into the bridge, is DNAT-ed to the pod's own IP, and must go back
// out of the same bridge port. A Linux bridge never does that unless the port is in hairpin mode.
// So after the sandbox starts we find its host-side veth and turn hairpin on:
//
//   1. the sandbox's eth0 knows its peer's ifindex: /proc/<pid>/root/sys/class/net/eth0/iflink
//      (read through the container's own /sys, so no nsenter is needed)
//   2. the host interface with that index: `ip -o link show`
//   3. `bridge link set dev <veth> hairpin on` — netlink, since /sys is read-only in the node
//      containers (upstream writes /sys/.../brport/hairpin_mode, which would fail there).

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

export const HAIRPIN_MODES = ['hairpin-veth', 'none'] as const;
export type HairpinMode = (typeof HAIRPIN_MODES)[number];

const run = promisify(execFile);

/** `ip -o link show` → the name of the interface with `index` (`301: vethab12@if300: …` → vethab12). */
export function interfaceByIndex(ipLinkOutput: string, index: number): string | undefined {
  for (const line of ipLinkOutput.split('\n')) {
    const m = /^(\d+):\s+([^:@\s]+)(?:@[^:\s]+)?:/.exec(line);
    if (m && Number(m[1]) === index) return m[2];
  }
  return undefined;
}

export function parseHairpinMode(mode: string): HairpinMode {
  if ((HAIRPIN_MODES as readonly string[]).includes(mode)) return mode as HairpinMode;
  throw new Error(`--hairpin-mode must be one of ${HAIRPIN_MODES.join(', ')} (got ${JSON.stringify(mode)})`);
}

/** Turn hairpin on for the bridge port of the sandbox whose init process is `pid`; returns the veth. */
export async function setUpHairpin(pid: number): Promise<string> {
  const iflink = Number((await readFile(`/proc/${pid}/root/sys/class/net/eth0/iflink`, 'utf8')).trim());
  if (!Number.isInteger(iflink) || iflink <= 0) throw new Error(`sandbox pid ${pid}: no eth0 peer index`);
  const { stdout } = await run('ip', ['-o', 'link', 'show']);
  const veth = interfaceByIndex(stdout, iflink);
  if (!veth) throw new Error(`no host interface with index ${iflink} (sandbox pid ${pid})`);
  await run('bridge', ['link', 'set', 'dev', veth, 'hairpin', 'on']);
  return veth;
}
