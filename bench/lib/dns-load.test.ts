// The DNS bench's checker, by table (what makes an answer right), and its limit server answering
// the generator's own queries right.
import dnsPacket, { type Packet } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { fixedAnswers, fixedReply } from './dns-fixed-answer';
import { checkReply, encodeQuery, type Target } from './dns-load';

const web: Target = { name: 'svc-1.default.svc.cluster.local', addresses: ['10.96.0.12'] };
const headless: Target = {
  name: 'svc-0.default.svc.cluster.local',
  addresses: ['10.250.0.1', '10.250.0.2', '10.250.0.3'],
};

function reply(target: Target, addresses: string[], extra: Partial<Packet> = {}): Packet {
  // Through the wire format and back, as the generator sees a reply.
  return dnsPacket.decode(
    dnsPacket.encode({
      type: 'response',
      id: 7,
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      questions: [{ type: 'A', class: 'IN', name: target.name }],
      answers: addresses.map((ip) => ({ type: 'A' as const, name: target.name, ttl: 30, data: ip })),
      ...extra,
    }),
  );
}

describe('checkReply', () => {
  it.each([
    ['the ClusterIP', web, reply(web, ['10.96.0.12']), { right: true }],
    [
      'every headless endpoint, any order',
      headless,
      reply(headless, ['10.250.0.3', '10.250.0.1', '10.250.0.2']),
      { right: true },
    ],
    [
      'another ClusterIP',
      web,
      reply(web, ['10.96.0.13']),
      { right: false, why: 'A 10.96.0.13, want 10.96.0.12' },
    ],
    [
      'one endpoint short',
      headless,
      reply(headless, ['10.250.0.1', '10.250.0.2']),
      { right: false, why: 'A 10.250.0.1,10.250.0.2, want 10.250.0.1,10.250.0.2,10.250.0.3' },
    ],
    [
      'one address too many',
      web,
      reply(web, ['10.96.0.12', '10.96.0.99']),
      { right: false, why: 'A 10.96.0.12,10.96.0.99, want 10.96.0.12' },
    ],
    ['no answer (NODATA)', web, reply(web, []), { right: false, why: 'A none, want 10.96.0.12' }],
    ['NXDOMAIN', web, reply(web, [], { flags: 3 }), { right: false, why: 'NXDOMAIN' }],
    [
      'truncated',
      web,
      reply(web, [], { flags: dnsPacket.TRUNCATED_RESPONSE }),
      { right: false, why: 'truncated' },
    ],
    [
      'the answer to another name',
      web,
      reply(headless, ['10.96.0.12']),
      { right: false, why: 'answers svc-0.default.svc.cluster.local' },
    ],
    [
      'a query, not a response',
      web,
      dnsPacket.decode(encodeQuery(web.name)),
      { right: false, why: 'not a response' },
    ],
  ])('%s', (_, target, packet, verdict) => {
    expect(checkReply(packet, target)).toEqual(verdict);
  });
});

describe('the fixed-answer server (the limit)', () => {
  it('answers each generator query right once its id is patched in', () => {
    const replies = fixedAnswers([web, headless]);
    for (const target of [web, headless]) {
      const query = encodeQuery(target.name);
      query.writeUInt16BE(4242, 0);
      const decoded = dnsPacket.decode(fixedReply(replies, query) ?? Buffer.alloc(0));
      expect(decoded.id).toBe(4242);
      expect(checkReply(decoded, target)).toEqual({ right: true });
    }
  });
});
