import { describe, expect, it } from 'vitest';
import { parseLogQuery } from './logs';

describe('parseLogQuery', () => {
  const now = Date.parse('2026-11-22T06:00:00Z');
  it('reads kubectl logs options', () => {
    expect(
      parseLogQuery(
        new URLSearchParams('follow=true&tailLines=5&timestamps=true&limitBytes=100&previous=true'),
        now,
      ),
    ).toEqual({
      container: undefined,
      follow: true,
      previous: true,
      timestamps: true,
      tailLines: 5,
      since: undefined,
      limitBytes: 100,
    });
  });

  it('turns sinceSeconds and sinceTime into a Unix time', () => {
    expect(parseLogQuery(new URLSearchParams('sinceSeconds=3600'), now).since).toBe(now / 1000 - 3600);
    expect(parseLogQuery(new URLSearchParams('sinceTime=2026-11-22T05:00:00Z'), now).since).toBe(
      now / 1000 - 3600,
    );
  });

  it.each([
    ['tailLines=abc', 'invalid value for tailLines'],
    ['sinceSeconds=5&sinceTime=2026-11-22T05:00:00Z', 'at most one of `sinceTime` or `sinceSeconds`'],
    ['sinceTime=yesterday', 'invalid value for sinceTime'],
  ])('rejects %s with a BadRequest', (q, message) => {
    expect(() => parseLogQuery(new URLSearchParams(q), now)).toThrow(message);
  });
});
