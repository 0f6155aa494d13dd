import { describe, expect, it } from 'vitest';
import { aescbcSeal } from './aes';
import { type Provider, providerChain, transformsByResource } from './providers';

const k1 = { name: 'key1', secret: Buffer.alloc(32, 1) };
const k2 = { name: 'key2', secret: Buffer.alloc(32, 2) };
const key = '/registry/secrets/default/db';
const plain = Buffer.from('{"kind":"Secret","metadata":{"name":"db"}}');
const cbc = (...keys: (typeof k1)[]): Provider => ({ type: 'aescbc', keys });

describe('providerChain', () => {
  it('writes with the first provider and its first key, behind the k8s:enc prefix', () => {
    const stored = providerChain([cbc(k1, k2), { type: 'identity' }]).toStorage(key, plain);
    expect(stored.subarray(0, 23).toString()).toBe('k8s:enc:aescbc:v1:key1:');
    expect(stored.includes(plain)).toBe(false);
    const gcm = providerChain([{ type: 'aesgcm', keys: [k2] }]).toStorage(key, plain);
    expect(gcm.subarray(0, 23).toString()).toBe('k8s:enc:aesgcm:v1:key2:');
  });

  it('round-trips for every writer', () => {
    for (const writer of [
      cbc(k1),
      { type: 'aesgcm', keys: [k1] } as Provider,
      { type: 'identity' } as Provider,
    ]) {
      const chain = providerChain([writer]);
      expect(chain.fromStorage(key, chain.toStorage(key, plain))).toEqual(plain);
    }
  });

  it('still reads values written with a rotated-out key, and with an earlier provider', () => {
    const before = providerChain([cbc(k1)]).toStorage(key, plain);
    const rotated = providerChain([cbc(k2, k1)]);
    expect(rotated.fromStorage(key, before)).toEqual(plain);
    expect(rotated.toStorage(key, plain).subarray(0, 23).toString()).toBe('k8s:enc:aescbc:v1:key2:');
    // From aescbc to aesgcm: the old provider stays listed second for reading.
    const migrated = providerChain([{ type: 'aesgcm', keys: [k2] }, cbc(k1)]);
    expect(migrated.fromStorage(key, before)).toEqual(plain);
  });

  it('reads unencrypted values only when identity is listed', () => {
    expect(providerChain([cbc(k1), { type: 'identity' }]).fromStorage(key, plain)).toEqual(plain);
    expect(() => providerChain([cbc(k1)]).fromStorage(key, plain)).toThrow(
      'the value is stored unencrypted and the encryption config lists no identity provider',
    );
  });

  it('never hands out encrypted bytes as plain, and says which key failed', () => {
    // A fixed IV: with a random one, a wrong key still yields valid PKCS#7 padding about once in
    // 256 values (CBC has no integrity check, aes.ts), and this test failed once in a CI run.
    const iv = Buffer.alloc(16, 7);
    const stored = Buffer.concat([Buffer.from('k8s:enc:aescbc:v1:key1:'), aescbcSeal(k1.secret, plain, iv)]);
    expect(providerChain([cbc(k1)]).fromStorage(key, stored)).toEqual(plain);
    const wrongSecret = providerChain([
      cbc({ name: 'key1', secret: Buffer.alloc(32, 9) }),
      { type: 'identity' },
    ]);
    expect(() => wrongSecret.fromStorage(key, stored)).toThrow(/^aescbc key "key1": /);
    expect(() => providerChain([cbc(k2), { type: 'identity' }]).fromStorage(key, stored)).toThrow(
      'no aescbc key named "key1"',
    );
    expect(() => providerChain([{ type: 'identity' }]).fromStorage(key, stored)).toThrow(
      'no provider in the encryption config matches the stored prefix "k8s:enc:aescbc:v1:key1:"',
    );
  });

  it('binds aesgcm values to their etcd key', () => {
    const chain = providerChain([{ type: 'aesgcm', keys: [k1] }]);
    const stored = chain.toStorage(key, plain);
    expect(() => chain.fromStorage('/registry/secrets/default/other', stored)).toThrow(
      /^aesgcm key "key1": message authentication failed/,
    );
  });
});

describe('transformsByResource', () => {
  it('transforms only the listed resources', () => {
    const t = transformsByResource(new Map([['secrets', [cbc(k1)]]]));
    expect(t.toStorage(key, plain).subarray(0, 8).toString()).toBe('k8s:enc:');
    expect(t.toStorage('/registry/configmaps/default/db', plain)).toEqual(plain);
    expect(t.toStorage('/registry/ranges/serviceips', plain)).toEqual(plain);
    expect(t.fromStorage('/registry/configmaps/default/db', plain)).toEqual(plain);
  });
});
