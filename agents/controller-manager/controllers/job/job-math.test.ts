import { describe, expect, it } from 'vitest';
import { decideJob, failureBackoffMs } from './job-math';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const job = (spec: Record<string, unknown>) => ({ spec: { template: {}, ...spec } }) as any;

describe('decideJob', () => {
  it.each([
    // spec, active/succeeded/failed → wantActive, finished
    [{ completions: 3, parallelism: 2 }, [0, 0, 0], 2, undefined],
    [{ completions: 3, parallelism: 2 }, [2, 1, 0], 2, undefined],
    [{ completions: 3, parallelism: 2 }, [1, 2, 0], 1, undefined],
    [{ completions: 3, parallelism: 2 }, [0, 3, 0], 0, 'Complete'],
    [{}, [0, 0, 0], 1, undefined],
    [{}, [0, 1, 0], 0, 'Complete'],
    [{ parallelism: 3 }, [2, 1, 0], 2, undefined],
    [{ parallelism: 3 }, [0, 1, 0], 0, 'Complete'],
    [{ completions: 5, backoffLimit: 2 }, [1, 0, 3], 0, 'Failed'],
    [{ completions: 5, backoffLimit: 2 }, [1, 0, 2], 1, undefined],
    [{ completions: 2, suspend: true }, [0, 0, 0], 0, undefined],
  ])('%j with %j → %i, %s', (spec, [active, succeeded, failed], want, finished) => {
    const d = decideJob(job(spec), { active, succeeded, failed }, T0, T0);
    expect(d.wantActive).toBe(want);
    expect(d.finished?.type).toBe(finished);
  });

  it('fails with DeadlineExceeded after activeDeadlineSeconds', () => {
    const d = decideJob(
      job({ activeDeadlineSeconds: 30 }),
      { active: 1, succeeded: 0, failed: 0 },
      T0,
      T0 + 30_000,
    );
    expect(d.finished).toEqual({
      type: 'Failed',
      reason: 'DeadlineExceeded',
      message: 'Job was active longer than specified deadline',
    });
    expect(
      decideJob(job({ activeDeadlineSeconds: 30 }), { active: 1, succeeded: 0, failed: 0 }, T0, T0 + 29_000)
        .finished,
    ).toBeUndefined();
  });
});

describe('failureBackoffMs', () => {
  it.each([
    [0, undefined, 0, 0],
    [1, 0, 0, 10_000],
    [2, 0, 5_000, 15_000],
    [3, 0, 40_000, 0],
    [10, 0, 0, 360_000],
  ])('%i failures, last at %s, now %i → wait %i ms', (failed, last, now, want) => {
    expect(failureBackoffMs(failed, last, now)).toBe(want);
  });
});
