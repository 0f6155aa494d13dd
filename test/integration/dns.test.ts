// `nodekube-agent dns` against a real apiserver on etcd: records follow Services and
// EndpointSlices as they are created and deleted; a flood of queries from one client does not
// stop it answering another. Everything on loopback; the resolv.conf it is given lists no
// upstream, so outside names get SERVFAIL at once (nothing leaves the machine).

import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlPlane, startControlPlane } from '../support/apiserver';
import { freePort } from '../support/ports';
import { type Started, startAgent, waitForHttpOk } from '../support/process';

let cp: ControlPlane;
let dns: Started;
let port: number;
let dir: string;

const api = (path: string, method = 'GET', body?: unknown) =>
  fetch(`${cp.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  }).then(async (r): Promise<any> => {
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.json();
  });

const resolver = () => {
  const r = new Resolver({ timeout: 2000, tries: 1 });
  r.setServers([`127.0.0.1:${port}`]);
  return r;
};
const a = (name: string) =>
  resolver()
    .resolve4(name)
    .then(
      (ips) => ips.sort(),
      (err: { code: string }) => err.code,
    );

beforeAll(async () => {
  cp = await startControlPlane({ name: 'apiserver-dns' });
  dir = mkdtempSync(join(tmpdir(), 'nodekube-dns-'));
  writeFileSync(join(dir, 'resolv.conf'), 'search example\n');
  port = await freePort();
  const metrics = await freePort();
  dns = startAgent('dns', 'dns', [
    `--master=${cp.url}`,
    '--bind-address=127.0.0.1',
    `--port=${port}`,
    `--metrics-port=${metrics}`,
    `--resolv-conf=${join(dir, 'resolv.conf')}`,
  ]);
  await waitForHttpOk(`http://127.0.0.1:${metrics}/readyz`, 60_000, dns.logFile);
  await api('/api/v1/namespaces', 'POST', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'demo' },
  });
});

afterAll(async () => {
  await dns?.stop();
  await cp?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('cluster DNS agent', () => {
  it('answers a new ClusterIP service by its full name, and NXDOMAIN once it is deleted', async () => {
    const svc = await api('/api/v1/namespaces/demo/services', 'POST', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
    });
    await expect
      .poll(() => a('web.demo.svc.cluster.local'), { timeout: 10_000 })
      .toEqual([svc.spec.clusterIP]);
    await api('/api/v1/namespaces/demo/services/web', 'DELETE');
    await expect.poll(() => a('web.demo.svc.cluster.local'), { timeout: 10_000 }).toBe('ENOTFOUND');
  });

  it('answers a headless service with its ready endpoints', async () => {
    await api('/api/v1/namespaces/demo/services', 'POST', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'db' },
      spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] },
    });
    await api('/apis/discovery.k8s.io/v1/namespaces/demo/endpointslices', 'POST', {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'db-1', labels: { 'kubernetes.io/service-name': 'db' } },
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['10.244.1.5'], hostname: 'db-0', conditions: { ready: true } },
        { addresses: ['10.244.2.5'], hostname: 'db-1', conditions: { ready: true } },
        { addresses: ['10.244.3.5'], hostname: 'db-2', conditions: { ready: false } },
      ],
      ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
    });
    await expect
      .poll(() => a('db.demo.svc.cluster.local'), { timeout: 10_000 })
      .toEqual(['10.244.1.5', '10.244.2.5']);
    expect(await a('db-1.db.demo.svc.cluster.local')).toEqual(['10.244.2.5']);
    expect(await a('db-2.db.demo.svc.cluster.local')).toBe('ENOTFOUND');
  });

  it('answers SERVFAIL at once for outside names when the node lists no resolver', async () => {
    const t = Date.now();
    expect(await a('example.org')).toBe('ESERVFAIL');
    expect(Date.now() - t).toBeLessThan(1500);
  });

  it('keeps answering another client while one floods it with 10,000 queries', async () => {
    const flood = dgram.createSocket('udp4');
    let answered = 0;
    flood.on('message', () => answered++);
    const query = dnsPacket.encode({
      id: 1,
      type: 'query',
      questions: [{ name: 'db.demo.svc.cluster.local', type: 'A', class: 'IN' }],
    });
    const sending = (async () => {
      for (let i = 0; i < 10_000; i++) {
        flood.send(query, port, '127.0.0.1');
        if (i % 200 === 0) await new Promise((r) => setImmediate(r));
      }
    })();
    // Meanwhile another client is answered.
    expect(await a('db-0.db.demo.svc.cluster.local')).toEqual(['10.244.1.5']);
    await sending;
    await new Promise((r) => setTimeout(r, 1000));
    flood.close();
    expect(answered).toBeGreaterThan(0);
    expect(dns.proc.exitCode).toBeNull();
    expect(await a('db.demo.svc.cluster.local')).toEqual(['10.244.1.5', '10.244.2.5']);
  });
});
