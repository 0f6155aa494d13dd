import { describe, expect, it } from 'vitest';
import { isConflict, isNotFound } from '../api/errors';
import { buildEvent, eventName } from './events';
import { judgeLease, microTime, type Observation } from './leader-election';
import { createNdjsonSplitter } from './ndjson';
import { createTokenBucket } from './rate-limiter';
import { buildQuery, errorFromResponse } from './rest-client';

describe('watch stream parsing', () => {
  it('reassembles events split across chunks at any point', () => {
    const text =
      '{"type":"ADDED","object":{"metadata":{"name":"ä-1"}}}\n{"type":"DELETED","object":{"metadata":{"name":"b"}}}\n';
    for (let cut = 1; cut < text.length; cut += 7) {
      const got: unknown[] = [];
      const s = createNdjsonSplitter((v) => got.push(v));
      s.push(text.slice(0, cut));
      s.push(text.slice(cut));
      s.end();
      expect(got).toEqual([
        { type: 'ADDED', object: { metadata: { name: 'ä-1' } } },
        { type: 'DELETED', object: { metadata: { name: 'b' } } },
      ]);
    }
  });
});

describe('errors from the server', () => {
  it('rebuilds a Status body as the StatusError it describes', () => {
    const body = JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'pods "x" not found',
    });
    const err = errorFromResponse(404, body);
    expect(isNotFound(err)).toBe(true);
    expect(err.message).toBe('pods "x" not found');
  });
  it.each([
    [409, 'Conflict'],
    [502, 'InternalError'],
    [503, 'ServiceUnavailable'],
    [418, 'BadRequest'],
  ])('a non-Status %i body becomes reason %s with that code', (code, reason) => {
    const err = errorFromResponse(code, '<html>bad gateway</html>') as unknown as {
      code: number;
      reason: string;
    };
    expect(err.code).toBe(code);
    expect(err.reason).toBe(reason);
  });
  it('409 without a Status still tests as a conflict', () => {
    expect(isConflict(errorFromResponse(409, ''))).toBe(true);
  });
  it('builds queries without empty values', () => {
    expect(buildQuery({ labelSelector: 'app=web', limit: undefined, watch: 'true', continue: '' })).toBe(
      '?labelSelector=app%3Dweb&watch=true',
    );
  });
});

describe('token bucket', () => {
  it('lets a burst through, then paces at qps', async () => {
    let now = 0;
    const waits: number[] = [];
    const bucket = createTokenBucket({
      qps: 10,
      burst: 3,
      nowFn: () => now,
      delayFn: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    for (let i = 0; i < 5; i++) await bucket.take();
    expect(waits).toEqual([100, 100]);
  });
});

describe('leader election: may we write the Lease?', () => {
  const lease = (holder: string, renewTime = 't1') => ({
    spec: { holderIdentity: holder, renewTime, leaseDurationSeconds: 15 },
  });
  const seenAt = (holder: string, at: number, renewTime = 't1'): Observation => ({
    holder,
    renewTime,
    observedAt: at,
  });
  it.each([
    ['no Lease yet', undefined, undefined, 0, 'create'],
    ['we hold it', lease('me'), undefined, 0, 'renew'],
    ['released (empty holder)', lease(''), undefined, 0, 'take'],
    ['another holder, first sight', lease('other'), undefined, 100_000, 'held'],
    ['another holder, unchanged for 14 s', lease('other'), seenAt('other', 0), 14_000, 'held'],
    ['another holder, unchanged for 15 s', lease('other'), seenAt('other', 0), 15_000, 'take'],
    ['another holder who renewed since', lease('other', 't2'), seenAt('other', 0), 20_000, 'held'],
  ])('%s → %s', (_n, l, seen, now, want) => {
    expect(judgeLease(l as never, 'me', seen, now as number, 15_000)).toBe(want);
  });
  it('writes MicroTime with microseconds', () => {
    expect(microTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('2026-01-02T03:04:05.678000Z');
  });
});

describe('events', () => {
  it('builds the Event kubectl describe shows', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace: 'default', name: 'web-1', uid: 'u1', resourceVersion: '7' },
    };
    const ev = buildEvent(
      pod,
      'Normal',
      'Scheduled',
      'Successfully assigned default/web-1 to minion1',
      { component: 'default-scheduler' },
      'web-1.abc',
      '2026-01-01T00:00:00Z',
    );
    expect(ev).toMatchObject({
      metadata: { name: 'web-1.abc', namespace: 'default' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'u1' },
      type: 'Normal',
      reason: 'Scheduled',
      source: { component: 'default-scheduler' },
      count: 1,
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:00:00Z',
    });
  });
  it('puts events about cluster-scoped objects in default', () => {
    const ev = buildEvent(
      { kind: 'Node', metadata: { name: 'n1' } },
      'Normal',
      'NodeReady',
      'ready',
      { component: 'kubelet', host: 'n1' },
      'n1.1',
      'now',
    );
    expect(ev.metadata?.namespace).toBe('default');
    expect(ev.source).toEqual({ component: 'kubelet', host: 'n1' });
  });
  it('names events <name>.<unix nanoseconds in hex>', () => {
    expect(eventName('web-1', 1, 0)).toBe('web-1.f4240');
  });
});
