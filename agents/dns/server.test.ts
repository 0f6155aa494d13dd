// The DNS server over real UDP and TCP on loopback, asked by Node's own resolver (c-ares), with a
// second server on loopback standing in for the node's upstream resolver.
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../api/log';
import { createForwarder } from './forward';
import { type DnsServer, startDnsServer } from './server';
import { buildZone } from './zone';

const log = createLogger('dns-test', { level: 'error' });
const endpoints = Array.from({ length: 60 }, (_, i) => ({
  addresses: [`10.244.1.${i + 1}`],
  conditions: { ready: true },
}));
const zone = buildZone({
  domain: 'cluster.local',
  ttl: 30,
  services: [
    {
      metadata: { name: 'web', namespace: 'demo' },
      spec: { clusterIP: '10.96.4.7', ports: [{ name: 'http', port: 80 }] },
    },
    { metadata: { name: 'big', namespace: 'demo' }, spec: { clusterIP: 'None' } },
  ],
  slices: [
    {
      metadata: { name: 'big-1', namespace: 'demo', labels: { 'kubernetes.io/service-name': 'big' } },
      addressType: 'IPv4',
      endpoints,
    },
  ],
  pods: [],
});

let upstream: DnsServer;
let server: DnsServer;
let lonely: DnsServer;
const resolverFor = (port: number) => {
  const r = new Resolver({ timeout: 3000, tries: 1 });
  r.setServers([`127.0.0.1:${port}`]);
  return r;
};

beforeAll(async () => {
  // The "node's resolver": knows example.org, NXDOMAIN for the rest.
  const upstreamZone = buildZone({ domain: 'org', ttl: 60, services: [], slices: [], pods: [] });
  upstreamZone.records.set('example.org', [
    { name: 'example.org', ttl: 60, rdata: { type: 'A', data: '192.0.2.10' } },
  ]);
  upstreamZone.names.add('example.org');
  upstream = await startDnsServer({
    bindAddress: '127.0.0.1',
    port: 0,
    zone: () => upstreamZone,
    forwarder: createForwarder([], 100),
    log,
  });
  server = await startDnsServer({
    bindAddress: '127.0.0.1',
    port: 0,
    zone: () => zone,
    forwarder: createForwarder(['127.0.0.1'], 1000, upstream.port),
    log,
  });
  lonely = await startDnsServer({
    bindAddress: '127.0.0.1',
    port: 0,
    zone: () => zone,
    forwarder: createForwarder([], 100),
    log,
  });
});
afterAll(async () => {
  await Promise.all([server?.close(), upstream?.close(), lonely?.close()]);
});

describe('DNS server on loopback', () => {
  it('answers a service A record and SRV', async () => {
    const r = resolverFor(server.port);
    expect(await r.resolve4('web.demo.svc.cluster.local')).toEqual(['10.96.4.7']);
    expect(await r.resolveSrv('_http._tcp.web.demo.svc.cluster.local')).toEqual([
      { name: 'web.demo.svc.cluster.local', port: 80, priority: 0, weight: 100 },
    ]);
  });

  it('answers NXDOMAIN for an unknown cluster name', async () => {
    await expect(resolverFor(server.port).resolve4('nope.demo.svc.cluster.local')).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
  });

  it('forwards other names to the upstream resolver', async () => {
    expect(await resolverFor(server.port).resolve4('example.org')).toEqual(['192.0.2.10']);
  });

  it('answers SERVFAIL at once when there is no upstream', async () => {
    const t = Date.now();
    await expect(resolverFor(lonely.port).resolve4('example.org')).rejects.toMatchObject({
      code: 'ESERVFAIL',
    });
    expect(Date.now() - t).toBeLessThan(2000);
  });

  it('truncates a large UDP reply and serves it whole over TCP', async () => {
    // Without EDNS0 a UDP reply holds 512 bytes: 60 addresses do not fit, so TC and no answers.
    const { createSocket } = await import('node:dgram');
    const s = createSocket('udp4');
    const reply = await new Promise<dnsPacket.Packet>((resolve) => {
      s.on('message', (m) => resolve(dnsPacket.decode(m)));
      s.send(
        dnsPacket.encode({
          id: 9,
          type: 'query',
          questions: [{ name: 'big.demo.svc.cluster.local', type: 'A', class: 'IN' }],
        }),
        server.port,
        '127.0.0.1',
      );
    });
    s.close();
    expect((reply.flags ?? 0) & dnsPacket.TRUNCATED_RESPONSE).toBeTruthy();
    expect(reply.answers).toEqual([]);
    // c-ares asks again over TCP (or with EDNS0) and gets all 60.
    const ips = await resolverFor(server.port).resolve4('big.demo.svc.cluster.local');
    expect(ips).toHaveLength(60);
  });

  it('answers several queries on one TCP connection', async () => {
    const socket = net.connect({ host: '127.0.0.1', port: server.port });
    const frame = (id: number, name: string) => {
      const msg = dnsPacket.encode({ id, type: 'query', questions: [{ name, type: 'A', class: 'IN' }] });
      const len = Buffer.alloc(2);
      len.writeUInt16BE(msg.length);
      return Buffer.concat([len, msg]);
    };
    const replies: number[] = [];
    await new Promise<void>((resolve, reject) => {
      let buf = Buffer.alloc(0);
      socket.on('data', (chunk) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          replies.push(dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0))).id ?? -1);
          buf = buf.subarray(2 + buf.readUInt16BE(0));
          if (replies.length === 2) resolve();
        }
      });
      socket.on('error', reject);
      socket.write(Buffer.concat([frame(7, 'web.demo.svc.cluster.local'), frame(8, 'nope.cluster.local')]));
    });
    socket.destroy();
    expect(replies.sort()).toEqual([7, 8]);
  });

  it('ignores bytes that are not DNS and keeps answering', async () => {
    const { createSocket } = await import('node:dgram');
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.send(Buffer.from('garbage'), server.port, '127.0.0.1', () => r()));
    s.close();
    expect(await resolverFor(server.port).resolve4('web.demo.svc.cluster.local')).toEqual(['10.96.4.7']);
  });
});
