// --etcd-cafile, --etcd-certfile, --etcd-keyfile (upstream's names): the apiserver's TLS identity
// towards an etcd started with --client-cert-auth --trusted-ca-file. The files are read and
// parsed here, at start, so a wrong path or a swapped cert/key stops the apiserver with one line
// naming the flag and the file — not a gRPC handshake error repeated on every call later.

import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FlagError } from '../../api/flags';
import type { ChannelTls } from './grpc-channel';

export interface EtcdTlsFlags {
  etcdServers: string;
  etcdCafile: string;
  etcdCertfile: string;
  etcdKeyfile: string;
}

/** undefined when no TLS flag is set (plain http:// etcd, today's default). */
export function etcdCredentials(
  f: EtcdTlsFlags,
  read: (path: string) => Buffer = readFileSync,
): ChannelTls | undefined {
  if (!f.etcdCafile && !f.etcdCertfile && !f.etcdKeyfile) return undefined;
  if (!f.etcdCertfile !== !f.etcdKeyfile)
    throw new FlagError('--etcd-certfile and --etcd-keyfile must be given together');
  // One client identity for every server: a plain-text etcd among TLS ones is a mistake.
  const plain = f.etcdServers.split(',').find((s) => !s.startsWith('https://'));
  if (plain) throw new FlagError(`--etcd-servers: "${plain}" is not https://, but TLS flags are set`);
  // A private CA is what signs etcd's serving cert here (installer/pki), so it is not optional.
  if (!f.etcdCafile) throw new FlagError('--etcd-cafile is required with --etcd-certfile');

  const ca = readPem('--etcd-cafile', f.etcdCafile, read, certificate);
  if (!f.etcdCertfile) return { ca };
  const cert = readPem('--etcd-certfile', f.etcdCertfile, read, certificate);
  const key = readPem('--etcd-keyfile', f.etcdKeyfile, read, privateKey);
  if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key)))
    throw new FlagError(
      `--etcd-keyfile=${f.etcdKeyfile} is not the key of --etcd-certfile=${f.etcdCertfile}`,
    );
  return { ca, cert, key };
}

function readPem(
  flag: string,
  path: string,
  read: (p: string) => Buffer,
  check: (b: Buffer) => void,
): Buffer {
  let buf: Buffer;
  try {
    buf = read(path);
  } catch (err) {
    throw new FlagError(`${flag}=${path}: cannot read the file: ${(err as Error).message}`);
  }
  try {
    check(buf);
  } catch (err) {
    throw new FlagError(`${flag}=${path}: ${(err as Error).message}`);
  }
  return buf;
}

function certificate(buf: Buffer): void {
  try {
    new X509Certificate(buf);
  } catch {
    throw new Error('not a PEM certificate');
  }
}

function privateKey(buf: Buffer): void {
  try {
    createPrivateKey(buf);
  } catch {
    throw new Error('not a PEM private key');
  }
}
