// The pod-template-hash: a short stable name for a pod template, put on the ReplicaSet's name
// (`web-7c9f5b8d4`), its selector and its pods, so the pods of two revisions never select each
// other. Upstream hashes the Go struct with FNV-32a; we hash the template's canonical JSON (keys
// sorted, so field order does not matter) with FNV-32a and write the 32-bit result in base 27
// over consonants and digits (upstream's "safe" alphabet, chosen so no hash spells a word).
// Same template → same hash on every controller-manager; collisionCount is mixed in to step
// past a name that is already taken by a different template.

import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import { canonicalJson, semantic } from '../common/objects';

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function safeEncode(n: number): string {
  let out = '';
  let v = n >>> 0;
  do {
    out = ALPHABET[v % ALPHABET.length] + out;
    v = Math.floor(v / ALPHABET.length);
  } while (v > 0);
  return out;
}

export function podTemplateHash(template: PodTemplateSpec | undefined, collisionCount = 0): string {
  const text = canonicalJson(semantic(template) ?? {}) + (collisionCount ? `#${collisionCount}` : '');
  return safeEncode(fnv32a(text));
}
