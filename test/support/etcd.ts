// A real etcd (Debian's etcd-server) on loopback, in a fresh data directory, for one test file.
// With `tlsDir` (a PKI from installer/pki's ensurePki) it serves clients over TLS and asks each
// for a certificate from the cluster CA, as the installer's etcd unit does:
//
//   etcd --cert-file=<dir>/etcd/server.crt --key-file=<dir>/etcd/server.key
//        --trusted-ca-file=<dir>/ca.crt --client-cert-auth
//        --listen-client-urls=https://127.0.0.1:<port> --advertise-client-urls=https://127.0.0.1:<port>
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pkiPaths } from '../../installer/pki/pki';
import { freePort } from './ports';
import { type Started, startProcess } from './process';

export interface TestEtcd {
  url: string;
  dataDir: string;
  /** The etcd process running now (a new one after `restart`). */
  readonly proc: Started;
  /** With `tlsDir`: the files an etcd client (the apiserver) presents. */
  tls?: { ca: string; cert: string; key: string };
  /** Stops etcd (SIGTERM) and starts it again on the same ports and data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface EtcdOptions {
  /** A PKI directory: serve https:// with client-cert-auth (installer/pki file names). */
  tlsDir?: string;
}

// Bounded, but not tight: CI runs integration files beside the e2e cluster on two cores, and a
// fresh etcd's first WAL fsyncs once took more than 20 s there.
const HEALTHY_WITHIN_MS = 60_000;

export async function startEtcd(name = 'etcd', opts: EtcdOptions = {}): Promise<TestEtcd> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'nodekube-etcd-'));
  const url = `${opts.tlsDir ? 'https' : 'http'}://127.0.0.1:${clientPort}`;
  const tls = opts.tlsDir
    ? {
        ca: pkiPaths(opts.tlsDir, 'ca').cert,
        cert: pkiPaths(opts.tlsDir, 'apiserver-etcd-client').cert,
        key: pkiPaths(opts.tlsDir, 'apiserver-etcd-client').key,
      }
    : undefined;
  const tlsFlags = opts.tlsDir
    ? [
        `--cert-file=${pkiPaths(opts.tlsDir, 'etcd/server').cert}`,
        `--key-file=${pkiPaths(opts.tlsDir, 'etcd/server').key}`,
        `--trusted-ca-file=${pkiPaths(opts.tlsDir, 'ca').cert}`,
        '--client-cert-auth',
      ]
    : [];
  const args = [
    `--name=${name}`,
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${url}`,
    `--advertise-client-urls=${url}`,
    ...tlsFlags,
    `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-cluster=${name}=http://127.0.0.1:${peerPort}`,
    '--log-level=warn',
  ];
  let proc = startProcess(`${name}-${clientPort}`, 'etcd', args);
  const stop = async () => {
    await proc.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(proc, url, tls);
  } catch (err) {
    await stop(); // no etcd and no data directory left behind by a failed start
    throw err;
  }
  return {
    url,
    dataDir,
    get proc() {
      return proc;
    },
    tls,
    async restart() {
      await proc.stop();
      proc = startProcess(`${name}-${clientPort}`, 'etcd', args);
      await waitHealthy(proc, url, tls);
    },
    stop,
  };
}

async function waitHealthy(proc: Started, url: string, tls: TestEtcd['tls']): Promise<void> {
  const deadline = Date.now() + HEALTHY_WITHIN_MS;
  for (;;) {
    try {
      if (await healthy(url, tls)) return;
    } catch {
      // not up yet
    }
    const { exitCode, signalCode } = proc.proc;
    const failure =
      exitCode !== null || signalCode !== null
        ? `etcd exited (${exitCode ?? signalCode}) before it was healthy`
        : Date.now() > deadline
          ? `etcd did not become healthy within ${HEALTHY_WITHIN_MS / 1000} s`
          : undefined;
    if (failure) throw new Error(`${failure}; see ${proc.logFile}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** GET /health; over TLS with the client certificate (etcd asks for one on every client URL). */
async function healthy(url: string, tls: TestEtcd['tls']): Promise<boolean> {
  if (!tls) return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).ok;
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/health`,
      {
        ca: readFileSync(tls.ca),
        cert: readFileSync(tls.cert),
        key: readFileSync(tls.key),
        timeout: 1000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
