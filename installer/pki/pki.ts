// The cluster's PKI on disk, created once and reused (kubeadm's /etc/kubernetes/pki layout):
//
//   <dir>/ca.crt ca.key                 cluster CA
//   <dir>/apiserver.crt …               one pair per certificatePlan() entry (nodes/<n>.crt …)
//   <dir>/sa.key sa.pub                 service-account token signing pair
//   <dir>/encryption-config.yaml        the apiserver's --encryption-provider-config (aescbc key)
//
// A pair is kept when it exists, was issued by the current CA and is valid for another 30 days;
// otherwise it is issued again (a new node, a renamed master, a new CA). Keys are mode 0600.
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { PkiMaterial } from './host-files';
import { type CertSpec, type ClusterPki, certificatePlan } from './plan';
import {
  createCa,
  generateKeyPair,
  type Issued,
  issue,
  loadSigner,
  privateKeyPem,
  publicKeyPem,
} from './x509';

const RENEW_BEFORE_MS = 30 * 86_400_000;

export interface PkiResult {
  dir: string;
  /** File stems written in this call (the rest were reused). */
  created: string[];
}

export const pkiPaths = (dir: string, name: string) => ({
  cert: join(dir, `${name}.crt`),
  key: join(dir, `${name}.key`),
});

/**
 * `renew` re-issues every leaf certificate (`nodekube certs renew`); the CA, its key and the
 * service-account keys stay, so nothing that trusts them has to change.
 */
export async function ensurePki(
  dir: string,
  cluster: ClusterPki,
  now = new Date(),
  opts: { renew?: boolean } = {},
): Promise<PkiResult> {
  const created: string[] = [];
  let ca = await readPair(dir, 'ca');
  if (!ca || !stillValid(ca.certPem, now)) {
    ca = await createCa('nodekube-ca', now);
    await writePair(dir, 'ca', ca);
    created.push('ca');
  }
  const signer = await loadSigner(ca.certPem, ca.keyPem);
  const caCert = new X509Certificate(ca.certPem);
  for (const spec of certificatePlan(cluster)) {
    const have = await readPair(dir, spec.name);
    if (!opts.renew && have && stillValid(have.certPem, now) && matches(have.certPem, caCert, spec)) continue;
    await writePair(dir, spec.name, await issue(signer, spec, now));
    created.push(spec.name);
  }
  if (!(await exists(join(dir, 'sa.key')))) {
    const keys = await generateKeyPair();
    await writeSecret(join(dir, 'sa.key'), await privateKeyPem(keys.privateKey));
    await writeFile(join(dir, 'sa.pub'), await publicKeyPem(keys.publicKey), { mode: 0o644 });
    created.push('sa');
  }
  if (!(await exists(join(dir, ENCRYPTION_CONFIG)))) {
    await writeSecret(join(dir, ENCRYPTION_CONFIG), encryptionConfigYaml(randomBytes(32).toString('base64')));
    created.push('encryption-config');
  }
  return { dir, created };
}

const ENCRYPTION_CONFIG = 'encryption-config.yaml';

/**
 * Upstream's EncryptionConfiguration: Secrets written with AES-CBC under one 32-byte key, and
 * `identity` last so data written before encryption was turned on still reads.
 */
export function encryptionConfigYaml(keyBase64: string): string {
  return stringify({
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'EncryptionConfiguration',
    resources: [
      {
        resources: ['secrets'],
        providers: [{ aescbc: { keys: [{ name: 'key1', secret: keyBase64 }] } }, { identity: {} }],
      },
    ],
  });
}

/** What ensurePki wrote, as text, for the files each host gets (host-files.ts). */
export async function loadPkiMaterial(dir: string): Promise<PkiMaterial> {
  const pairs = new Map<string, Issued>();
  const read = (name: string) => readFile(join(dir, name), 'utf8');
  const caPem = await read('ca.crt');
  const saKeyPem = await read('sa.key');
  const saPubPem = await read('sa.pub');
  const encryptionConfig = await read(ENCRYPTION_CONFIG);
  const names = (await readdirRecursive(dir)).filter((f) => f.endsWith('.crt')).map((f) => f.slice(0, -4));
  for (const name of names) {
    const pair = await readPair(dir, name);
    if (pair) pairs.set(name, pair);
  }
  return {
    caPem,
    names: [...pairs.keys()].sort(),
    saKeyPem,
    saPubPem,
    encryptionConfig,
    pair(name) {
      const p = pairs.get(name);
      if (!p) throw new Error(`${join(dir, name)}.crt/.key missing: run nodekube up to create the PKI`);
      return p;
    },
  };
}

async function readdirRecursive(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await readdirRecursive(dir, rel)));
    else out.push(rel);
  }
  return out;
}

function stillValid(certPem: string, now: Date): boolean {
  return new Date(new X509Certificate(certPem).validTo).getTime() - now.getTime() > RENEW_BEFORE_MS;
}

/** Issued by this CA and naming the same subject and SANs as the plan asks for today. */
function matches(certPem: string, ca: X509Certificate, spec: CertSpec): boolean {
  const cert = new X509Certificate(certPem);
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false;
  const want = [...spec.dnsNames.map((d) => `DNS:${d}`), ...spec.ips.map((i) => `IP Address:${i}`)];
  const have = cert.subjectAltName?.split(', ') ?? [];
  return cert.subject.split('\n')[0] === `CN=${spec.commonName}` && sameSet(want, have);
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

async function readPair(dir: string, name: string): Promise<Issued | undefined> {
  const p = pkiPaths(dir, name);
  try {
    return { certPem: await readFile(p.cert, 'utf8'), keyPem: await readFile(p.key, 'utf8') };
  } catch {
    return undefined;
  }
}

async function writePair(dir: string, name: string, pair: Issued): Promise<void> {
  const p = pkiPaths(dir, name);
  await mkdir(dirname(p.cert), { recursive: true, mode: 0o755 });
  await writeSecret(p.key, pair.keyPem);
  await writeFile(p.cert, pair.certPem, { mode: 0o644 });
}

async function writeSecret(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  await writeFile(path, text, { mode: 0o600 });
}

async function exists(path: string): Promise<boolean> {
  try {
    await readFile(path);
    return true;
  } catch {
    return false;
  }
}
