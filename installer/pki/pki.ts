// The cluster's PKI on disk, created once and reused (kubeadm's /etc/kubernetes/pki layout):
//
//   <dir>/ca.crt ca.key                 cluster CA
//   <dir>/apiserver.crt …               one pair per certificatePlan() entry (nodes/<n>.crt …)
//   <dir>/sa.key sa.pub                 service-account token signing pair
//
// A pair is kept when it exists, was issued by the current CA and is valid for another 30 days;
// otherwise it is issued again (a new node, a renamed master, a new CA). Keys are mode 0600.
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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

export async function ensurePki(dir: string, cluster: ClusterPki, now = new Date()): Promise<PkiResult> {
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
    if (have && stillValid(have.certPem, now) && matches(have.certPem, caCert, spec)) continue;
    await writePair(dir, spec.name, await issue(signer, spec, now));
    created.push(spec.name);
  }
  if (!(await exists(join(dir, 'sa.key')))) {
    const keys = await generateKeyPair();
    await writeSecret(join(dir, 'sa.key'), await privateKeyPem(keys.privateKey));
    await writeFile(join(dir, 'sa.pub'), await publicKeyPem(keys.publicKey), { mode: 0o644 });
    created.push('sa');
  }
  return { dir, created };
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
