import { describe, expect, it } from 'vitest';
import { forgetJson, jsonOf, keepJson } from './json-cache';

describe('json-cache', () => {
  it('serves the kept text until it is forgotten, then serializes again without keeping', () => {
    const obj = { metadata: { name: 'web' } };
    keepJson(obj);
    // A kept text is served as kept: it is the one serialization the watchers share.
    (obj.metadata as { name: string }).name = 'changed behind its back';
    expect(jsonOf(obj)).toBe('{"metadata":{"name":"web"}}');
    forgetJson(obj);
    expect(jsonOf(obj)).toBe('{"metadata":{"name":"changed behind its back"}}');
    (obj.metadata as { name: string }).name = 'again';
    expect(jsonOf(obj)).toBe('{"metadata":{"name":"again"}}'); // jsonOf alone kept nothing
  });
});
