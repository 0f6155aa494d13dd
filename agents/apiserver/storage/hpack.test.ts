import { describe, expect, it } from 'vitest';
import { encodeHeaders, HpackDecoder, HpackError, huffmanDecode } from './hpack';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

const REQUEST_1: Array<[string, string]> = [
  [':method', 'GET'],
  [':scheme', 'http'],
  [':path', '/'],
  [':authority', 'www.example.com'],
];
const REQUEST_2: Array<[string, string]> = [...REQUEST_1, ['cache-control', 'no-cache']];
const REQUEST_3: Array<[string, string]> = [
  [':method', 'GET'],
  [':scheme', 'https'],
  [':path', '/index.html'],
  [':authority', 'www.example.com'],
  ['custom-key', 'custom-value'],
];
/** What the request examples leave in the dynamic table, newest (index 62) first. */
const REQUEST_TABLE: Array<[string, string]> = [
  ['custom-key', 'custom-value'],
  ['cache-control', 'no-cache'],
  [':authority', 'www.example.com'],
];

const RESPONSE_1: Array<[string, string]> = [
  [':status', '302'],
  ['cache-control', 'private'],
  ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'],
  ['location', 'https://www.example.com'],
];
const RESPONSE_2: Array<[string, string]> = [[':status', '307'], ...RESPONSE_1.slice(1)];
const COOKIE = 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1';
const RESPONSE_3: Array<[string, string]> = [
  [':status', '200'],
  ['cache-control', 'private'],
  ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'],
  ['location', 'https://www.example.com'],
  ['content-encoding', 'gzip'],
  ['set-cookie', COOKIE],
];
/** The 256-byte table after the third response: four evictions left these three (215 bytes). */
const RESPONSE_TABLE: Array<[string, string]> = [
  ['set-cookie', COOKIE],
  ['content-encoding', 'gzip'],
  ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'],
];

/** The decoder's dynamic table read back through indices 62… (indexed fields change nothing). */
function expectTable(d: HpackDecoder, entries: Array<[string, string]>): void {
  const indices = entries.map((_, i) => 0x80 | (62 + i));
  expect(d.decode(Buffer.from(indices))).toEqual(entries);
  expect(() => d.decode(Buffer.from([0x80 | (62 + entries.length)]))).toThrow(HpackError);
}

describe('huffmanDecode', () => {
  // RFC 7541 C.4.1, C.4.2, C.4.3: the Huffman-coded strings of the request examples
  it('decodes the RFC request strings', () => {
    expect(huffmanDecode(hex('f1e3 c2e5 f23a 6ba0 ab90 f4ff'))).toBe('www.example.com');
    expect(huffmanDecode(hex('a8eb 1064 9cbf'))).toBe('no-cache');
    expect(huffmanDecode(hex('25a8 49e9 5ba9 7d7f'))).toBe('custom-key');
    expect(huffmanDecode(hex('25a8 49e9 5bb8 e8b4 bf'))).toBe('custom-value');
  });

  // RFC 7541 C.6.1: a value mixing digits, capitals, spaces and punctuation
  it('decodes the RFC response date', () => {
    expect(huffmanDecode(hex('d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff'))).toBe(
      'Mon, 21 Oct 2013 20:13:21 GMT',
    );
  });

  it('decodes an empty string', () => {
    expect(huffmanDecode(Buffer.alloc(0))).toBe('');
  });

  // RFC 7541 §5.2: padding is fewer than 8 bits, all of them 1
  it('refuses padding that is not all 1s', () => {
    expect(() => huffmanDecode(hex('00'))).toThrow(HpackError); // '0' (5 bits), then 000
    expect(() => huffmanDecode(hex('0000'))).toThrow(HpackError); // '000' (15 bits), then 0
    expect(() => huffmanDecode(hex('a8eb 1064 9cbe'))).toThrow(HpackError); // C.4.2, last bit 0
    expect(() => huffmanDecode(hex('25a8 49e9 5bb8 e8b4 be'))).toThrow(HpackError); // C.4.3 too
  });

  it('refuses padding of 8 bits or more', () => {
    expect(() => huffmanDecode(hex('ff'))).toThrow(HpackError);
    expect(() => huffmanDecode(hex('f1e3 c2e5 f23a 6ba0 ab90 f4ff ff'))).toThrow(HpackError);
  });

  it('refuses the end-of-string symbol inside a string', () => {
    expect(() => huffmanDecode(hex('ffff ffff'))).toThrow(HpackError);
  });
});

