// The DNS bench's limit: a UDP server that does the least a right answer needs. Every reply is
// encoded once at start (dns-packet), keyed by the question bytes the load generator sends
// (dns-load.ts encodeQuery); per query it looks the bytes up, copies the reply and patches the
// id. No decoding, no zone, no informers: what is left is the generator, the kernel's loopback
// and one Node.js UDP socket, the ceiling any Node.js DNS server on this machine sits under.
// It runs as its own process, as the cluster DNS server does:
//   node --import tsx bench/lib/dns-fixed-answer.ts <port> <targets.json>
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import dnsPacket from 'dns-packet';
import { encodeQuery, type Target } from './dns-load';

const HEADER_BYTES = 12;

/** Question bytes (everything after the header) → the whole reply, id 0. */
export function fixedAnswers(targets: Target[], ttl = 30): Map<string, Buffer> {
  const replies = new Map<string, Buffer>();
  for (const t of targets) {
    const reply = dnsPacket.encode({
      type: 'response',
      id: 0,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
      questions: [{ type: 'A', class: 'IN', name: t.name }],
      answers: t.addresses.map((ip) => ({
        type: 'A' as const,
        class: 'IN' as const,
        name: t.name,
        ttl,
        data: ip,
      })),
    });
    replies.set(encodeQuery(t.name).toString('latin1', HEADER_BYTES), reply);
  }
  return replies;
}

/** The reply to one query: the precomputed one with the query's id, or undefined if not ours. */
export function fixedReply(replies: Map<string, Buffer>, query: Buffer): Buffer | undefined {
  const known = replies.get(query.toString('latin1', HEADER_BYTES));
  if (!known) return undefined;
  const reply = Buffer.from(known);
  query.copy(reply, 0, 0, 2);
  return reply;
}

function serve(port: number, targets: Target[]): void {
  const replies = fixedAnswers(targets);
  const socket = dgram.createSocket('udp4');
  socket.on('message', (query, from) => {
    // Not one of ours: no answer, and the generator counts a timeout.
    const reply = fixedReply(replies, query);
    if (reply) socket.send(reply, from.port, from.address);
  });
  socket.bind(port, '127.0.0.1');
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => socket.close());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [port, file] = process.argv.slice(2);
  serve(Number(port), JSON.parse(readFileSync(file, 'utf8')) as Target[]);
}
