import { describe, expect, it } from 'vitest';
import {
  cpuMillis,
  formatBytes,
  formatCpuMillis,
  formatMilli,
  formatNanoCores,
  memoryBytes,
  parseQuantity,
} from './quantity';

describe('parseQuantity', () => {
  it.each([
    ['250m', 0.25],
    ['1', 1],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['100n', 100e-9],
    ['10u', 10e-6],
    ['1k', 1000],
    ['2M', 2e6],
    ['1G', 1e9],
    ['1T', 1e12],
    ['1P', 1e15],
    ['1E', 1e18],
    ['1Ki', 1024],
    ['128Mi', 128 * 2 ** 20],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['1Ti', 2 ** 40],
    ['1Pi', 2 ** 50],
    ['1Ei', 2 ** 60],
    ['1e3', 1000],
    ['5E-2', 0.05],
    ['-1k', -1000],
    ['+2', 2],
  ])('%s → %d', (text, want) => {
    expect(parseQuantity(text)).toBeCloseTo(want, 12);
  });

  it('passes finite numbers through', () => {
    expect(parseQuantity(3)).toBe(3);
    expect(() => parseQuantity(Number.NaN)).toThrow(/not a finite number/);
  });

  it.each(['', 'Gi', '1 Gi', ' 1', '1KB', '1ki', '1e', '1.2.3', 'abc', '1Mi ', '--1'])(
    'rejects %j',
    (text) => {
      expect(() => parseQuantity(text)).toThrow(`quantities must match the regular expression`);
    },
  );
});

describe('integer helpers round up like MilliValue()/Value()', () => {
  it.each([
    ['250m', 250],
    ['0.5', 500],
    ['2', 2000],
    ['0.29', 290],
    ['0.1m', 1],
    [1.5, 1500],
  ])('cpuMillis(%j) = %d', (q, want) => expect(cpuMillis(q)).toBe(want));

  it.each([
    ['128Mi', 134217728],
    ['1G', 1e9],
    ['1.5Ki', 1536],
    ['0.5', 1],
    ['1e3', 1000],
  ])('memoryBytes(%j) = %d', (q, want) => expect(memoryBytes(q)).toBe(want));
});

describe('formatting', () => {
  it.each([
    [250, '250m'],
    [1000, '1'],
    [2500, '2500m'],
    [0, '0'],
  ])('formatCpuMillis(%d) = %s', (n, want) => expect(formatCpuMillis(n)).toBe(want));

  it.each([
    [2 ** 30, '1Gi'],
    [1536 * 2 ** 20, '1536Mi'],
    [1024, '1Ki'],
    [1000, '1000'],
    [0, '0'],
    [2 ** 60, '1Ei'],
  ])('formatBytes(%d) = %s', (n, want) => expect(formatBytes(n)).toBe(want));

  it('round-trips through parse', () => {
    for (const text of ['250m', '2', '64Mi', '3Gi']) {
      const v = parseQuantity(text);
      const back = text.endsWith('i') ? formatBytes(memoryBytes(text)) : formatCpuMillis(cpuMillis(text));
      expect(back).toBe(text);
      expect(parseQuantity(back)).toBe(v);
    }
  });
});

describe('formatNanoCores (metrics-server CPU usage)', () => {
  it.each([
    [12345678, '12345678n'],
    [50_000_000, '50m'],
    [250_312_000, '250312u'],
    [2_000_000_000, '2'],
    [1500, '1500n'],
    [0, '0'],
  ])('%d → %s', (n, text) => {
    expect(formatNanoCores(n)).toBe(text);
    expect(parseQuantity(text)).toBeCloseTo(n / 1e9, 12);
  });
});

describe('formatMilli (HPA status averages)', () => {
  it.each([
    [35, '35m'],
    [1500, '1500m'],
    [2000, '2'],
    [52428800000, '52428800'],
    [0, '0'],
  ])('%d → %s', (n, text) => expect(formatMilli(n)).toBe(text));
});
