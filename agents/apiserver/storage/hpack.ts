// HPACK (RFC 7541), the header compression of HTTP/2, as much of it as a gRPC client needs:
// requests go out as plain literals (never indexed, never Huffman-coded: a few dozen bytes per
// call, and nothing for the server to remember), and answers are decoded in full, since etcd's
// Go server uses its dynamic table and Huffman-codes most names and values.

/** RFC 7541 Appendix A: index 1–61. */
const STATIC_TABLE: ReadonlyArray<readonly [string, string]> = [
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ...[
    'accept-charset',
    'accept-encoding',
    'accept-language',
    'accept-ranges',
    'accept',
    'access-control-allow-origin',
    'age',
    'allow',
    'authorization',
    'cache-control',
    'content-disposition',
    'content-encoding',
    'content-language',
    'content-length',
    'content-location',
    'content-range',
    'content-type',
    'cookie',
    'date',
    'etag',
    'expect',
    'expires',
    'from',
    'host',
    'if-match',
    'if-modified-since',
    'if-none-match',
    'if-range',
    'if-unmodified-since',
    'last-modified',
    'link',
    'location',
    'max-forwards',
    'proxy-authenticate',
    'proxy-authorization',
    'range',
    'referer',
    'refresh',
    'retry-after',
    'server',
    'set-cookie',
    'strict-transport-security',
    'transfer-encoding',
    'user-agent',
    'vary',
    'via',
    'www-authenticate',
  ].map((name) => [name, name === 'accept-encoding' ? 'gzip, deflate' : ''] as const),
];

/**
 * RFC 7541 Appendix B: the bit length of each symbol's Huffman code (256 is end-of-string).
 * The code is canonical — codes of one length are consecutive, in symbol order, and each length
 * continues where the shorter one ended — so the lengths alone determine every code.
 */
// biome-ignore format: one row per 16 symbols, as the RFC's table reads
const HUFFMAN_CODE_LENGTHS = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0–15
  28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 16–31
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, // 32–47
  5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, // 48–63
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, // 64–79
  7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, // 80–95
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, // 96–111
  6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, // 112–127
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 128–143
  24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 144–159
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 160–175
  21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 176–191
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 192–207
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 208–223
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 224–239
  26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 240–255
  30, // 256
];

const END_OF_STRING = 256;

/**
 * The decoding trie, built once: node n's children are trie[2n] (bit 0) and trie[2n + 1] (bit 1);
 * a child ≥ 0 is another node, a child < 0 is the leaf of symbol −child − 1.
 */
const HUFFMAN_TRIE: Int32Array = (() => {
  const symbols = HUFFMAN_CODE_LENGTHS.map((length, symbol) => ({ length, symbol })).sort(
    (a, b) => a.length - b.length || a.symbol - b.symbol,
  );
  const trie = new Int32Array(2 * 2 * symbols.length).fill(0);
  let nodes = 1;
  let code = 0;
  let previous = symbols[0].length;
  for (const [i, { length, symbol }] of symbols.entries()) {
    if (i > 0) code = (code + 1) << (length - previous);
    previous = length;
    let node = 0;
    for (let bit = length - 1; bit > 0; bit--) {
      const slot = 2 * node + ((code >>> bit) & 1);
      if (trie[slot] === 0) trie[slot] = nodes++;
      node = trie[slot];
    }
    trie[2 * node + (code & 1)] = -symbol - 1;
  }
  return trie;
})();

export class HpackError extends Error {
  override name = 'HpackError';
}

/** A Huffman-coded string (RFC 7541 §5.2): the padding must be < 8 bits of 1s. */
export function huffmanDecode(bytes: Uint8Array): string {
  const out: number[] = [];
  let node = 0;
  let depth = 0; // bits read since the last symbol
  let allOnes = true;
  for (const byte of bytes) {
    for (let bit = 7; bit >= 0; bit--) {
      const b = (byte >>> bit) & 1;
      const next = HUFFMAN_TRIE[2 * node + b];
      depth++;
      allOnes &&= b === 1;
      if (next < 0) {
        const symbol = -next - 1;
        if (symbol === END_OF_STRING) throw new HpackError('Huffman string holds end-of-string');
        out.push(symbol);
        node = 0;
        depth = 0;
        allOnes = true;
      } else {
        node = next;
      }
    }
  }
  if (depth > 7 || !allOnes) throw new HpackError('Huffman string ends in bad padding');
  return Buffer.from(out).toString('latin1');
}

