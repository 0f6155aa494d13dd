import { describe, expect, it } from 'vitest';
import { type HeapSnapshot, summarize } from './heap-summary';

// Node fields as V8 writes them (type, name, id, self_size, edge_count, …): three objects, and
// three copies of one string beside a unique one.
const MiB = 2 ** 20;
const snapshot: HeapSnapshot = {
  snapshot: {
    meta: {
      node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
      node_types: [['hidden', 'array', 'string', 'object'], 'string', 'number', 'number', 'number'],
    },
  },
  strings: ['Object', 'Pod', 'default-scheduler', 'bench-1'],
  nodes: [
    [3, 0, 1, 1 * MiB, 0],
    [3, 1, 2, 2 * MiB, 0],
    [3, 1, 3, 2 * MiB, 0],
    [2, 2, 4, 1 * MiB, 0],
    [2, 2, 5, 1 * MiB, 0],
    [2, 2, 6, 1 * MiB, 0],
    [2, 3, 7, 0.5 * MiB, 0],
  ].flat(),
};

describe('summarize', () => {
  it('adds live bytes by node type and by constructor, biggest first', () => {
    const s = summarize(snapshot);
    expect(s.liveMiB).toBe(8.5);
    expect(s.byType).toEqual({ object: { MiB: 5, count: 3 }, string: { MiB: 3.5, count: 4 } });
    expect(s.topConstructors).toEqual([
      { name: 'Pod', MiB: 4, count: 2 },
      { name: 'Object', MiB: 1, count: 1 },
    ]);
  });

  it('counts every copy of a string beyond the first as duplicate bytes', () => {
    const s = summarize(snapshot);
    expect(s.strings.MiB).toBe(3.5);
    expect(s.strings.duplicateMiB).toBe(2);
    expect(s.strings.mostCopied[0]).toEqual({ value: 'default-scheduler', copies: 3, MiB: 3 });
    expect(s.strings.mostCopied[1]).toEqual({ value: 'bench-1', copies: 1, MiB: 0.5 });
  });
});
