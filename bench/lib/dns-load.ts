// A DNS load generator over UDP, and the checker that decides whether an answer is right.
// Closed loop by default (dnsperf's shape: a fixed number of queries kept in flight, the next one
// sent as soon as one is answered or times out); given a rate, query i is sent no earlier than
// i/rate seconds after the first (dnsperf -Q), still with at most that many in flight. The same
// generator runs against the cluster DNS server and against the fixed-answer server
// (dns-fixed-answer.ts), so the generator's own cost and the kernel's are in both figures alike.
//
// Queries are encoded once per name (dns-packet) and only their id is patched per send; every
// reply is decoded and checked, because a fast wrong answer is not a result.
import dgram from 'node:dgram';
import dnsPacket, { type Packet } from 'dns-packet';
import { type Summary, summarize } from './report';

/** A name to ask for (type A) and the addresses a right answer carries, in any order. */
export interface Target {
  name: string;
  addresses: string[];
}

/** Right, or wrong and why: the reason a reader would check by hand. */
export type Verdict = { right: true } | { right: false; why: string };

/**
 * Is `reply` the right answer to an A query for `target`: a response, NOERROR, not truncated,
 * the same question, and A records holding exactly the target's addresses (no more, no fewer).
 */
export function checkReply(reply: Packet, target: Target): Verdict {
  if (reply.type !== 'response') return { right: false, why: 'not a response' };
  const rcode = (reply as { rcode?: string }).rcode ?? 'NOERROR';
  if (rcode !== 'NOERROR') return { right: false, why: rcode };
  if ((reply.flags ?? 0) & dnsPacket.TRUNCATED_RESPONSE) return { right: false, why: 'truncated' };
  const asked = reply.questions?.[0]?.name?.toLowerCase().replace(/\.$/, '');
  if (asked !== target.name.toLowerCase()) return { right: false, why: `answers ${asked}` };
  const got = (reply.answers ?? []).flatMap((a) => (a.type === 'A' ? [a.data] : [])).sort();
  const want = [...target.addresses].sort();
  if (got.length !== want.length || got.some((ip, i) => ip !== want[i]))
    return { right: false, why: `A ${got.join(',') || 'none'}, want ${want.join(',')}` };
  return { right: true };
}

/** An A query for `name` with id 0 and RD set, as the generator sends it (id patched per send). */
export function encodeQuery(name: string): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id: 0,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: 'A', class: 'IN', name }],
  });
}

export interface LoadOptions {
  port: number;
  host?: string;
  /** Asked round robin: query i asks for targets[i % targets.length]. */
  targets: Target[];
  queries: number;
  inFlight: number;
  /** Paced: at most this many queries sent per second. */
  ratePerSecond?: number;
  /** A query unanswered this long counts as a timeout and its slot sends the next one. */
  timeoutMs: number;
}

export interface LoadResult {
  queries: number;
  inFlight: number;
  ratePerSecond?: number;
  seconds: number;
  /** Right answers per second, first send to last reply: wrong ones and timeouts earn nothing. */
  rightPerSecond: number;
  right: number;
  wrong: number;
  timeouts: number;
  /** Send → reply arriving at the generator, for every answered query (right or wrong). */
  latency: Summary;
  /** Up to five wrong answers, as examples. */
  wrongExamples: string[];
}

interface Pending {
  target: Target;
  sentAt: number;
  settle: () => void;
}

export async function queryLoad(opts: LoadOptions): Promise<LoadResult> {
  const host = opts.host ?? '127.0.0.1';
  const encoded = opts.targets.map((t) => encodeQuery(t.name));
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const pending = new Map<number, Pending>();
  const latencies: number[] = [];
  const wrongExamples: string[] = [];
  let right = 0;
  let wrong = 0;
  let timeouts = 0;

  socket.on('message', (msg) => {
    const arrived = performance.now();
    const p = msg.length >= 2 ? pending.get(msg.readUInt16BE(0)) : undefined;
    if (!p) return; // the late answer to a query already counted as a timeout
    let verdict: Verdict;
    try {
      verdict = checkReply(dnsPacket.decode(msg), p.target);
    } catch (err) {
      verdict = { right: false, why: `undecodable: ${err}` };
    }
    pending.delete(msg.readUInt16BE(0));
    latencies.push(arrived - p.sentAt);
    if (verdict.right) right++;
    else {
      wrong++;
      if (wrongExamples.length < 5) wrongExamples.push(`${p.target.name}: ${verdict.why}`);
    }
    p.settle();
  });
  // One sweep instead of a timer per query: a query older than the timeout is given up.
  const sweep = setInterval(
    () => {
      const now = performance.now();
      for (const [id, p] of pending)
        if (now - p.sentAt > opts.timeoutMs) {
          pending.delete(id);
          timeouts++;
          p.settle();
        }
    },
    Math.min(50, opts.timeoutMs / 4),
  );

  let nextId = 0;
  let sent = 0;
  const ask = (i: number) =>
    new Promise<void>((settle) => {
      // Ids cycle through 1..65535; with at most inFlight pending, a free one is never far.
      do {
        nextId = (nextId % 65535) + 1;
      } while (pending.has(nextId));
      const query = Buffer.from(encoded[i % encoded.length]);
      query.writeUInt16BE(nextId, 0);
      pending.set(nextId, {
        target: opts.targets[i % opts.targets.length],
        sentAt: performance.now(),
        settle,
      });
      socket.send(query, opts.port, host);
    });
  const start = performance.now();
  try {
    await Promise.all(
      Array.from({ length: Math.min(opts.inFlight, opts.queries) }, async () => {
        while (sent < opts.queries) {
          const i = sent++;
          const early = opts.ratePerSecond ? start + (i * 1000) / opts.ratePerSecond - performance.now() : 0;
          if (early > 0) await new Promise((r) => setTimeout(r, early));
          await ask(i);
        }
      }),
    );
  } finally {
    clearInterval(sweep);
    socket.close();
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    queries: opts.queries,
    inFlight: opts.inFlight,
    ratePerSecond: opts.ratePerSecond,
    seconds: Number(seconds.toFixed(3)),
    rightPerSecond: Math.round(right / seconds),
    right,
    wrong,
    timeouts,
    latency: summarize(latencies),
    wrongExamples,
  };
}
