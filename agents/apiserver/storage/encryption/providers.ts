// Encryption at rest as value transforms (upstream: apiserver/pkg/storage/value/transformer.go
// and server/options/encryptionconfig/config.go). A resource's providers form one chain:
//
//   write  the first provider: `k8s:enc:aescbc:v1:<key name>:` + ciphertext with its first key,
//          or the plain bytes when the first provider is `identity`
//   read   every provider whose prefix the stored bytes start with, in order, until one opens
//          them; `identity` (empty prefix) reads anything that is not `k8s:enc:…`
//
// So rotating a key is: add the new key first (writes switch to it, old values still open with
// the second key), rewrite every object, drop the old key. Plain values written before
// encryption was turned on stay readable only while `identity` is in the list — upstream's rule,
// which also keeps someone with etcd access from slipping in an unencrypted value.

import { aescbcOpen, aescbcSeal, aesgcmOpen, aesgcmSeal } from './aes';

export type AesMode = 'aescbc' | 'aesgcm';

export interface NamedKey {
  name: string;
  /** The decoded secret: 32 bytes for aescbc; 16, 24 or 32 for aesgcm. */
  secret: Buffer;
}

export type Provider = { type: AesMode; keys: NamedKey[] } | { type: 'identity' };

/** What the store applies to every value it writes and reads. */
export interface ValueTransform {
  /** Plain bytes → the bytes stored at etcd key `key`. */
  toStorage(key: string, plain: Buffer): Buffer;
  /** Stored bytes → plain; throws an error saying why when no provider can read them. */
  fromStorage(key: string, stored: Buffer): Buffer;
}

export const PLAIN_VALUES: ValueTransform = {
  toStorage: (_key, plain) => plain,
  fromStorage: (_key, stored) => stored,
};

const ENCRYPTED_PREFIX = 'k8s:enc:';

/** `k8s:enc:aescbc:v1:` — the provider's prefix, before the key name. */
export const providerPrefix = (type: AesMode) => `${ENCRYPTED_PREFIX}${type}:v1:`;

// CBC has no additional data; GCM authenticates the etcd key.
const seal = {
  aescbc: (secret: Buffer, plain: Buffer, _key: string) => aescbcSeal(secret, plain),
  aesgcm: (secret: Buffer, plain: Buffer, key: string) => aesgcmSeal(secret, plain, Buffer.from(key)),
};
const open = {
  aescbc: (secret: Buffer, data: Buffer, _key: string) => aescbcOpen(secret, data),
  aesgcm: (secret: Buffer, data: Buffer, key: string) => aesgcmOpen(secret, data, Buffer.from(key)),
};

/** One resource's providers, in config order, as a transform. */
export function providerChain(providers: Provider[]): ValueTransform {
  if (providers.length === 0) throw new Error('an encryption chain needs at least one provider');
  const writer = providers[0];
  return {
    toStorage(key, plain) {
      if (writer.type === 'identity') return plain;
      const k = writer.keys[0];
      const sealed = seal[writer.type](k.secret, plain, key);
      return Buffer.concat([Buffer.from(`${providerPrefix(writer.type)}${k.name}:`), sealed]);
    },
    fromStorage(key, stored) {
      const failures: string[] = [];
      for (const p of providers) {
        const out = readWith(p, key, stored);
        if (typeof out === 'string') failures.push(out);
        else if (out) return out;
      }
      if (failures.length) throw new Error(failures.join('; '));
      throw new Error(
        stored.subarray(0, ENCRYPTED_PREFIX.length).toString() === ENCRYPTED_PREFIX
          ? `no provider in the encryption config matches the stored prefix "${storedPrefix(stored)}"`
          : 'the value is stored unencrypted and the encryption config lists no identity provider',
      );
    },
  };
}

/** The plain bytes, a reason this provider failed, or undefined when it does not apply. */
function readWith(p: Provider, key: string, stored: Buffer): Buffer | string | undefined {
  if (p.type === 'identity') {
    // Upstream's EncryptCheckTransformer: encrypted bytes are never handed out as if plain.
    if (stored.subarray(0, ENCRYPTED_PREFIX.length).toString() === ENCRYPTED_PREFIX) return undefined;
    return stored;
  }
  const prefix = providerPrefix(p.type);
  if (stored.subarray(0, prefix.length).toString() !== prefix) return undefined;
  const rest = stored.subarray(prefix.length);
  const k = p.keys.find((c) => rest.subarray(0, c.name.length + 1).toString() === `${c.name}:`);
  if (!k) return `no ${p.type} key named "${storedPrefix(stored).slice(prefix.length, -1)}"`;
  try {
    return open[p.type](k.secret, rest.subarray(k.name.length + 1), key);
  } catch (err) {
    return `${p.type} key "${k.name}": ${(err as Error).message}`;
  }
}

/** `k8s:enc:aescbc:v1:key1:` from stored bytes, for messages (the key name ends at the 5th colon). */
function storedPrefix(stored: Buffer): string {
  const head = stored.subarray(0, 128).toString('latin1');
  const parts = head.split(':');
  return parts.length > 5 ? `${parts.slice(0, 5).join(':')}:` : head.slice(0, 32);
}

/**
 * Transforms picked by the etcd key's resource segment (`/registry/secrets/…` → `secrets`);
 * resources without a chain, and keys outside `/registry/<resource>/`, pass through unchanged.
 */
export function transformsByResource(chains: Map<string, Provider[]>): ValueTransform {
  if (chains.size === 0) return PLAIN_VALUES;
  const byResource = new Map([...chains].map(([r, ps]) => [r, providerChain(ps)]));
  const pick = (key: string) => byResource.get(key.split('/', 3)[2] ?? '') ?? PLAIN_VALUES;
  return {
    toStorage: (key, plain) => pick(key).toStorage(key, plain),
    fromStorage: (key, stored) => pick(key).fromStorage(key, stored),
  };
}
