import { describe, expect, it } from 'vitest';
import { heapGrowingPercentFor, IDLE_UTILIZATION, quietSpells } from './idle-gc';

describe('quietSpells', () => {
  const busy = IDLE_UTILIZATION;
  const quiet = IDLE_UTILIZATION / 10;

  it('collects once in the first quiet period after a busy one, and not again until work returns', () => {
    const s = quietSpells();
    expect([quiet, quiet].map((u) => s.next(u))).toEqual([false, false]); // a fresh process
    expect([busy, busy, quiet, quiet, quiet].map((u) => s.next(u))).toEqual([
      false,
      false,
      true,
      false,
      false,
    ]);
    expect([busy, quiet].map((u) => s.next(u))).toEqual([false, true]);
  });
});

describe('heapGrowingPercentFor', () => {
  it('lets the heap grow far while busy and little while quiet', () => {
    const g = { busyPercent: 100, quietPercent: 25 };
    expect(heapGrowingPercentFor(IDLE_UTILIZATION, g)).toBe(100);
    expect(heapGrowingPercentFor(0.9, g)).toBe(100);
    expect(heapGrowingPercentFor(IDLE_UTILIZATION / 2, g)).toBe(25);
  });
});
