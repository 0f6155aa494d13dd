// The two ciphers behind `aescbc` and `aesgcm`, laid out byte for byte as upstream stores them
// (apiserver/pkg/storage/value/encrypt/aes/aes.go), so the layout is a fact a reader can check:
//
//   aescbc   IV (16 random bytes) ‖ AES-CBC(key, plaintext + PKCS#7 padding)
//   aesgcm   nonce (12 random bytes) ‖ AES-GCM(key, plaintext) ‖ tag (16 bytes)
//
// GCM authenticates the etcd key as additional data, as upstream's store does (authenticated-
// DataString(key)): a value copied under another key does not open. CBC carries no integrity
// check at all; a wrong key is caught only when the padding comes out wrong (or, rarely, later,
// when the "plaintext" is not JSON). Upstream keeps the same values in protobuf, so only the
// envelope is shared with a real cluster's etcd, not the payload.

import { type CipherGCMTypes, createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const CBC_IV_BYTES = 16;
const GCM_NONCE_BYTES = 12;
const GCM_TAG_BYTES = 16;

/** `aes-256-cbc` for a 32-byte key: the key's length picks AES-128/192/256. */
const cbcAlgorithm = (key: Buffer) => `aes-${key.length * 8}-cbc`;
const gcmAlgorithm = (key: Buffer) => `aes-${key.length * 8}-gcm` as CipherGCMTypes;

export function aescbcSeal(key: Buffer, plain: Buffer, iv: Buffer = randomBytes(CBC_IV_BYTES)): Buffer {
  const cipher = createCipheriv(cbcAlgorithm(key), key, iv);
  return Buffer.concat([iv, cipher.update(plain), cipher.final()]);
}

export function aescbcOpen(key: Buffer, data: Buffer): Buffer {
  if (data.length < CBC_IV_BYTES) throw new Error('the stored data was shorter than the required size');
  const body = data.subarray(CBC_IV_BYTES);
  if (body.length % CBC_IV_BYTES !== 0)
    throw new Error('the stored data is not a multiple of the block size');
  const decipher = createDecipheriv(cbcAlgorithm(key), key, data.subarray(0, CBC_IV_BYTES));
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    // OpenSSL's "bad decrypt": the padding is wrong, which for us means the key is.
    throw new Error('invalid padding on input (wrong key?)');
  }
}

export function aesgcmSeal(
  key: Buffer,
  plain: Buffer,
  aad: Buffer,
  nonce: Buffer = randomBytes(GCM_NONCE_BYTES),
): Buffer {
  const cipher = createCipheriv(gcmAlgorithm(key), key, nonce);
  cipher.setAAD(aad);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([nonce, sealed, cipher.getAuthTag()]);
}

export function aesgcmOpen(key: Buffer, data: Buffer, aad: Buffer): Buffer {
  if (data.length < GCM_NONCE_BYTES + GCM_TAG_BYTES)
    throw new Error('the stored data was shorter than the required size');
  const nonce = data.subarray(0, GCM_NONCE_BYTES);
  const sealed = data.subarray(GCM_NONCE_BYTES, data.length - GCM_TAG_BYTES);
  const decipher = createDecipheriv(gcmAlgorithm(key), key, nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(data.subarray(data.length - GCM_TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed), decipher.final()]);
  } catch {
    throw new Error('message authentication failed (wrong key, or the value was moved from another key)');
  }
}