describe('HpackDecoder', () => {
  // RFC 7541 C.2.2, C.2.3: literals that leave the dynamic table alone
  it('decodes literals without indexing and never indexed', () => {
    const d = new HpackDecoder();
    expect(d.decode(hex('040c 2f73 616d 706c 652f 7061 7468'))).toEqual([[':path', '/sample/path']]);
    expect(d.decode(hex('1008 7061 7373 776f 7264 0673 6563 7265 74'))).toEqual([['password', 'secret']]);
    expectTable(d, []);
  });

  // RFC 7541 C.3: requests without Huffman coding, one decoder across the three blocks
  it('decodes the request examples without Huffman', () => {
    const d = new HpackDecoder();
    expect(d.decode(hex('8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d'))).toEqual(REQUEST_1);
    expect(d.decode(hex('8286 84be 5808 6e6f 2d63 6163 6865'))).toEqual(REQUEST_2);
    expect(d.decode(hex('8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65'))).toEqual(
      REQUEST_3,
    );
    expectTable(d, REQUEST_TABLE);
  });

  // RFC 7541 C.4: the same requests with Huffman coding
  it('decodes the request examples with Huffman', () => {
    const d = new HpackDecoder();
    expect(d.decode(hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff'))).toEqual(REQUEST_1);
    expect(d.decode(hex('8286 84be 5886 a8eb 1064 9cbf'))).toEqual(REQUEST_2);
    expect(d.decode(hex('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf'))).toEqual(REQUEST_3);
    expectTable(d, REQUEST_TABLE);
  });

  // RFC 7541 C.5: responses without Huffman coding, a 256-byte table, evictions
  it('decodes the response examples without Huffman', () => {
    const d = new HpackDecoder(256);
    expect(
      d.decode(
        hex(`4803 3330 3258 0770 7269 7661 7465 611d
             4d6f 6e2c 2032 3120 4f63 7420 3230 3133
             2032 303a 3133 3a32 3120 474d 546e 1768
             7474 7073 3a2f 2f77 7777 2e65 7861 6d70
             6c65 2e63 6f6d`),
      ),
    ).toEqual(RESPONSE_1);
    expect(d.decode(hex('4803 3330 37c1 c0bf'))).toEqual(RESPONSE_2);
    expect(
      d.decode(
        hex(`88c1 611d 4d6f 6e2c 2032 3120 4f63 7420
             3230 3133 2032 303a 3133 3a32 3220 474d
             54c0 5a04 677a 6970 7738 666f 6f3d 4153
             444a 4b48 514b 425a 584f 5157 454f 5049
             5541 5851 5745 4f49 553b 206d 6178 2d61
             6765 3d33 3630 303b 2076 6572 7369 6f6e
             3d31`),
      ),
    ).toEqual(RESPONSE_3);
    expectTable(d, RESPONSE_TABLE);
  });

  // RFC 7541 C.6: the same responses with Huffman coding
  it('decodes the response examples with Huffman', () => {
    const d = new HpackDecoder(256);
    expect(
      d.decode(
        hex(`4882 6402 5885 aec3 771a 4b61 96d0 7abe
             9410 54d4 44a8 2005 9504 0b81 66e0 82a6
             2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8
             e9ae 82ae 43d3`),
      ),
    ).toEqual(RESPONSE_1);
    expect(d.decode(hex('4883 640e ffc1 c0bf'))).toEqual(RESPONSE_2);
    expect(
      d.decode(
        hex(`88c1 6196 d07a be94 1054 d444 a820 0595
             040b 8166 e084 a62d 1bff c05a 839b d9ab
             77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b
             3960 d5af 2708 7f36 72c1 ab27 0fb5 291f
             9587 3160 65c0 03ed 4ee5 b106 3d50 07`),
      ),
    ).toEqual(RESPONSE_3);
    expectTable(d, RESPONSE_TABLE);
  });

  // RFC 7541 §6.1, §2.3.3: an index in neither table
  it('refuses an index past the static table with an empty dynamic table', () => {
    expect(() => new HpackDecoder().decode(hex('be'))).toThrow(HpackError);
  });

  it('refuses index 0', () => {
    expect(() => new HpackDecoder().decode(hex('80'))).toThrow(HpackError);
  });

  // RFC 7541 §6.3: dynamic table size update
  it('refuses a table size update above the maximum', () => {
    expect(() => new HpackDecoder().decode(hex('3fe2 1f'))).toThrow(HpackError); // 4097
    expect(() => new HpackDecoder(256).decode(hex('3fe2 01'))).toThrow(HpackError); // 257
  });

  it('accepts a table size update up to the maximum', () => {
    expect(new HpackDecoder().decode(hex('3fe1 1f 82'))).toEqual([[':method', 'GET']]); // 4096
  });

  it('empties the table on a size update to 0', () => {
    const d = new HpackDecoder();
    d.decode(hex('8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d'));
    expect(d.decode(hex('be'))).toEqual([[':authority', 'www.example.com']]);
    expect(d.decode(hex('20'))).toEqual([]);
    expect(() => d.decode(hex('be'))).toThrow(HpackError);
  });

  // RFC 7541 §5.1, §5.2: truncated blocks
  it('refuses a block cut inside an integer or a string', () => {
    expect(() => new HpackDecoder().decode(hex('ff'))).toThrow(HpackError);
    expect(() => new HpackDecoder().decode(hex('0003 6162'))).toThrow(HpackError);
    expect(() => new HpackDecoder().decode(hex('0001 61'))).toThrow(HpackError);
  });
});

describe('encodeHeaders', () => {
  const GRPC_REQUEST: Array<[string, string]> = [
    [':method', 'POST'],
    [':path', '/etcdserverpb.KV/Txn'],
    ['content-type', 'application/grpc'],
    ['te', 'trailers'],
    ['grpc-timeout', '5000m'],
    ['authorization', `Bearer ${'t'.repeat(200)}`],
  ];

  // RFC 7541 §6.2.2: literal without indexing, new name, raw strings
  it('round-trips through a fresh decoder', () => {
    const d = new HpackDecoder();
    expect(d.decode(encodeHeaders(GRPC_REQUEST))).toEqual(GRPC_REQUEST);
    expectTable(d, []);
  });

  it('writes each field as a literal without indexing with a new name', () => {
    const block = encodeHeaders([[':method', 'POST']]);
    expect(block[0]).toBe(0x00);
    expect(block).toEqual(hex('0007 3a6d 6574 686f 6404 504f 5354'));
  });

  // RFC 7541 §5.1: a length of 127 or more takes continuation bytes after the 7-bit prefix
  it('writes string lengths as prefixed integers', () => {
    const prefix = (length: number) => {
      const block = encodeHeaders([['x', 'v'.repeat(length)]]);
      return block.subarray(3, block.length - length);
    };
    expect(prefix(126)).toEqual(hex('7e'));
    expect(prefix(127)).toEqual(hex('7f00'));
    expect(prefix(128)).toEqual(hex('7f01'));
    expect(prefix(1337)).toEqual(hex('7fba 09'));
    for (const length of [126, 127, 128, 1337, 20_000]) {
      const fields: Array<[string, string]> = [['x', 'v'.repeat(length)]];
      expect(new HpackDecoder().decode(encodeHeaders(fields))).toEqual(fields);
    }
  });
});
