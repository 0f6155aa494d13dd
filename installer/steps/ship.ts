// Copies the agent bundle (one CJS file and its source map) to /opt/nodekube on every host, as one
// tarball over the SSH channel's stdin; skipped when the host already has the same sha256.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { factsOf, type HostStep } from '../context';
import { INSTALL_DIR } from '../units';

/** Files shipped, relative to dist/: the agents' bundle and its source map. */
export function bundleFiles(distDir: string): string[] {
  const bin = ['bin/nodekube-agent.cjs', 'bin/nodekube-agent.cjs.map'].filter((f) => {
    try {
      return statSync(join(distDir, f)).isFile();
    } catch {
      return false;
    }
  });
  if (!bin.includes('bin/nodekube-agent.cjs'))
    throw new Error(`${distDir}/bin/nodekube-agent.cjs is missing: run npm run build`);
  return bin;
}

/** sha256 over each file's path and content, in path order: equal bundles, equal hashes. */
export function bundleHash(distDir: string, files: string[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(`${f}\0`).update(readFileSync(join(distDir, f)));
  return h.digest('hex');
}

/** The bundle's identity, computed once per run; the tarball is packed only if a host needs it. */
export interface Bundle {
  hash: string;
  tarball(): Promise<Buffer>;
}

export function localBundle(distDir: string): Bundle {
  const files = bundleFiles(distDir);
  let packed: Promise<Buffer> | undefined;
  return {
    hash: bundleHash(distDir, files),
    // Binary output: zx decodes stdout as text, so tar runs through execFile with a Buffer result.
    tarball: () => {
      packed ??= promisify(execFile)('tar', ['-C', distDir, '-cz', ...files], {
        encoding: 'buffer',
        maxBuffer: 512e6,
      }).then((r) => r.stdout);
      return packed;
    },
  };
}

export const ship: HostStep = {
  title: `Ship the agent bundle to ${INSTALL_DIR}`,
  hosts: (inv) => inv.hosts,
  async run(ctx, host, remote) {
    ctx.bundle ??= localBundle(join(ctx.opts.root, 'dist'));
    const { hash } = ctx.bundle;
    const have = await remote.exec(`cat ${INSTALL_DIR}/BUNDLE_SHA256 2>/dev/null`, { allowFail: true });
    if (have.stdout.trim() === hash) return `unchanged (${hash.slice(0, 12)})`;
    const data = await ctx.bundle.tarball();
    // Unpack beside, then swap, so a running agent never sees half a bundle.
    const next = `${INSTALL_DIR}.next`;
    await remote.exec(
      `rm -rf ${next} && mkdir -p ${next} && tar -xz -C ${next} && echo ${hash} > ${next}/BUNDLE_SHA256 && rm -rf ${INSTALL_DIR}.old && { [ ! -e ${INSTALL_DIR} ] || mv ${INSTALL_DIR} ${INSTALL_DIR}.old; } && mv ${next} ${INSTALL_DIR} && rm -rf ${INSTALL_DIR}.old`,
      { sudo: true, stdin: Readable.from([data]), timeoutMs: 120_000 },
    );
    factsOf(ctx, host).bundleChanged = true;
    return `${(data.length / 1e6).toFixed(1)} MB (${hash.slice(0, 12)})`;
  },
};