/** An HPACK integer with an N-bit prefix (RFC 7541 §5.1), the prefix's other bits in `first`. */
function encodeInteger(value: number, prefixBits: number, first: number, out: number[]): void {
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    out.push(first | value);
    return;
  }
  out.push(first | max);
  let rest = value - max;
  while (rest >= 128) {
    out.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

/**
 * A request's header block: every field a "literal header field without indexing — new name"
 * (RFC 7541 §6.2.2), its strings raw. Names must already be lower case, as HTTP/2 requires.
 */
export function encodeHeaders(fields: ReadonlyArray<readonly [string, string]>): Buffer {
  const out: number[] = [];
  for (const [name, value] of fields) {
    out.push(0);
    for (const s of [name, value]) {
      const bytes = Buffer.from(s, 'latin1');
      encodeInteger(bytes.length, 7, 0, out);
      for (const b of bytes) out.push(b);
    }
  }
  return Buffer.from(out);
}

/**
 * The decoding side of one connection: header blocks in the order they arrived (the dynamic
 * table is shared by all of a connection's streams), each into its fields.
 */
export class HpackDecoder {
  /** Newest first, as dynamic indices count (index 62 is the newest entry). */
  private readonly dynamic: Array<readonly [string, string]> = [];
  private size = 0;
  /** The size the encoder last set (§6.3), at most maxTableSize. */
  private limit: number;

  /** `maxTableSize`: the SETTINGS_HEADER_TABLE_SIZE this side advertised (4096 by default). */
  constructor(private readonly maxTableSize = 4096) {
    this.limit = maxTableSize;
  }

  decode(block: Uint8Array): Array<[string, string]> {
    const fields: Array<[string, string]> = [];
    let at = 0;
    const integer = (prefixBits: number): number => {
      const max = (1 << prefixBits) - 1;
      let value = block[at++] & max;
      if (value < max) return value;
      let shift = 0;
      for (;;) {
        if (at >= block.length) throw new HpackError('header block ends inside an integer');
        const b = block[at++];
        value += (b & 127) * 2 ** shift;
        shift += 7;
        if ((b & 128) === 0) return value;
        if (shift > 28) throw new HpackError('header integer too large');
      }
    };
    const string = (): string => {
      if (at >= block.length) throw new HpackError('header block ends before a string');
      const huffman = (block[at] & 128) !== 0;
      const length = integer(7);
      if (at + length > block.length) throw new HpackError('header string runs past the block');
      const bytes = block.subarray(at, at + length);
      at += length;
      return huffman ? huffmanDecode(bytes) : Buffer.from(bytes).toString('latin1');
    };
    while (at < block.length) {
      const b = block[at];
      if (b & 128) {
        fields.push([...this.entry(integer(7))]); // §6.1 indexed
      } else if (b & 64) {
        const index = integer(6); // §6.2.1 literal with incremental indexing
        const name = index ? this.entry(index)[0] : string();
        const value = string();
        this.add([name, value]);
        fields.push([name, value]);
      } else if (b & 32) {
        const size = integer(5); // §6.3 dynamic table size update
        if (size > this.maxTableSize) throw new HpackError(`table size ${size} above ${this.maxTableSize}`);
        this.limit = size;
        this.evict(0);
      } else {
        const index = integer(4); // §6.2.2 without indexing, §6.2.3 never indexed
        const name = index ? this.entry(index)[0] : string();
        fields.push([name, string()]);
      }
    }
    return fields;
  }

  private entry(index: number): readonly [string, string] {
    const field = index <= STATIC_TABLE.length ? STATIC_TABLE[index - 1] : this.dynamic[index - 62];
    if (index === 0 || !field) throw new HpackError(`header index ${index} is in neither table`);
    return field;
  }

  /** §4.1: an entry's size is its name's and value's octets plus 32. */
  private add(field: readonly [string, string]): void {
    const size = field[0].length + field[1].length + 32;
    this.evict(size);
    if (size > this.limit) return; // §4.4: an entry larger than the table empties it
    this.dynamic.unshift(field);
    this.size += size;
  }

  private evict(room: number): void {
    while (this.dynamic.length && this.size + room > this.limit) {
      const [name, value] = this.dynamic.pop() as readonly [string, string];
      this.size -= name.length + value.length + 32;
    }
  }
}
