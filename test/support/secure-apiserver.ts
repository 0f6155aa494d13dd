// A control plane on the secure port (issue 9): a PKI from installer/pki in a temp dir, the
// apiserver with upstream's TLS/auth flags, kubeconfigs carrying a client cert or a bearer token,
// and a raw HTTPS call for asserting status codes.
//
//   const s = await startSecureControlPlane();
//   await s.https('/api/v1/pods', { identity: s.admin });   // → { status: 200, body }
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { type Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeconfigYaml } from '../../installer/pki/kubeconfig';
import { ensurePki, pkiPaths } from '../../installer/pki/pki';
import { type ControlPlane, startControlPlane } from './apiserver';
import { freePort } from './ports';

export const SA_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface Identity {
  cert?: string;
  key?: string;
  token?: string;
}

export interface SecureControlPlane {
  cp: ControlPlane;
  /** https://127.0.0.1:<securePort> */
  url: string;
  dir: string;
  ca: string;
  admin: Identity;
  saSigningKey: string;
  https(
    path: string,
    opts?: { identity?: Identity; method?: string; body?: unknown; agent?: Agent },
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  kubectl(
    version: string,
    identity: Identity,
    args: string[],
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

/** `extraFlags` may name files of the PKI: give a function of its directory. */
export async function startSecureControlPlane(
  extraFlags: string[] | ((pkiDir: string) => string[]) = [],
): Promise<SecureControlPlane> {
  const dir = await mkdtemp(join(tmpdir(), 'nodekube-secure-'));
  await ensurePki(dir, { masterName: 'localhost', masterIp: '127.0.0.1', serviceIp: '10.96.0.1', nodes: [] });
  const port = await freePort();
  const cp = await startControlPlane({
    name: 'apiserver-secure',
    flags: [
      `--secure-port=${port}`,
      `--tls-cert-file=${pkiPaths(dir, 'apiserver').cert}`,
      `--tls-private-key-file=${pkiPaths(dir, 'apiserver').key}`,
      `--client-ca-file=${pkiPaths(dir, 'ca').cert}`,
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      `--service-account-issuer=${SA_ISSUER}`,
      '--authorization-mode=Node,RBAC',
      ...(typeof extraFlags === 'function' ? extraFlags(dir) : extraFlags),
    ],
  });
  const url = `https://127.0.0.1:${port}`;
  const ca = await readFile(pkiPaths(dir, 'ca').cert, 'utf8');
  const admin = {
    cert: await readFile(pkiPaths(dir, 'admin').cert, 'utf8'),
    key: await readFile(pkiPaths(dir, 'admin').key, 'utf8'),
  };
  let n = 0;
  const s: SecureControlPlane = {
    cp,
    url,
    dir,
    ca,
    admin,
    saSigningKey: await readFile(join(dir, 'sa.key'), 'utf8'),
    https: (path, opts = {}) =>
      new Promise((resolve, reject) => {
        const id = opts.identity ?? {};
        const req = request(
          `${url}${path}`,
          {
            method: opts.method ?? 'GET',
            agent: opts.agent,
            ca,
            cert: id.cert,
            key: id.key,
            headers: {
              ...(id.token !== undefined ? { authorization: `Bearer ${id.token}` } : {}),
              ...(opts.body ? { 'content-type': 'application/json' } : {}),
            },
          },
          (res) => {
            let text = '';
            res.on('data', (c) => {
              text += c;
            });
            res.on('end', () => {
              let body: unknown = text;
              try {
                body = JSON.parse(text);
              } catch {}
              resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
            });
          },
        );
        req.on('error', reject);
        req.end(opts.body ? JSON.stringify(opts.body) : undefined);
      }),
    async kubectl(version, identity, args) {
      const cfg = join(dir, `kubeconfig-${n++}`);
      const b64 = (t: string) => Buffer.from(t).toString('base64');
      const user = [
        identity.cert ? `client-certificate-data: ${b64(identity.cert)}` : '',
        identity.key ? `client-key-data: ${b64(identity.key)}` : '',
        identity.token !== undefined ? `token: "${identity.token}"` : '',
      ]
        .filter(Boolean)
        .join(', ');
      // Certificate users get the installer's kubeconfig (installer/pki/kubeconfig.ts) verbatim.
      const text =
        identity.cert && identity.key
          ? kubeconfigYaml({
              server: url,
              user: 'u',
              caPem: ca,
              certPem: identity.cert,
              keyPem: identity.key,
            })
          : `apiVersion: v1
kind: Config
clusters: [{name: nodekube, cluster: {server: "${url}", certificate-authority-data: ${b64(ca)}}}]
users: [{name: u, user: {${user}}}]
contexts: [{name: nodekube, context: {cluster: nodekube, user: u, namespace: default}}]
current-context: nodekube
`;
      await writeFile(cfg, text);
      // Imported here, not at the top: kubectl.ts registers a vitest hook, and benches load this file.
      const { kubectlPath } = await import('./kubectl');
      return new Promise((resolve) => {
        execFile(
          kubectlPath(version),
          [`--kubeconfig=${cfg}`, `--cache-dir=${join(dir, `cache-${n}`)}`, ...args],
          { timeout: 60_000 },
          (err, stdout, stderr) => {
            const code = err
              ? typeof (err as { code?: unknown }).code === 'number'
                ? (err as { code: number }).code
                : 1
              : 0;
            resolve({ code, stdout: String(stdout), stderr: String(stderr) });
          },
        );
      });
    },
    async stop() {
      await cp.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return s;
}
