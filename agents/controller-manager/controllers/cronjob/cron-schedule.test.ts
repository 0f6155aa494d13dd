import { describe, expect, it } from 'vitest';
import { mostRecent, nextAfter, parseSchedule } from './cron-schedule';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) =>
  ms === undefined ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z');

describe('cron schedule: next run after 2026-01-01T00:00Z (a Thursday)', () => {
  it.each([
    ['*/5 * * * *', '2026-01-01T00:05:00Z'],
    ['* * * * *', '2026-01-01T00:01:00Z'],
    ['30 2 * * *', '2026-01-01T02:30:00Z'],
    ['0 9-17/4 * * *', '2026-01-01T09:00:00Z'],
    ['15,45 * * * *', '2026-01-01T00:15:00Z'],
    ['0 0 * * mon', '2026-01-05T00:00:00Z'],
    ['0 0 * * 7', '2026-01-04T00:00:00Z'],
    ['0 0 1 * *', '2026-02-01T00:00:00Z'],
    ['0 0 13 * 5', '2026-01-02T00:00:00Z'], // the 13th OR a Friday: Friday the 2nd comes first
    ['0 0 29 feb *', '2028-02-29T00:00:00Z'],
    ['0 12 * jun-aug *', '2026-06-01T12:00:00Z'],
    ['@hourly', '2026-01-01T01:00:00Z'],
    ['@daily', '2026-01-02T00:00:00Z'],
    ['@weekly', '2026-01-04T00:00:00Z'],
    ['@monthly', '2026-02-01T00:00:00Z'],
    ['@yearly', '2027-01-01T00:00:00Z'],
  ])('%s → %s', (spec, want) => {
    expect(iso(nextAfter(parseSchedule(spec), at('2026-01-01T00:00:00Z')))).toBe(want);
  });

  it.each(['* * * *', '60 * * * *', '* * 0 * *', '*/0 * * * *', 'x * * * *', '5-1 * * * *'])(
    'rejects %s',
    (spec) => {
      expect(() => parseSchedule(spec)).toThrow();
    },
  );

  it('mostRecent finds the latest missed start and counts the missed ones', () => {
    const s = parseSchedule('*/10 * * * *');
    expect(mostRecent(s, at('2026-01-01T00:00:00Z'), at('2026-01-01T00:35:00Z'))).toEqual({
      time: at('2026-01-01T00:30:00Z'),
      missed: 3,
    });
    expect(mostRecent(s, at('2026-01-01T00:30:00Z'), at('2026-01-01T00:35:00Z'))).toEqual({
      time: undefined,
      missed: 0,
    });
  });
});
