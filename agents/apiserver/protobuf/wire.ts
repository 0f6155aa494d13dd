// The protobuf wire format, read by hand (https://protobuf.dev/programming-guides/encoding/).
//
// A message is a sequence of fields; each starts with a varint key = (fieldNumber << 3) | wireType:
//   0 varint            int32/int64/bool/enum
//   1 fixed64           8 bytes little-endian (double)
//   2 length-delimited  varint length, then bytes: string, bytes, nested message, packed repeated
//   5 fixed32           4 bytes little-endian (float)
// Groups (wire types 3 and 4) are long deprecated and never appear in Kubernetes messages.

export type WireType = 0 | 1 | 2 | 5;

export interface WireField {
  field: number;
  wireType: WireType;
  /** varint and fixed values (int64s beyond 2^53 lose precision; no Kubernetes field gets there) */
  value?: number;
  /** the raw bytes of a length-delimited field */
  bytes?: Uint8Array;
}

export class WireError extends Error {
  override name = 'WireError';
}

export class WireReader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /**
   * A varint of up to 64 bits. Negative int32/int64 values are written as ten-byte two's complement,
   * so varints longer than seven bytes are read with BigInt and returned as signed 64-bit numbers.
   */
  varint(): number {
    const start = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.buf.length) throw new WireError('truncated varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    this.pos = start;
    return this.longVarint();
  }

  private longVarint(): number {
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new WireError('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return Number(BigInt.asIntN(64, result));
    }
    throw new WireError('varint longer than 10 bytes');
  }

  bytes(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.buf.length)
      throw new WireError(`length ${n} runs past the end of the message`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  next(): WireField {
    const key = this.varint();
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field === 0) throw new WireError('field number 0 is invalid');
    switch (wireType) {
      case 0:
        return { field, wireType, value: this.varint() };
      case 1: {
        const b = this.bytes(8);
        return { field, wireType, value: new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true) };
      }
      case 2:
        return { field, wireType, bytes: this.bytes(this.varint()) };
      case 5: {
        const b = this.bytes(4);
        return { field, wireType, value: new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true) };
      }
      default:
        throw new WireError(`unsupported wire type ${wireType} for field ${field}`);
    }
  }

  /**
   * A varint field of `buf` as a decimal string, exact beyond 2^53 where `next()`'s number is
   * not (etcd's lease ids); undefined when the field is absent (proto3: zero).
   */
  static int64(buf: Uint8Array, field: number): string | undefined {
    const r = new WireReader(buf);
    let found: string | undefined;
    while (!r.done) {
      const start = r.pos;
      if (r.varint() === field * 8) {
        let n = 0n;
        for (let i = 0; ; i++) {
          if (i === 10) throw new WireError('varint longer than 10 bytes');
          const b = r.bytes(1)[0];
          n |= BigInt(b & 0x7f) << BigInt(7 * i);
          if ((b & 0x80) === 0) break;
        }
        found = String(BigInt.asIntN(64, n));
      } else {
        r.pos = start;
        r.next();
      }
    }
    return found;
  }

  /** Every field of the message, in order. */
  static fields(buf: Uint8Array): WireField[] {
    const r = new WireReader(buf);
    const out: WireField[] = [];
    while (!r.done) out.push(r.next());
    return out;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function text(b: Uint8Array): string {
  try {
    return utf8.decode(b);
  } catch {
    throw new WireError('string field is not valid UTF-8');
  }
}

/**
 * Builds a message field by field. Nested messages are written into their own writer first, so
 * their length is known when the parent writes the field's length prefix.
 */
export class WireWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  /** A varint field; zero is skipped (proto3's default) unless `always` (a oneof member). */
  uint(field: number, value: number, always = false): this {
    if (value === 0 && !always) return this;
    this.key(field, 0);
    this.varint(value);
    return this;
  }

  /**
   * An int64 given in decimal, as ids beyond 2^53 come (etcd's lease ids); a negative one is
   * written as its ten-byte two's complement, the way protobuf writes negative int64s.
   */
  int64(field: number, decimal: string): this {
    let n = BigInt.asUintN(64, BigInt(decimal));
    if (n === 0n) return this;
    this.key(field, 0);
    const out: number[] = [];
    while (n > 127n) {
      out.push(Number(n & 127n) | 128);
      n >>= 7n;
    }
    out.push(Number(n));
    this.push(Uint8Array.from(out));
    return this;
  }

  bool(field: number, value: boolean): this {
    return value ? this.uint(field, 1) : this;
  }

  /** A bytes or string field; empty values are skipped (proto3's default). */
  bytes(field: number, value: Uint8Array | string): this {
    const b = typeof value === 'string' ? Buffer.from(value) : value;
    if (b.length === 0) return this;
    this.key(field, 2);
    this.varint(b.length);
    this.push(b);
    return this;
  }

  /** A nested message, written even when empty (its presence can carry meaning). */
  message(field: number, m: WireWriter): this {
    this.key(field, 2);
    this.varint(m.size);
    for (const p of m.parts) this.push(p);
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }

  private key(field: number, wireType: WireType): void {
    this.varint(field * 8 + wireType);
  }

  /** Non-negative integers up to 2^53 (field keys, lengths, revisions); larger ones: int64(). */
  private varint(n: number): void {
    if (n < 0 || !Number.isSafeInteger(n)) throw new WireError(`cannot write ${n} as a varint`);
    const out: number[] = [];
    while (n > 127) {
      out.push((n % 128) | 128);
      n = Math.floor(n / 128);
    }
    out.push(n);
    this.push(Uint8Array.from(out));
  }

  private push(b: Uint8Array): void {
    this.parts.push(b);
    this.size += b.length;
  }
}
