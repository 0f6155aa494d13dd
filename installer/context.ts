// What every step gets: the inventory, SSH sessions, the reporter, options, and the facts
// earlier steps leave for later ones (did the bundle change on this host?).

import type { ProfileName } from './drills/profiles';
import type { Host, Inventory } from './inventory';
import type { PkiMaterial } from './pki/host-files';
import type { Reporter } from './report';
import type { Remote, Sessions } from './ssh';
import type { Bundle } from './steps/ship';

export interface Options {
  /** Project root: dist/ is shipped from here, .nodekube/ is written here. */
  root: string;
  /** Where `up` writes the kubeconfig. */
  kubeconfigPath: string;
  /** Bound on the whole validation (kube-up's validate-cluster.sh waited up to 25 min). */
  validateTimeoutMs: number;
  /** How often validation polls the nodes. */
  pollIntervalMs: number;
  /** Failure-detection timings written into the master's units (drills/profiles.ts). */
  profile?: ProfileName;
  /** Re-issue every leaf certificate (`nodekube certs renew`). */
  renewCerts?: boolean;
}

export interface HostFacts {
  bundleChanged: boolean;
  /** Credential files rewritten on the host in this run (steps/ship-pki.ts). */
  changedFiles: Set<string>;
}

export interface Context {
  inv: Inventory;
  sessions: Sessions;
  out: Reporter;
  opts: Options;
  facts: Map<string, HostFacts>;
  /** The agent bundle: hashed once per run, packed once if any host needs it (steps/ship.ts). */
  bundle?: Bundle;
  /** The PKI's text, loaded once per run (steps/pki.ts). */
  pki?: PkiMaterial;
}

/** A step that runs on some hosts, concurrently; its result is a short note for the status line. */
export interface HostStep {
  title: string;
  hosts(inv: Inventory): Host[];
  run(ctx: Context, host: Host, remote: Remote): Promise<string | undefined>;
}

/** A step that runs here, on the machine running the installer. */
export interface LocalStep {
  title: string;
  local: true;
  run(ctx: Context): Promise<string | undefined>;
}

export type Step = HostStep | LocalStep;

export const isLocal = (s: Step): s is LocalStep => 'local' in s;

export function factsOf(ctx: Context, host: Host): HostFacts {
  let f = ctx.facts.get(host.name);
  if (!f) {
    f = { bundleChanged: false, changedFiles: new Set() };
    ctx.facts.set(host.name, f);
  }
  return f;
}
