import { describe, expect, it } from 'vitest';
import { WireReader, WireWriter } from './wire';

describe('WireWriter', () => {
  it('writes what WireReader reads back, skipping proto3 defaults unless told', () => {
    const nested = new WireWriter().bytes(1, 'inner');
    const buf = new WireWriter()
      .uint(1, 300)
      .uint(2, 0) // default: not written
      .uint(3, 0, true) // a oneof member: written
      .bytes(4, 'héllo')
      .bytes(5, '') // default: not written
      .bool(6, true)
      .message(7, nested)
      .message(8, new WireWriter()) // an empty message is still present
      .finish();
    const fields = WireReader.fields(buf);
    expect(fields.map((f) => f.field)).toEqual([1, 3, 4, 6, 7, 8]);
    expect(fields[0].value).toBe(300);
    expect(fields[1].value).toBe(0);
    expect(Buffer.from(fields[2].bytes ?? []).toString()).toBe('héllo');
    expect(fields[3].value).toBe(1);
    expect(
      Buffer.from(WireReader.fields(fields[4].bytes ?? new Uint8Array())[0].bytes ?? []).toString(),
    ).toBe('inner');
    expect(fields[5].bytes?.length).toBe(0);
  });

  it('writes int64s given in decimal exactly, negative ones as ten-byte two’s complement', () => {
    // 2^53 + 1 is not a safe JavaScript number; its varint is 0x81 0x80 … 0x10 (seven bits a byte).
    const big = new WireWriter().int64(1, '9007199254740993').finish();
    expect([...big]).toEqual([0x08, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]);
    const minusOne = new WireWriter().int64(1, '-1').finish();
    expect(minusOne.length).toBe(11);
    expect(WireReader.fields(minusOne)[0].value).toBe(-1);
    expect(new WireWriter().int64(1, '0').length).toBe(0);
  });

  it('reads int64s back exactly as decimal, past other fields, absent ones as undefined', () => {
    const buf = new WireWriter()
      .bytes(1, 'header')
      .int64(2, '7587869981447339012') // an etcd lease id, far past 2^53
      .uint(3, 60)
      .finish();
    expect(WireReader.int64(buf, 2)).toBe('7587869981447339012');
    expect(WireReader.int64(buf, 3)).toBe('60');
    expect(WireReader.int64(new WireWriter().int64(1, '-1').finish(), 1)).toBe('-1');
    expect(WireReader.int64(buf, 4)).toBeUndefined();
  });

  it('refuses numbers a varint cannot carry exactly', () => {
    expect(() => new WireWriter().uint(1, -1)).toThrow('cannot write -1 as a varint');
    expect(() => new WireWriter().uint(1, 2 ** 60)).toThrow('as a varint');
  });
});
