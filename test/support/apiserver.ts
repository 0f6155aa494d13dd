// A control plane for integration tests: a real etcd and the real apiserver process (from
// source, via startAgent) on free loopback ports. Every helper that needs an API server uses it:
//
//   const cp = await startControlPlane();
//   … fetch(`${cp.url}/api/v1/namespaces`) …
//   await cp.stop();
import { startEtcd, type TestEtcd } from './etcd';
import { freePort } from './ports';
import { type Started, startAgent, waitForHttpOk } from './process';

export interface ControlPlane {
  etcd: TestEtcd;
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  apiserver: Started;
  /** Start the apiserver again on the same port and etcd (after `apiserver.kill()`). */
  restartApiserver(): Promise<Started>;
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  /** Extra apiserver flags (`--service-node-port-range=…`). */
  flags?: string[];
  name?: string;
  /** A PKI dir (installer/pki): etcd over TLS with client-cert-auth, and the apiserver's --etcd-* flags. */
  etcdTlsDir?: string;
}

export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const etcd = await startEtcd('etcd', { tlsDir: opts.etcdTlsDir });
  const etcdTlsFlags = etcd.tls
    ? [`--etcd-cafile=${etcd.tls.ca}`, `--etcd-certfile=${etcd.tls.cert}`, `--etcd-keyfile=${etcd.tls.key}`]
    : [];
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const name = opts.name ?? 'apiserver';
  const start = async (): Promise<Started> => {
    const proc = startAgent(`${name}-${port}`, 'apiserver', [
      `--etcd-servers=${etcd.url}`,
      ...etcdTlsFlags,
      '--bind-address=127.0.0.1',
      `--port=${port}`,
      ...(opts.flags ?? []),
    ]);
    try {
      await waitForHttpOk(`${url}/healthz`, 60_000, proc.logFile);
    } catch (err) {
      await proc.stop();
      throw err;
    }
    return proc;
  };
  let apiserver: Started;
  try {
    apiserver = await start();
  } catch (err) {
    await etcd.stop();
    throw err;
  }
  const cp: ControlPlane = {
    etcd,
    url,
    port,
    apiserver,
    async restartApiserver() {
      await cp.apiserver.stop();
      cp.apiserver = await start();
      return cp.apiserver;
    },
    async stop() {
      await cp.apiserver.stop();
      await etcd.stop();
    },
  };
  return cp;
}
