// The DNS server: UDP and TCP on one port, answers from the cluster zone (zone.ts), everything
// else forwarded to the node's own resolvers (forward.ts) — never to a resolver we picked.
// Wire format by dns-packet (a well-kept encoder/decoder, used by mDNS and DoH tools); the
// decisions stay in zone.ts.
//
// A reply that does not fit the client's UDP size (512 bytes, or its EDNS0 payload size) goes
// out empty with TC set, so the client asks again over TCP, as RFC 1035 §4.2.1 says.
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type Answer, type Packet } from 'dns-packet';
import type { Logger } from '../api/log';
import type { Counter } from '../api/metrics';
import type { Forwarder } from './forward';
import { lookup, type Zone, type ZoneRecord } from './zone';

export interface DnsServerOptions {
  bindAddress: string;
  port: number;
  zone: () => Zone;
  forwarder: Forwarder;
  log: Logger;
  /** dns_requests_total{proto,rcode}: every reply we send, by transport and result. */
  requests?: Counter;
}

export interface DnsServer {
  port: number;
  close(): Promise<void>;
}

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, FORMERR: 1 } as const;

function toAnswer(r: ZoneRecord): Answer {
  return { name: r.name, type: r.rdata.type, ttl: r.ttl, class: 'IN', data: r.rdata.data } as Answer;
}

function soa(zone: Zone): Answer {
  return {
    name: zone.domain,
    type: 'SOA',
    ttl: zone.ttl,
    class: 'IN',
    data: {
      mname: `ns.dns.${zone.domain}`,
      rname: `hostmaster.${zone.domain}`,
      serial: Math.floor(Date.now() / 1000),
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: zone.ttl,
    },
  };
}

/** The reply to one query from the zone, or undefined when it must be forwarded. */
export function answerQuery(query: Packet, zone: Zone): Packet | undefined {
  const q = query.questions?.[0];
  const reply = (rcode: number, extra: Partial<Packet> = {}): Packet => ({
    id: query.id,
    type: 'response',
    // AA, RD echoed, RA (we forward for the client), and the rcode in the low bits.
    flags:
      dnsPacket.AUTHORITATIVE_ANSWER |
      ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) |
      dnsPacket.RECURSION_AVAILABLE |
      rcode,
    questions: query.questions,
    ...extra,
  });
  if (!q || query.questions?.length !== 1) return reply(RCODE.FORMERR);
  if (q.class !== 'IN') return reply(RCODE.NOTIMP);
  const found = lookup(zone, q.name, q.type);
  if (found.kind === 'forward') return undefined;
  const rcode = found.rcode === 'NXDOMAIN' ? RCODE.NXDOMAIN : RCODE.NOERROR;
  return reply(rcode, {
    answers: found.answers.map(toAnswer),
    // NXDOMAIN and NODATA carry the SOA, whose minimum is how long to cache the negative answer.
    authorities: found.answers.length ? [] : [soa(zone)],
    additionals: found.additionals.map(toAnswer),
  });
}

/** A SERVFAIL for a query we could not answer (upstream down, no upstream configured). */
function servfail(query: Packet): Packet {
  return {
    id: query.id,
    type: 'response',
    flags:
      ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | dnsPacket.RECURSION_AVAILABLE | RCODE.SERVFAIL,
    questions: query.questions,
  };
}

/** The largest UDP reply this client takes: its EDNS0 payload size, else 512. */
function udpLimit(query: Packet): number {
  const opt = query.additionals?.find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
  return Math.max(512, Math.min(opt?.udpPayloadSize ?? 512, 4096));
}

const rcodeName = (buf: Buffer) =>
  ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'][buf[3] & 0x0f] ?? 'OTHER';

export async function startDnsServer(opts: DnsServerOptions): Promise<DnsServer> {
  const { log } = opts;

  /** Answer raw query bytes; every failure becomes a reply, never an exception. */
  async function handle(buf: Buffer, proto: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    let query: Packet;
    try {
      query = dnsPacket.decode(buf);
    } catch {
      return undefined; // not DNS: drop it, as servers do
    }
    if (query.type !== 'query') return undefined;
    let out: Buffer;
    const local = answerQuery(query, opts.zone());
    if (local) out = dnsPacket.encode(local);
    else {
      try {
        out = await opts.forwarder.forward(buf, proto);
      } catch (err) {
        log.debug?.('forward failed', { name: query.questions?.[0]?.name, err: String(err) });
        out = dnsPacket.encode(servfail(query));
      }
    }
    if (proto === 'udp' && out.length > udpLimit(query)) {
      const truncated = dnsPacket.decode(out);
      truncated.flags = (truncated.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE;
      truncated.answers = [];
      truncated.authorities = [];
      truncated.additionals = [];
      out = dnsPacket.encode(truncated);
    }
    opts.requests?.inc({ proto, rcode: rcodeName(out) });
    return out;
  }

  const udp = dgram.createSocket({ type: 'udp4', reuseAddr: false });
  udp.on('message', (msg, rinfo) => {
    void handle(msg, 'udp').then((out) => {
      if (out) udp.send(out, rinfo.port, rinfo.address);
    });
  });
  udp.on('error', (err) => log.error('udp socket error', { err: String(err) }));
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(opts.port, opts.bindAddress, () => {
      udp.off('error', reject);
      resolve();
    });
  });
  const port = udp.address().port;

  // TCP: two-byte length, then the message (RFC 1035 §4.2.2); several queries per connection.
  const tcp = net.createServer((socket) => {
    socket.setTimeout(10_000, () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const msg = pending.subarray(2, 2 + pending.readUInt16BE(0));
        pending = pending.subarray(2 + msg.length);
        void handle(Buffer.from(msg), 'tcp').then((out) => {
          if (!out || socket.destroyed) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(out.length);
          socket.write(Buffer.concat([len, out]));
        });
      }
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, opts.bindAddress, () => resolve());
  });
  log.info('Serving DNS', { address: opts.bindAddress, port });

  return {
    port,
    async close() {
      await new Promise<void>((r) => udp.close(() => r()));
      await new Promise<void>((r) => tcp.close(() => r()));
    },
  };
}
