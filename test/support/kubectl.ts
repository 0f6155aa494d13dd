// The real kubectl binaries, side by side: google-cloud-cli ships kubectl.1.27 … kubectl.1.33
// next to its dispatcher (which picks one by the server's minor). Tests call a version directly.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export const KUBECTL_DIR = process.env.KUBECTL_DIR ?? '/usr/lib/google-cloud-sdk/bin';
export const KUBECTL_VERSIONS = ['1.27', '1.30', '1.33'] as const;

export function kubectlPath(version: string): string {
  const p = join(KUBECTL_DIR, `kubectl.${version}`);
  if (!existsSync(p))
    throw new Error(`kubectl ${version} not found at ${p} (install google-cloud-cli's kubectl)`);
  return p;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Each kubeconfig's directory goes when the test file that made it is done (vitest runs a
// top-level afterAll registered while the file loads this module), so runs leave nothing in /tmp.
const madeDirs: string[] = [];
afterAll(() => {
  for (const dir of madeDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A kubeconfig for a plain-HTTP server, and a private discovery cache per test run. */
export function kubeconfigFor(server: string): { kubeconfig: string; cacheDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nodekube-kubectl-'));
  madeDirs.push(dir);
  const kubeconfig = join(dir, 'config');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: nodekube, cluster: {server: "${server}"}}]
users: [{name: admin, user: {}}]
contexts: [{name: nodekube, context: {cluster: nodekube, user: admin, namespace: default}}]
current-context: nodekube
`,
  );
  return { kubeconfig, cacheDir: join(dir, 'cache') };
}

export interface Kubectl {
  (args: string[], opts?: { stdin?: string; timeoutMs?: number }): Promise<KubectlResult>;
  version: string;
}

/** `kubectl(version, server)` returns a function that runs that kubectl against that server. */
export function kubectl(version: string, server: string): Kubectl {
  const bin = kubectlPath(version);
  const { kubeconfig, cacheDir } = kubeconfigFor(server);
  const run = (args: string[], opts: { stdin?: string; timeoutMs?: number } = {}) =>
    new Promise<KubectlResult>((resolve) => {
      const child = execFile(
        bin,
        [`--kubeconfig=${kubeconfig}`, `--cache-dir=${cacheDir}`, ...args],
        { timeout: opts.timeoutMs ?? 60_000, maxBuffer: 32 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
      if (opts.stdin !== undefined) child.stdin?.end(opts.stdin);
      else child.stdin?.end();
    });
  return Object.assign(run, { version });
}
