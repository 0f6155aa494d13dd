// Hardening the apiserver (issue 9), against a real etcd and real HTTP:
//   - etcd over TLS with --client-cert-auth: the apiserver dials it with --etcd-cafile/certfile/
//     keyfile from installer/pki; a client without a certificate is refused
//   - --encryption-provider-config: Secrets read back through GET, LIST and WATCH while etcd holds
//     only `k8s:enc:aescbc:v1:key1:…`; ConfigMaps (not listed) and older plain Secrets stay JSON
//   - --request-timeout=2s: a client trickling its body gets a 504 Timeout Status and is cut off,
//     /healthz answers meanwhile, and a watch outlives the request timeout
//   - --insecure-bind-address=127.0.0.1 beside --bind-address=0.0.0.0
//   - a missing certificate file or an unsupported provider stops the apiserver with one line
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePki, pkiPaths } from '../../installer/pki/pki';
import { type ControlPlane, startControlPlane } from '../support/apiserver';
import { freePort } from '../support/ports';
import { startAgent } from '../support/process';
import { api, watch } from './apiserver-http';

const KEY1 = Buffer.alloc(32, 0x5a).toString('base64');
const ENCRYPTION_CONFIG = `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
      - aescbc:
          keys:
            - name: key1
              secret: ${KEY1}
      - identity: {}
`;
const PASSWORD_B64 = Buffer.from('hunter2-the-password').toString('base64');

