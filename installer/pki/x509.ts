// Keys and certificates through @peculiar/x509 over Node's webcrypto (no hand-written ASN.1).
// ECDSA P-256 keys: quick to generate, accepted by Go's crypto/tls (kubectl), Node's tls and
// jose (ES256 service-account tokens). Keys are written as PKCS#8 `PRIVATE KEY` PEM.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { CertSpec } from './plan';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const crypto = webcrypto;
// Node's webcrypto is the standard Crypto; the library types it with the DOM's (not in our lib).
x509.cryptoProvider.set(crypto as never);

export const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 86_400_000;
/** kubeadm's lifetimes: CA ten years, leaves one year. */
export const CA_DAYS = 3650;
export const LEAF_DAYS = 365;

export interface Issued {
  certPem: string;
  keyPem: string;
}

export interface Signer {
  cert: x509.X509Certificate;
  key: CryptoKey;
}

export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
}

export async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

export async function publicKeyPem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('spki', key);
  return x509.PemConverter.encode(der, 'PUBLIC KEY');
}

export async function loadSigner(certPem: string, keyPem: string): Promise<Signer> {
  const der = x509.PemConverter.decodeFirst(keyPem);
  const key = await crypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
  return { cert: new x509.X509Certificate(certPem), key };
}

/** A self-signed CA: basicConstraints CA:TRUE, keyCertSign | cRLSign | digitalSignature. */
export async function createCa(commonName: string, now = new Date()): Promise<Issued> {
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: [{ CN: [commonName] }],
    keys,
    signingAlgorithm: ALG,
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter: new Date(now.getTime() + CA_DAYS * DAY),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}

const EXT_USAGES: Record<CertSpec['usage'], x509.ExtendedKeyUsage[]> = {
  server: [x509.ExtendedKeyUsage.serverAuth],
  client: [x509.ExtendedKeyUsage.clientAuth],
  peer: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
};

/** A leaf signed by `ca`; `days` may be negative in tests that need an expired certificate. */
export async function issue(ca: Signer, spec: CertSpec, now = new Date(), days = LEAF_DAYS): Promise<Issued> {
  const keys = await generateKeyPair();
  const subject = [{ CN: [spec.commonName] }, ...spec.organizations.map((o) => ({ O: [o] }))];
  const sans = [
    ...spec.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...spec.ips.map((value) => ({ type: 'ip' as const, value })),
  ];
  const start = days > 0 ? now.getTime() - 5 * 60_000 : now.getTime() + (days - 1) * DAY;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: ca.cert.subject,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: ALG,
    notBefore: new Date(start),
    notAfter: new Date(now.getTime() + days * DAY),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension(EXT_USAGES[spec.usage]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false),
      ...(sans.length ? [new x509.SubjectAlternativeNameExtension(sans)] : []),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}

/** 16 random bytes, top bit clear so the DER INTEGER stays positive. */
function serial(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[0] &= 0x7f;
  return Buffer.from(b).toString('hex');
}
