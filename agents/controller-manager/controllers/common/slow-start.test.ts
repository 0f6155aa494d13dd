import { describe, expect, it } from 'vitest';
import { slowStartBatch, slowStartBatches } from './slow-start';

describe('slowStartBatches', () => {
  it.each([
    [0, []],
    [1, [1]],
    [3, [1, 2]],
    [10, [1, 2, 4, 3]],
    [15, [1, 2, 4, 8]],
    [16, [1, 2, 4, 8, 1]],
  ])('%i creations → %j', (n, batches) => {
    expect(slowStartBatches(n)).toEqual(batches);
  });

  it('stops after the first batch with a failure', async () => {
    let calls = 0;
    const r = await slowStartBatch(10, async () => {
      calls++;
      if (calls === 3) throw new Error('quota');
    });
    // batches 1 and 2 ran (3 calls); the second batch failed once, so 2 succeeded.
    expect(calls).toBe(3);
    expect(r.succeeded).toBe(2);
    expect(String(r.error)).toContain('quota');
  });
});
