import { describe, expect, it } from 'vitest';
import { parseRequest } from '../request-info';
import { inflightClass, MaxInflight } from './max-inflight';

const cls = (method: string, url: string) => inflightClass(parseRequest(method, url), method);

describe('inflightClass', () => {
  it.each([
    ['GET', '/api/v1/namespaces/default/pods', 'readonly'],
    ['GET', '/api/v1/namespaces/default/pods/p', 'readonly'],
    ['POST', '/api/v1/namespaces/default/pods', 'mutating'],
    ['PATCH', '/apis/apps/v1/namespaces/default/deployments/d', 'mutating'],
    ['GET', '/api/v1/pods?watch=true', 'exempt'],
    ['GET', '/api/v1/namespaces/default/pods/p/log', 'exempt'],
    ['POST', '/api/v1/namespaces/default/pods/p/exec', 'exempt'],
    ['GET', '/healthz', 'exempt'],
    ['GET', '/readyz/etcd', 'exempt'],
    ['GET', '/version', 'readonly'],
  ])('%s %s → %s', (method, url, want) => expect(cls(method, url)).toBe(want));
});

describe('MaxInflight', () => {
  it('admits up to the limit per class, then refuses until one is released', () => {
    const m = new MaxInflight({ readOnly: 2, mutating: 1 });
    const r1 = m.admit('readonly');
    const r2 = m.admit('readonly');
    expect(m.admit('readonly')).toBeUndefined();
    const w1 = m.admit('mutating');
    expect(w1).toBeDefined();
    expect(m.admit('mutating')).toBeUndefined();
    r1?.();
    r1?.(); // a second release changes nothing
    expect(m.current).toEqual({ readonly: 1, mutating: 1 });
    expect(m.admit('readonly')).toBeDefined();
    r2?.();
    w1?.();
  });

  it('never refuses exempt requests, and 0 means no limit', () => {
    const m = new MaxInflight({ readOnly: 0, mutating: 1 });
    for (let i = 0; i < 100; i++) expect(m.admit('readonly')).toBeDefined();
    m.admit('mutating');
    expect(m.admit('exempt')).toBeDefined();
  });
});
