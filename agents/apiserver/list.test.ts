import { describe, expect, it } from 'vitest';
import { isBadRequest } from '../api/errors';
import { R } from '../api/resources';
import { decodeContinue, paginate, predicateFor, renderList, selectionFromQuery } from './list';
import { visibleChange } from './watch-filter';

const cm = (ns: string, name: string, labels: Record<string, string> = {}) => ({
  key: `${ns}/${name}`,
  obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels } },
});
// In key order, as the watch cache hands it out.
const snapshot = [
  cm('a', 'one', { tier: 'web' }),
  cm('a', 'two', { tier: 'db' }),
  cm('b', 'four'),
  cm('b', 'three', { tier: 'web' }),
];
const all = () => true;

describe('selection', () => {
  it('combines namespace, label and field selectors', () => {
    const match = predicateFor(
      R.configmaps,
      selectionFromQuery(
        R.configmaps,
        new URLSearchParams('labelSelector=tier in (web)&fieldSelector=metadata.namespace!=a'),
      ),
    );
    expect(snapshot.filter((e) => match(e.obj)).map((e) => e.obj.metadata.name)).toEqual(['three']);
    const inA = predicateFor(R.configmaps, selectionFromQuery(R.configmaps, new URLSearchParams(''), 'a'));
    expect(snapshot.filter((e) => inA(e.obj))).toHaveLength(2);
  });

  it('refuses fields the resource does not index', () => {
    expect(() =>
      selectionFromQuery(R.configmaps, new URLSearchParams('fieldSelector=spec.nodeName=x')),
    ).toThrow();
  });
});

describe('paginate', () => {
  it('cuts pages and continues after the last key, counting what remains', () => {
    const p1 = paginate(snapshot, all, 3, null, '42');
    expect(p1.entries.map((e) => e.key)).toEqual(['a/one', 'a/two', 'b/four']);
    expect(p1.remainingItemCount).toBe(1);
    expect(decodeContinue(p1.continueToken ?? '')).toMatchObject({ rv: '42', start: 'b/four' });
    const p2 = paginate(snapshot, all, 3, p1.continueToken ?? null, '42');
    expect(p2.entries.map((e) => e.key)).toEqual(['b/three']);
    expect(p2.continueToken).toBeUndefined();
  });

  it('answers a garbled continue token with 400', () => {
    try {
      paginate(snapshot, all, 1, 'not-a-token', '1');
      expect.unreachable();
    } catch (err) {
      expect(isBadRequest(err)).toBe(true);
    }
  });

  it('renders a typed list with the resourceVersion', () => {
    const body = JSON.parse(renderList(R.configmaps, 'v1', paginate(snapshot, all, 2, null, '7'), '7'));
    expect(body).toMatchObject({
      kind: 'ConfigMapList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '7', remainingItemCount: 2 },
    });
    expect(body.items).toHaveLength(2);
  });
});

describe('visibleChange', () => {
  const web = (labels: Record<string, string>) => ({ metadata: { name: 'x', labels } });
  const isWeb = (o: any) => o.metadata.labels.tier === 'web';
  const change = (type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: any, prev?: any) => ({
    type,
    key: 'k',
    obj,
    prev,
    revision: 2,
  });
  it.each([
    ['enters the selection', change('MODIFIED', web({ tier: 'web' }), web({ tier: 'db' })), 'ADDED'],
    ['stays inside', change('MODIFIED', web({ tier: 'web' }), web({ tier: 'web' })), 'MODIFIED'],
    ['leaves', change('MODIFIED', web({ tier: 'db' }), web({ tier: 'web' })), 'DELETED'],
    ['never matched', change('MODIFIED', web({ tier: 'db' }), web({ tier: 'db' })), null],
    ['is created matching', change('ADDED', web({ tier: 'web' })), 'ADDED'],
    ['is deleted matching', change('DELETED', web({ tier: 'web' }), web({ tier: 'web' })), 'DELETED'],
  ])('an object that %s', (_what, c, want) => {
    expect(visibleChange(c, isWeb)?.type ?? null).toBe(want);
  });
});
