// The cluster's credentials: created here (on the workstation) once and reused, then each host
// gets only the files its components read (pki/host-files.ts), written only when their text
// differs. A rewritten file is remembered per host so the units that read it restart
// (services.ts), which is how `nodekube certs renew` takes effect.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Context, factsOf, type HostStep, type LocalStep } from '../context';
import { clusterPkiOf } from '../inventory';
import { hostFiles, identityKubeconfig, type PkiMaterial } from '../pki/host-files';
import { ensurePki, loadPkiMaterial } from '../pki/pki';

export const pkiDirOf = (ctx: Context) => join(ctx.opts.root, '.nodekube', 'pki');

/** The PKI as text, read once per run (after the pki step made sure it exists). */
export async function pkiOf(ctx: Context): Promise<PkiMaterial> {
  ctx.pki ??= await loadPkiMaterial(pkiDirOf(ctx));
  return ctx.pki;
}

/** The admin's kubeconfig (kubeadm's admin.conf): the cluster CA, a system:masters client cert. */
export const adminKubeconfig = async (ctx: Context): Promise<string> =>
  identityKubeconfig(ctx.inv, await pkiOf(ctx), 'admin', 'kubernetes-admin');

export function writeIfChanged(path: string, text: string): boolean {
  try {
    if (readFileSync(path, 'utf8') === text) return false;
  } catch {
    // not there yet
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { mode: 0o600 });
  return true;
}

export const pki: LocalStep = {
  title: 'Create the cluster PKI (CA, certificates, service-account keys) and the admin kubeconfig',
  local: true,
  async run(ctx) {
    const { created } = await ensurePki(pkiDirOf(ctx), clusterPkiOf(ctx.inv), new Date(), {
      renew: ctx.opts.renewCerts,
    });
    ctx.pki = undefined;
    const changed = writeIfChanged(ctx.opts.kubeconfigPath, await adminKubeconfig(ctx));
    const made = created.length
      ? `issued ${created.length} (${created.slice(0, 4).join(', ')}${created.length > 4 ? ' …' : ''})`
      : 'reused';
    return `${made}; ${ctx.opts.kubeconfigPath}${changed ? '' : ' (unchanged)'}`;
  },
};

export const shipPki: HostStep = {
  title: 'Ship each host its certificates and kubeconfigs (/etc/kubernetes)',
  hosts: (inv) => inv.hosts,
  async run(ctx, host, remote) {
    const files = hostFiles(ctx.inv, host, await pkiOf(ctx));
    const changed = factsOf(ctx, host).changedFiles;
    const written = await remote.writeFilesIfChanged(files);
    for (const path of written) changed.add(path);
    return written.length
      ? `${written.length} of ${files.length} files written`
      : `${files.length} files unchanged`;
  },
};
