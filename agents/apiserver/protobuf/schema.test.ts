// The wire reader and the table walker on hand-built bytes, one rule per test.

import { describe, expect, it } from 'vitest';
import { IntOrString, ObjectMeta, Quantity, Time } from './messages/meta';
import { EnvVar, Probe, ResourceRequirements, VolumeSource } from './messages/pod';
import { decodeMessage, dict, i, KEEP, list, message, s } from './schema';
import { WireError, WireReader } from './wire';

/** Protobuf writing, just enough for tests: key, varint, length-delimited. */
function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? byte | 0x80 : byte);
  } while (v);
  return out;
}
const key = (field: number, wire: number) => varint(field * 8 + wire);
const vint = (field: number, n: number) => [...key(field, 0), ...varint(n)];
const bytes = (field: number, b: number[] | string) => {
  const raw = typeof b === 'string' ? [...Buffer.from(b)] : b;
  return [...key(field, 2), ...varint(raw.length), ...raw];
};
const u8 = (xs: number[]) => Uint8Array.from(xs);

describe('WireReader', () => {
  it('reads varints, including 10-byte negatives', () => {
    expect(new WireReader(u8(varint(300))).varint()).toBe(300);
    expect(new WireReader(u8(varint(-1))).varint()).toBe(-1);
    expect(new WireReader(u8(varint(-30))).varint()).toBe(-30);
    expect(new WireReader(u8(varint(2 ** 40))).varint()).toBe(2 ** 40);
  });

  it('reads fixed64 and fixed32 as little-endian floats', () => {
    const d = Buffer.alloc(8);
    d.writeDoubleLE(1.5);
    const f = Buffer.alloc(4);
    f.writeFloatLE(0.25);
    const fields = WireReader.fields(u8([...key(1, 1), ...d, ...key(2, 5), ...f]));
    expect(fields.map((x) => x.value)).toEqual([1.5, 0.25]);
  });

  it('fails on truncation, groups and field 0', () => {
    expect(() => WireReader.fields(u8([0x0a, 5, 1]))).toThrow(WireError);
    expect(() => WireReader.fields(u8([0x80]))).toThrow('truncated varint');
    expect(() => WireReader.fields(u8([...key(1, 3)]))).toThrow('unsupported wire type 3');
    expect(() => WireReader.fields(u8([0x00, 0x01]))).toThrow('field number 0');
  });
});

describe('decodeMessage', () => {
  const Thing = message('Thing', {
    1: s('name'),
    2: i('count'),
    3: i('replicas', KEEP),
    4: list('args'),
    5: dict('labels'),
    6: list('ports', 'int'),
  });

  it('drops zero values the way JSON omitempty does, but keeps pointer fields', () => {
    const buf = u8([...bytes(1, ''), ...vint(2, 0), ...vint(3, 0)]);
    expect(decodeMessage(Thing, buf)).toEqual({ replicas: 0 });
  });

  it('appends repeated fields, keeps empty strings inside lists and maps', () => {
    const entry = (k: string, v: string) => bytes(5, [...bytes(1, k), ...bytes(2, v)]);
    const buf = u8([...bytes(4, 'a'), ...bytes(4, ''), ...entry('x', ''), ...entry('y', '1')]);
    expect(decodeMessage(Thing, buf)).toEqual({ args: ['a', ''], labels: { x: '', y: '1' } });
  });

  it('reads packed and unpacked repeated numbers alike', () => {
    const packed = u8(bytes(6, [...varint(80), ...varint(443)]));
    const unpacked = u8([...vint(6, 80), ...vint(6, 443)]);
    expect(decodeMessage(Thing, packed)).toEqual({ ports: [80, 443] });
    expect(decodeMessage(Thing, unpacked)).toEqual({ ports: [80, 443] });
  });

  it('reports and skips unknown fields', () => {
    const seen: string[] = [];
    expect(
      decodeMessage(Thing, u8([...bytes(1, 'x'), ...vint(99, 7)]), 'Thing', (p) => seen.push(p)),
    ).toEqual({ name: 'x' });
    expect(seen).toEqual(['Thing.99']);
  });

  it('refuses a field whose wire type contradicts its table', () => {
    expect(() => decodeMessage(Thing, u8(vint(1, 5)))).toThrow('Thing.name: wire type 0, expected 2');
  });

  it('converts Time, IntOrString and Quantity to their JSON forms', () => {
    expect(decodeMessage(Time, u8(vint(1, 1_763_790_001)))).toBe('2025-11-22T05:40:01Z');
    expect(decodeMessage(Time, u8([]))).toBeUndefined();
    expect(decodeMessage(IntOrString, u8([...vint(1, 0), ...vint(2, 8080)]))).toBe(8080);
    expect(decodeMessage(IntOrString, u8([...vint(1, 1), ...bytes(3, '25%')]))).toBe('25%');
    expect(decodeMessage(Quantity, u8(bytes(1, '250m')))).toBe('250m');
  });

  it('decodes ObjectMeta with labels, owner references and a creation time', () => {
    const owner = bytes(13, [
      ...bytes(1, 'ReplicaSet'),
      ...bytes(3, 'web-abc'),
      ...bytes(5, 'apps/v1'),
      ...vint(6, 1),
    ]);
    const buf = u8([...bytes(1, 'web-abc-x'), ...bytes(8, vint(1, 0)), ...owner, ...bytes(14, 'kubernetes')]);
    expect(decodeMessage(ObjectMeta, buf)).toEqual({
      name: 'web-abc-x',
      ownerReferences: [{ kind: 'ReplicaSet', name: 'web-abc', apiVersion: 'apps/v1', controller: true }],
      finalizers: ['kubernetes'],
    });
  });

  it('decodes map<string, Quantity> (container resources) to strings', () => {
    const entry = (k: string, q: string) => [...bytes(1, k), ...bytes(2, bytes(1, q))];
    const buf = u8([
      ...bytes(1, entry('cpu', '250m')),
      ...bytes(1, entry('memory', '64Mi')),
      ...bytes(2, bytes(1, 'cpu')),
    ]);
    expect(decodeMessage(ResourceRequirements, buf)).toEqual({
      limits: { cpu: '250m', memory: '64Mi' },
      requests: { cpu: '' },
    });
  });

  it('writes embedded structs inline: probe handlers, env key selectors', () => {
    const port = bytes(2, [...vint(1, 0), ...vint(2, 8080)]);
    const probe = u8([...bytes(1, bytes(2, [...bytes(1, '/healthz'), ...port])), ...vint(4, 10)]);
    expect(decodeMessage(Probe, probe)).toEqual({
      httpGet: { path: '/healthz', port: 8080 },
      periodSeconds: 10,
    });
    const keyRef = bytes(4, [...bytes(1, bytes(1, 'creds')), ...bytes(2, 'password')]);
    const env = u8([...bytes(1, 'PASS'), ...bytes(3, keyRef)]);
    expect(decodeMessage(EnvVar, env)).toEqual({
      name: 'PASS',
      valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } },
    });
  });

  it('keeps a volume source that is present but empty (emptyDir: {})', () => {
    expect(decodeMessage(VolumeSource, u8(bytes(2, [])))).toEqual({ emptyDir: {} });
  });
});
