// --encryption-provider-config: upstream's EncryptionConfiguration (apiserver.config.k8s.io/v1),
// read from YAML or JSON text into one provider chain per stored resource:
//
//   apiVersion: apiserver.config.k8s.io/v1
//   kind: EncryptionConfiguration
//   resources:
//     - resources: [secrets]                 # or configmaps, deployments.apps …
//       providers:
//         - aescbc: {keys: [{name: key1, secret: <base64 of 32 random bytes>}]}
//         - identity: {}                     # keeps values written before encryption readable
//
// Every mistake is an error naming its field (`resources[0].providers[1].aescbc.keys[0].secret`),
// so a bad file stops the apiserver at start instead of writing something unreadable later.
// Not supported: secretbox (XSalsa20-Poly1305 is not in node:crypto), kms, and wildcards (`*.*`).

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { FlagError } from '../../../api/flags';
import { findResource } from '../../../api/resources';
import {
  type AesMode,
  type NamedKey,
  type Provider,
  transformsByResource,
  type ValueTransform,
} from './providers';

const API_VERSION = 'apiserver.config.k8s.io/v1';
const KIND = 'EncryptionConfiguration';
/** Upstream's validation: aescbc takes AES-256 only, aesgcm any AES key size. */
const KEY_SIZES: Record<AesMode, number[]> = { aescbc: [32], aesgcm: [16, 24, 32] };

export class EncryptionConfigError extends Error {
  override name = 'EncryptionConfigError';
}

/** Storage resource plural (`secrets`) → its providers in config order. */
export type EncryptionChains = Map<string, Provider[]>;

export function parseEncryptionConfig(text: string): EncryptionChains {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new EncryptionConfigError(`not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const root = asObject(doc, '');
  if (root.kind !== KIND || root.apiVersion !== API_VERSION)
    throw new EncryptionConfigError(
      `expected apiVersion ${API_VERSION}, kind ${KIND}; got apiVersion ${String(root.apiVersion)}, kind ${String(root.kind)}`,
    );
  const chains: EncryptionChains = new Map();
  asArray(root.resources, 'resources').forEach((entry, i) => {
    const path = `resources[${i}]`;
    const e = asObject(entry, path);
    const providers = asArray(e.providers, `${path}.providers`).map((p, j) =>
      parseProvider(p, `${path}.providers[${j}]`),
    );
    if (providers.length === 0)
      throw new EncryptionConfigError(`${path}.providers: at least one provider is required`);
    asArray(e.resources, `${path}.resources`).forEach((name, j) => {
      const plural = storedResource(name, `${path}.resources[${j}]`);
      // A resource named twice gets both lists, in order (upstream appends them too).
      chains.set(plural, [...(chains.get(plural) ?? []), ...providers]);
    });
  });
  if (chains.size === 0) throw new EncryptionConfigError('resources: no resource is listed');
  return chains;
}

/** --encryption-provider-config=<path> → the store's transform; a bad file is one error naming both. */
export function encryptionFromFile(
  path: string,
  read: (p: string) => string = (p) => readFileSync(p, 'utf8'),
): { chains: EncryptionChains; values: ValueTransform } {
  const flag = `--encryption-provider-config=${path}`;
  let text: string;
  try {
    text = read(path);
  } catch (err) {
    throw new FlagError(`${flag}: cannot read the file: ${(err as Error).message}`);
  }
  try {
    const chains = parseEncryptionConfig(text);
    return { chains, values: transformsByResource(chains) };
  } catch (err) {
    throw new FlagError(`${flag}: ${(err as Error).message}`);
  }
}

function parseProvider(raw: unknown, path: string): Provider {
  const p = asObject(raw, path);
  const kinds = Object.keys(p);
  if (kinds.length !== 1)
    throw new EncryptionConfigError(
      `${path}: exactly one of aescbc, aesgcm, identity is required, got ${kinds.length ? kinds.join(', ') : 'none'}`,
    );
  const kind = kinds[0];
  switch (kind) {
    case 'identity':
      return { type: 'identity' };
    case 'aescbc':
    case 'aesgcm':
      return {
        type: kind,
        keys: parseKeys(kind, asObject(p[kind], `${path}.${kind}`).keys, `${path}.${kind}.keys`),
      };
    case 'secretbox':
      throw new EncryptionConfigError(`${path}: secretbox is not supported; use aescbc or aesgcm`);
    case 'kms':
      throw new EncryptionConfigError(`${path}: kms is not supported; use aescbc or aesgcm`);
    default:
      throw new EncryptionConfigError(`${path}: unknown provider "${kind}"`);
  }
}

function parseKeys(mode: AesMode, raw: unknown, path: string): NamedKey[] {
  const keys = asArray(raw, path).map((k, i): NamedKey => {
    const at = `${path}[${i}]`;
    const o = asObject(k, at);
    if (typeof o.name !== 'string' || o.name === '')
      throw new EncryptionConfigError(`${at}.name: Required value`);
    if (o.name.includes(':')) throw new EncryptionConfigError(`${at}.name: must not contain ":"`);
    if (typeof o.secret !== 'string' || o.secret === '')
      throw new EncryptionConfigError(`${at}.secret: Required value`);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(o.secret) || o.secret.length % 4 !== 0)
      throw new EncryptionConfigError(`${at}.secret: must be base64 (standard alphabet, padded)`);
    const secret = Buffer.from(o.secret, 'base64');
    // The secret's value never appears in a message; its length does.
    if (!KEY_SIZES[mode].includes(secret.length))
      throw new EncryptionConfigError(
        `${at}.secret: secret is not of the expected length, got ${secret.length}, expected one of [${KEY_SIZES[mode].join(' ')}]`,
      );
    return { name: o.name, secret };
  });
  if (keys.length === 0) throw new EncryptionConfigError(`${path}: at least one key is required`);
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k.name)) throw new EncryptionConfigError(`${path}: duplicate key name "${k.name}"`);
    seen.add(k.name);
  }
  return keys;
}

/** `secrets` → `secrets`, `deployments.apps` → `deployments`: the segment in `/registry/<resource>/`. */
function storedResource(raw: unknown, path: string): string {
  if (typeof raw !== 'string' || raw === '') throw new EncryptionConfigError(`${path}: Required value`);
  if (raw.includes('*'))
    throw new EncryptionConfigError(`${path}: wildcards are not supported; list each resource`);
  const dot = raw.indexOf('.');
  const [resource, group] = dot < 0 ? [raw, ''] : [raw.slice(0, dot), raw.slice(dot + 1)];
  const r = findResource(group, resource);
  if (!r || r.createOnly)
    throw new EncryptionConfigError(`${path}: "${raw}" is not a resource this apiserver stores`);
  return r.resource;
}

function asObject(v: unknown, path: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new EncryptionConfigError(`${path || 'the file'}: expected an object`);
  return v as Record<string, unknown>;
}

function asArray(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new EncryptionConfigError(`${path}: expected a list`);
  return v;
}
