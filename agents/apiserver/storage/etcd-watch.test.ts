import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types';
import { PLAIN_VALUES } from './encryption/providers';
import type { WatchEvent } from './etcd-client';
import { toChanges } from './etcd-watch';

const KEY = '/registry/configmaps/default/a';

/** An etcd watch event as etcd-client.ts decodes it (no prev_kv: the cache does not ask for it). */
function event(type: 'put' | 'delete', created: number, revision: number, data?: string): WatchEvent {
  const value =
    data === undefined
      ? Buffer.alloc(0)
      : Buffer.from(
          JSON.stringify({
            kind: 'ConfigMap',
            metadata: { name: 'a', namespace: 'default' },
            data: { v: data },
          }),
        );
  return {
    type,
    kv: {
      key: Buffer.from(KEY),
      value,
      create_revision: created,
      mod_revision: revision,
      version: 1,
    },
  };
}

const dataOf = (o?: KubeObject) => (o as { data?: { v: string } } | undefined)?.data?.v;

describe('toChanges with the previous objects from memory', () => {
  const cached: KubeObject = {
    kind: 'ConfigMap',
    metadata: { name: 'a', namespace: 'default' },
    data: { v: 'cached' },
  } as KubeObject;
  const previous = (key: string) => (key === KEY ? cached : undefined);

  it('gives a modification the object the cache held as prev', () => {
    const [c] = toChanges([event('put', 5, 9, 'new')], PLAIN_VALUES, previous);
    expect(c.type).toBe('MODIFIED');
    expect(dataOf(c.prev)).toBe('cached');
    expect(dataOf(c.obj)).toBe('new');
    expect(c.obj.metadata?.resourceVersion).toBe('9');
  });

  it('within one response, the second change of a key gets the first change as prev', () => {
    const changes = toChanges(
      [event('put', 5, 9, 'one'), event('put', 5, 10, 'two'), event('delete', 5, 11)],
      PLAIN_VALUES,
      previous,
    );
    expect(changes.map((c) => [c.type, dataOf(c.prev), dataOf(c.obj)])).toEqual([
      ['MODIFIED', 'cached', 'one'],
      ['MODIFIED', 'one', 'two'],
      ['DELETED', 'two', 'two'],
    ]);
    // A deleted object carries the delete's revision, as upstream stamps it.
    expect(changes[2].obj.metadata?.resourceVersion).toBe('11');
  });

  it('skips a delete of a key nobody knew, and a re-create after a delete has no prev', () => {
    const unknown = () => undefined;
    expect(toChanges([event('delete', 5, 11)], PLAIN_VALUES, unknown)).toEqual([]);
    const [gone, again] = toChanges(
      [event('delete', 5, 11), event('put', 12, 12, 'back')],
      PLAIN_VALUES,
      previous,
    );
    expect(gone.type).toBe('DELETED');
    expect(again.type).toBe('ADDED');
    expect(again.prev).toBeUndefined();
  });
});
