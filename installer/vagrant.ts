// Vagrant, from the installer's side: the machines' SSH endpoints (`vagrant ssh-config`) and,
// with the docker provider, destroying them on `down`. Local commands go through zx.
import { $ } from 'zx';
import type { Inventory } from './inventory';
import { parseSshConfig, withVagrantSsh } from './inventory';

export async function vagrantInventory(inv: Inventory, root: string): Promise<Inventory> {
  const names = inv.hosts.map((h) => h.name);
  const out = await $({ cwd: root, quiet: true, timeout: '60s' })`vagrant ssh-config ${names}`;
  return withVagrantSsh(inv, parseSshConfig(out.stdout));
}

/** `vagrant up` for some machines (all when none named); parallel where the provider allows. */
export async function vagrantUp(root: string, names: string[] = []): Promise<void> {
  await $({ cwd: root, stdio: 'inherit', timeout: '15m' })`vagrant up --parallel ${names}`;
}

export async function vagrantDestroy(root: string, names: string[] = []): Promise<void> {
  await $({ cwd: root, stdio: 'inherit', timeout: '10m' })`vagrant destroy -f ${names}`;
}

/** True when Vagrant knows this folder's machines (a .vagrant dir with machine ids). */
export async function vagrantManaged(root: string): Promise<boolean> {
  const out = await $({
    cwd: root,
    quiet: true,
    nothrow: true,
    timeout: '60s',
  })`vagrant status --machine-readable`;
  return out.exitCode === 0 && /,state,(running|stopped|poweroff|saved|preparing)/.test(out.stdout);
}