let dir: string;
let cp: ControlPlane;
let securePort: number;
let etcdClient: Etcd3;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nodekube-hardening-'));
  await ensurePki(dir, { masterName: 'localhost', masterIp: '127.0.0.1', serviceIp: '10.96.0.1', nodes: [] });
  await writeFile(join(dir, 'encryption.yaml'), ENCRYPTION_CONFIG);
  securePort = await freePort();
  cp = await startControlPlane({
    name: 'apiserver-hardening',
    etcdTlsDir: dir,
    flags: [
      `--encryption-provider-config=${join(dir, 'encryption.yaml')}`,
      '--request-timeout=2s',
      // The installer's layout: TLS on every address, the unauthenticated port on loopback only.
      '--bind-address=0.0.0.0',
      `--secure-port=${securePort}`,
      `--tls-cert-file=${pkiPaths(dir, 'apiserver').cert}`,
      `--tls-private-key-file=${pkiPaths(dir, 'apiserver').key}`,
      '--insecure-bind-address=127.0.0.1',
    ],
  });
  etcdClient = new Etcd3({
    hosts: cp.etcd.url,
    credentials: {
      rootCertificate: await readFile(pkiPaths(dir, 'ca').cert),
      certChain: await readFile(pkiPaths(dir, 'apiserver-etcd-client').cert),
      privateKey: await readFile(pkiPaths(dir, 'apiserver-etcd-client').key),
    },
  });
});
afterAll(async () => {
  etcdClient?.close();
  await cp?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('etcd over TLS', () => {
  it('serves the API from an etcd that demands client certificates', async () => {
    expect(cp.etcd.url).toMatch(/^https:\/\//);
    const ns = await api(cp.url).get('/api/v1/namespaces/default');
    expect(ns.status).toBe(200);
    expect((await fetch(`${cp.url}/readyz?verbose`)).status).toBe(200);
  });

  it('refuses a client with the right CA but no certificate of its own', async () => {
    const anonymous = new Etcd3({
      hosts: cp.etcd.url,
      credentials: { rootCertificate: await readFile(pkiPaths(dir, 'ca').cert) },
      defaultCallOptions: () => ({ deadline: Date.now() + 3000 }),
    });
    try {
      await expect(anonymous.get('/registry/namespaces/default')).rejects.toThrow();
    } finally {
      anonymous.close();
    }
    expect(await etcdClient.get('/registry/namespaces/default')).toContain('"name":"default"');
  });
});

describe('encryption at rest', () => {
  const secrets = '/api/v1/namespaces/default/secrets';
  const secret = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name },
    data: { password: PASSWORD_B64 },
  });

  it('stores Secrets encrypted and serves them decrypted through GET, LIST and WATCH', async () => {
    const c = api(cp.url);
    const list0 = await c.get(secrets);
    const w = watch(cp.url, `${secrets}?watch=1&resourceVersion=${list0.body.metadata.resourceVersion}`);
    try {
      expect((await c.post(secrets, secret('db'))).status).toBe(201);
      expect((await c.get(`${secrets}/db`)).body.data).toEqual({ password: PASSWORD_B64 });
      // The list is served by the watch cache, which decoded the value from an etcd watch event.
      await expect
        .poll(async () =>
          (await c.get(secrets)).body.items.map((s: any) => [s.metadata.name, s.data.password]),
        )
        .toEqual([['db', PASSWORD_B64]]);
      await expect
        .poll(() => w.events.map((e) => [e.type, e.object.data?.password]))
        .toEqual([['ADDED', PASSWORD_B64]]);
    } finally {
      w.stop();
    }

    const stored = await etcdClient.get('/registry/secrets/default/db').buffer();
    expect(stored?.subarray(0, 23).toString()).toBe('k8s:enc:aescbc:v1:key1:');
    expect(stored?.toString('latin1')).not.toContain(PASSWORD_B64);
    expect(stored?.toString('latin1')).not.toContain('"kind"');
  });

  it('leaves resources the config does not list as JSON', async () => {
    const c = api(cp.url);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' }, data: { a: 'b' } };
    expect((await c.post('/api/v1/namespaces/default/configmaps', cm)).status).toBe(201);
    const stored = await etcdClient.get('/registry/configmaps/default/plain');
    expect(JSON.parse(stored ?? '{}').data).toEqual({ a: 'b' });
  });

  it('still reads a Secret written before encryption was turned on (identity is listed)', async () => {
    const old = {
      ...secret('from-before'),
      metadata: { name: 'from-before', namespace: 'default', uid: 'u-1' },
      type: 'Opaque',
    };
    await etcdClient.put('/registry/secrets/default/from-before').value(JSON.stringify(old));
    const c = api(cp.url);
    expect((await c.get(`${secrets}/from-before`)).body.data).toEqual({ password: PASSWORD_B64 });
    await expect
      .poll(async () => (await c.get(secrets)).body.items.map((s: any) => s.metadata.name))
      .toContain('from-before');
    // An update rewrites it with the first provider.
    const patched = await c.patch(`${secrets}/from-before`, { data: { password: 'bmV3' } });
    expect(patched.status).toBe(200);
    const stored = await etcdClient.get('/registry/secrets/default/from-before').buffer();
    expect(stored?.subarray(0, 23).toString()).toBe('k8s:enc:aescbc:v1:key1:');
  });
});

describe('request timeout', () => {
  it('answers a client trickling its body with 504 after --request-timeout, and cuts it off', async () => {
    const port = cp.port;
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.on('data', (d) => {
      reply += d.toString();
    });
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
    socket.on('error', () => undefined);
    socket.write(
      'POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
    );
    const trickle = setInterval(() => socket.writable && socket.write(' '), 300);
    try {
      // Meanwhile the server answers everyone else.
      await new Promise((r) => setTimeout(r, 1000));
      expect((await fetch(`${cp.url}/healthz`)).status).toBe(200);

      const elapsed = await closed;
      expect(elapsed).toBeGreaterThanOrEqual(1900);
      expect(elapsed).toBeLessThan(10_000);
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
    expect(reply).toMatch(/^HTTP\/1\.1 504 /);
    expect(reply).toMatch(/\r\nConnection: close\r\n/i);
    expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4))).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Timeout',
      code: 504,
      message: 'Timeout: request did not complete within the allotted timeout',
    });
  });

  it('cuts off a client that sends headers and never a body', async () => {
    const socket = connect(cp.port, '127.0.0.1');
    let reply = '';
    socket.on('data', (d) => {
      reply += d.toString();
    });
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(
      'PUT /api/v1/namespaces/default/configmaps/plain HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n',
    );
    await closed;
    expect(reply).toMatch(/^HTTP\/1\.1 504 /);
  });

  it('lets a watch run past the request timeout', async () => {
    const c = api(cp.url);
    const rv = (await c.get('/api/v1/namespaces/default/configmaps')).body.metadata.resourceVersion;
    const w = watch(
      cp.url,
      `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=20`,
    );
    try {
      await new Promise((r) => setTimeout(r, 3000));
      const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } };
      expect((await c.post('/api/v1/namespaces/default/configmaps', cm)).status).toBe(201);
      await expect
        .poll(() => w.events.map((e) => `${e.type} ${e.object.metadata.name}`))
        .toEqual(['ADDED late']);
    } finally {
      w.stop();
    }
  });
});

