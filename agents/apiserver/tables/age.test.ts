import { describe, expect, it } from 'vitest';
import { between, humanDuration, since } from './age';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration (apimachinery HumanDuration)', () => {
  it.each([
    [-2 * s, '<invalid>'],
    [-1 * s, '0s'],
    [-500, '0s'],
    [0, '0s'],
    [45 * s, '45s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [2 * m + 29 * s, '2m29s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [72 * s, '72s'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [7 * h + 3 * m, '7h3m'],
    [8 * h + 30 * m, '8h'],
    [26 * h, '26h'],
    [47 * h + 59 * m, '47h'],
    [2 * d, '2d'],
    [3 * d + 4 * h, '3d4h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d + 5 * h, '8d'],
    [45 * d, '45d'],
    [729 * d, '729d'],
    [730 * d, '2y'],
    [733 * d, '2y3d'],
    [8 * 365 * d + 10 * d, '8y'],
  ])('%d ms → %s', (ms, want) => expect(humanDuration(ms)).toBe(want));
});

describe('since / between', () => {
  const now = new Date('2026-11-22T06:00:00Z');
  it('reads RFC 3339 timestamps', () => {
    expect(since(now, '2026-11-22T05:55:00Z')).toBe('5m');
    expect(since(now, '2026-11-21T10:00:00Z')).toBe('20h');
  });
  it('says <unknown> for unset or unparsable timestamps', () => {
    expect(since(now, undefined)).toBe('<unknown>');
    expect(since(now, '')).toBe('<unknown>');
    expect(since(now, 'yesterday')).toBe('<unknown>');
  });
  it('measures a span', () => {
    expect(between('2026-11-22T05:00:00Z', '2026-11-22T05:00:12Z')).toBe('12s');
  });
});
