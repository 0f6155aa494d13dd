import { describe, expect, it } from 'vitest';
import { applyJsonPatch, decodeJsonPatch, type Json, JsonPatchError, type Operation } from './json-patch';

const doc = { a: { b: 1, c: [1, 2, 3] }, 'x/y': { '~t': 'v' } };

describe('applyJsonPatch (RFC 6902)', () => {
  it.each<[string, Operation[], Json]>([
    [
      'add a key',
      [{ op: 'add', path: '/a/d', value: 4 }],
      { a: { b: 1, c: [1, 2, 3], d: 4 }, 'x/y': { '~t': 'v' } },
    ],
    [
      'add replaces an existing key',
      [{ op: 'add', path: '/a/b', value: 9 }],
      { a: { b: 9, c: [1, 2, 3] }, 'x/y': { '~t': 'v' } },
    ],
    [
      'add inserts into a list',
      [{ op: 'add', path: '/a/c/1', value: 9 }],
      { a: { b: 1, c: [1, 9, 2, 3] }, 'x/y': { '~t': 'v' } },
    ],
    [
      'add appends with -',
      [{ op: 'add', path: '/a/c/-', value: 9 }],
      { a: { b: 1, c: [1, 2, 3, 9] }, 'x/y': { '~t': 'v' } },
    ],
    [
      'remove a list item',
      [{ op: 'remove', path: '/a/c/0' }],
      { a: { b: 1, c: [2, 3] }, 'x/y': { '~t': 'v' } },
    ],
    [
      'escaped pointer tokens',
      [{ op: 'replace', path: '/x~1y/~0t', value: 'w' }],
      { a: { b: 1, c: [1, 2, 3] }, 'x/y': { '~t': 'w' } },
    ],
    ['move', [{ op: 'move', from: '/a/b', path: '/b' }], { a: { c: [1, 2, 3] }, 'x/y': { '~t': 'v' }, b: 1 }],
    [
      'copy is deep',
      [
        { op: 'copy', from: '/a', path: '/z' },
        { op: 'add', path: '/z/c/-', value: 4 },
      ],
      { a: { b: 1, c: [1, 2, 3] }, 'x/y': { '~t': 'v' }, z: { b: 1, c: [1, 2, 3, 4] } },
    ],
    [
      'test then replace',
      [
        { op: 'test', path: '/a/c', value: [1, 2, 3] },
        { op: 'replace', path: '/a/c', value: [] },
      ],
      { a: { b: 1, c: [] }, 'x/y': { '~t': 'v' } },
    ],
    ['replace the root', [{ op: 'replace', path: '', value: { n: 1 } }], { n: 1 }],
  ])('%s', (_name, ops, want) => {
    const before = structuredClone(doc);
    expect(applyJsonPatch(doc, ops)).toEqual(want);
    expect(doc).toEqual(before);
  });

  it.each<[string, Operation[], string]>([
    ['a failed test', [{ op: 'test', path: '/a/b', value: 2 }], 'testing value /a/b failed: test failed'],
    [
      'removing a missing key',
      [{ op: 'remove', path: '/a/zz' }],
      'Unable to remove nonexistent key: /a/zz: missing value',
    ],
    [
      'replacing a missing key',
      [{ op: 'replace', path: '/q', value: 1 }],
      'replace operation does not apply: doc is missing key: /q: missing value',
    ],
    [
      'adding under a missing parent',
      [{ op: 'add', path: '/q/r', value: 1 }],
      'add operation does not apply: doc is missing path: "/q/r": missing value',
    ],
    [
      'an index past the end',
      [{ op: 'add', path: '/a/c/7', value: 1 }],
      'Unable to access invalid index: 7: invalid index referenced',
    ],
    ['an unknown op', [{ op: 'frobnicate', path: '/a' }], 'Unexpected kind: frobnicate'],
    [
      'moving into its own child',
      [{ op: 'move', from: '/a', path: '/a/b/c' }],
      'move operation does not apply: "from" /a is a parent of "path" /a/b/c',
    ],
  ])('rejects %s', (_name, ops, message) => {
    expect(() => applyJsonPatch(doc, ops)).toThrow(new JsonPatchError(message));
  });

  it('applies all or nothing', () => {
    const before = structuredClone(doc);
    expect(() =>
      applyJsonPatch(doc, [
        { op: 'remove', path: '/a/b' },
        { op: 'test', path: '/a/b', value: 1 },
      ]),
    ).toThrow(JsonPatchError);
    expect(doc).toEqual(before);
  });

  it('decodes only arrays of operations', () => {
    expect(decodeJsonPatch([{ op: 'add', path: '/a', value: 1 }])).toHaveLength(1);
    expect(() => decodeJsonPatch({ op: 'add' })).toThrow(TypeError);
    expect(() => decodeJsonPatch([{ path: '/a' }])).toThrow('operation 0: missing "op"');
    expect(() => decodeJsonPatch(['x'])).toThrow('operation 0 is not an object');
  });
});