describe('--insecure-bind-address', () => {
  /** Local IPv4 addresses listening on `port`, from /proc/net/tcp (state 0A = LISTEN). */
  async function listeningOn(port: number): Promise<string[]> {
    const lines = (await readFile('/proc/net/tcp', 'utf8')).trim().split('\n').slice(1);
    return lines
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[3] === '0A' && Number.parseInt(f[1].split(':')[1], 16) === port)
      .map((f) => {
        const hex = f[1].split(':')[0];
        return [3, 2, 1, 0].map((i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
      });
  }
  const reachable = (host: string, port: number) =>
    new Promise<boolean>((resolve) => {
      const s = connect(port, host, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });

  it('binds the plain port to 127.0.0.1 only, the secure port to every address', async () => {
    expect(await listeningOn(cp.port)).toEqual(['127.0.0.1']);
    expect(await listeningOn(securePort)).toEqual(['0.0.0.0']);
    // 127.0.0.2 is loopback too, but not the address the plain port was bound to.
    expect(await reachable('127.0.0.1', cp.port)).toBe(true);
    expect(await reachable('127.0.0.2', cp.port)).toBe(false);
    expect(await reachable('127.0.0.2', securePort)).toBe(true);
  });
});

describe('bad flags', () => {
  async function exitOf(flags: string[]): Promise<{ code: number | null; log: string }> {
    const port = await freePort();
    const p = startAgent(`apiserver-badflags-${port}`, 'apiserver', [
      `--etcd-servers=${cp.etcd.url}`,
      '--bind-address=127.0.0.1',
      `--port=${port}`,
      ...flags,
    ]);
    const code = await new Promise<number | null>((resolve) => p.proc.once('exit', (c) => resolve(c)));
    return { code, log: await readFile(p.logFile, 'utf8') };
  }

  it('stops with one line naming the flag and file that cannot be read', async () => {
    const out = await exitOf([
      `--etcd-cafile=${pkiPaths(dir, 'ca').cert}`,
      `--etcd-certfile=${join(dir, 'missing.crt')}`,
      `--etcd-keyfile=${pkiPaths(dir, 'apiserver-etcd-client').key}`,
    ]);
    expect(out.code).toBe(1);
    expect(out.log).toContain(
      `nodekube-agent: --etcd-certfile=${join(dir, 'missing.crt')}: cannot read the file: ENOENT`,
    );
  });

  it('refuses a secretbox provider by name', async () => {
    const file = join(dir, 'secretbox.yaml');
    await writeFile(file, ENCRYPTION_CONFIG.replace('aescbc', 'secretbox'));
    const out = await exitOf([
      `--etcd-cafile=${pkiPaths(dir, 'ca').cert}`,
      `--etcd-certfile=${pkiPaths(dir, 'apiserver-etcd-client').cert}`,
      `--etcd-keyfile=${pkiPaths(dir, 'apiserver-etcd-client').key}`,
      `--encryption-provider-config=${file}`,
    ]);
    expect(out.code).toBe(1);
    expect(out.log).toContain(
      `nodekube-agent: --encryption-provider-config=${file}: resources[0].providers[0]: secretbox is not supported; use aescbc or aesgcm`,
    );
  });
});
