import { createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aescbcOpen, aescbcSeal, aesgcmOpen, aesgcmSeal } from './aes';

const key = Buffer.alloc(32, 7);
const plain = Buffer.from('{"kind":"Secret","data":{"password":"aHVudGVyMg=="}}');

describe('aescbc', () => {
  it('stores IV ‖ ciphertext, padded to whole 16-byte blocks', () => {
    const iv = Buffer.alloc(16, 1);
    const sealed = aescbcSeal(key, plain, iv);
    expect(sealed.subarray(0, 16)).toEqual(iv);
    // 52 bytes of JSON → 64 bytes of ciphertext (12 bytes of PKCS#7 padding, each 0x0c).
    expect(plain.length).toBe(52);
    expect(sealed.length).toBe(16 + 64);
    const raw = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
    const padded = Buffer.concat([raw.update(sealed.subarray(16)), raw.final()]);
    expect(padded.subarray(52)).toEqual(Buffer.alloc(12, 12));
  });

  it('round-trips, with a fresh IV every time', () => {
    const a = aescbcSeal(key, plain);
    const b = aescbcSeal(key, plain);
    expect(a.equals(b)).toBe(false);
    expect(aescbcOpen(key, a)).toEqual(plain);
    expect(aescbcOpen(key, b)).toEqual(plain);
  });

  it('says so when the key is wrong or the data is cut', () => {
    const sealed = aescbcSeal(key, plain, Buffer.alloc(16, 3));
    // A wrong key yields good padding about once in 256 tries; a fixed pair keeps this exact.
    expect(() => aescbcOpen(Buffer.alloc(32, 8), sealed)).toThrow(/invalid padding on input \(wrong key\?\)/);
    expect(() => aescbcOpen(key, sealed.subarray(0, 10))).toThrow('shorter than the required size');
    expect(() => aescbcOpen(key, sealed.subarray(0, 40))).toThrow('not a multiple of the block size');
  });
});

describe('aesgcm', () => {
  const aad = Buffer.from('/registry/secrets/default/db');

  it('stores nonce ‖ ciphertext ‖ tag and round-trips', () => {
    const nonce = Buffer.alloc(12, 2);
    const sealed = aesgcmSeal(key, plain, aad, nonce);
    expect(sealed.subarray(0, 12)).toEqual(nonce);
    expect(sealed.length).toBe(12 + plain.length + 16);
    expect(aesgcmOpen(key, sealed, aad)).toEqual(plain);
  });

  it('accepts 16- and 24-byte keys as well', () => {
    for (const k of [randomBytes(16), randomBytes(24)])
      expect(aesgcmOpen(k, aesgcmSeal(k, plain, aad), aad)).toEqual(plain);
  });

  it('refuses a wrong key and a value moved to another etcd key', () => {
    const sealed = aesgcmSeal(key, plain, aad);
    expect(() => aesgcmOpen(randomBytes(32), sealed, aad)).toThrow('message authentication failed');
    expect(() => aesgcmOpen(key, sealed, Buffer.from('/registry/secrets/default/other'))).toThrow(
      'message authentication failed',
    );
    expect(() => aesgcmOpen(key, sealed.subarray(0, 20), aad)).toThrow('shorter than the required size');
  });
});
