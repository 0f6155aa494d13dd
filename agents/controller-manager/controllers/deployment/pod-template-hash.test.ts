import { describe, expect, it } from 'vitest';
import { fnv32a, podTemplateHash, safeEncode } from './pod-template-hash';

describe('pod-template-hash', () => {
  it('FNV-32a matches the published test vectors', () => {
    expect(fnv32a('')).toBe(0x811c9dc5);
    expect(fnv32a('a')).toBe(0xe40c292c);
    expect(fnv32a('foobar')).toBe(0xbf9cf968);
  });

  it('encodes in base 27 over the safe alphabet', () => {
    expect(safeEncode(0)).toBe('b');
    expect(safeEncode(26)).toBe('9');
    expect(safeEncode(27)).toBe('cb');
    expect(safeEncode(0xffffffff)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{7}$/);
  });

  it('is stable under key order and changes with the template or collisionCount', () => {
    const a = {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] },
    };
    const b = {
      spec: { containers: [{ image: 'nginx:1.25', name: 'c' }] },
      metadata: { labels: { app: 'web' } },
    };
    expect(podTemplateHash(a)).toBe(podTemplateHash(b));
    const c = { ...a, spec: { containers: [{ name: 'c', image: 'nginx:1.26' }] } };
    expect(podTemplateHash(c)).not.toBe(podTemplateHash(a));
    expect(podTemplateHash(a, 1)).not.toBe(podTemplateHash(a));
  });
});

describe('templates compare as Go structs do', () => {
  it('a null creationTimestamp (kubectl rollout undo sends one) changes neither hash nor match', async () => {
    const { templateMatches } = await import('./revision');
    const t = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'v1' }] } };
    const withNull = {
      metadata: { labels: { app: 'web' }, creationTimestamp: null },
      spec: { containers: [{ name: 'c', image: 'v1' }] },
    } as any;
    expect(podTemplateHash(withNull)).toBe(podTemplateHash(t));
    const rs = {
      spec: { template: { ...t, metadata: { labels: { app: 'web', 'pod-template-hash': 'x' } } } },
    } as any;
    expect(templateMatches(rs, withNull)).toBe(true);
  });
});
