// Vagrant, from the installer's side: the machines' SSH endpoints (`vagrant ssh-config`) and,
// with the docker provider, destroying them on `down`. Local commands go through zx.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import type { Inventory } from './inventory';
import { parseSshConfig, withVagrantSsh } from './inventory';

export async function vagrantInventory(inv: Inventory, root: string): Promise<Inventory> {
  const names = inv.hosts.map((h) => h.name);
  const out = await $({ cwd: root, quiet: true, timeout: '3m' })`vagrant ssh-config ${names}`;
  return withVagrantSsh(inv, parseSshConfig(out.stdout));
}

/** The provider the existing machines use (.vagrant/machines/<name>/<provider>/id), if any. */
export function vagrantProvider(root: string): string | undefined {
  const machines = join(root, '.vagrant/machines');
  if (!existsSync(machines)) return undefined;
  for (const name of readdirSync(machines)) {
    for (const provider of readdirSync(join(machines, name))) {
      if (existsSync(join(machines, name, provider, 'id'))) return provider;
    }
  }
  return undefined;
}

/**
 * `vagrant up` for some machines (all when none named), parallel where the provider allows.
 * A new machine (add-node) gets the provider its siblings use, not Vagrant's default.
 */
export async function vagrantUp(root: string, names: string[] = []): Promise<void> {
  const provider = vagrantProvider(root);
  const args = provider ? [`--provider=${provider}`] : [];
  await $({ cwd: root, stdio: 'inherit', timeout: '15m' })`vagrant up --parallel ${args} ${names}`;
}

export async function vagrantDestroy(root: string, names: string[] = []): Promise<void> {
  await $({ cwd: root, stdio: 'inherit', timeout: '10m' })`vagrant destroy -f ${names}`;
}
