// Pure decisions of the Job controller (job_controller.go): how many pods should run now, and
// whether the Job is finished. Counting rules, with upstream's defaults:
//   completions 3, parallelism 2: run 2, then 1 more as they succeed; Complete at 3 successes.
//   completions unset (a work queue): run `parallelism`; Complete once one succeeded and none run.
//   failures > backoffLimit (6)          → Failed, BackoffLimitExceeded
//   running longer than activeDeadlineSeconds → Failed, DeadlineExceeded

import type { JobObj } from '../common/objects';

export interface JobCounts {
  active: number;
  succeeded: number;
  failed: number;
}

export interface Finished {
  type: 'Complete' | 'Failed';
  reason: string;
  message: string;
}

export interface JobDecision {
  wantActive: number;
  finished?: Finished;
}

export function isFinished(job: JobObj): boolean {
  return (job.status?.conditions ?? []).some(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
}

export function decideJob(job: JobObj, counts: JobCounts, startTime: number, now: number): JobDecision {
  const spec = job.spec ?? ({} as NonNullable<JobObj['spec']>);
  const parallelism = spec.parallelism ?? 1;
  const completions = spec.completions ?? (spec.parallelism === undefined ? 1 : undefined);
  if (counts.failed > (spec.backoffLimit ?? 6)) {
    return {
      wantActive: 0,
      finished: {
        type: 'Failed',
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
      },
    };
  }
  const deadline = spec.activeDeadlineSeconds;
  if (deadline !== undefined && now - startTime >= deadline * 1000) {
    return {
      wantActive: 0,
      finished: {
        type: 'Failed',
        reason: 'DeadlineExceeded',
        message: 'Job was active longer than specified deadline',
      },
    };
  }
  if (completions !== undefined) {
    if (counts.succeeded >= completions)
      return { wantActive: 0, finished: { type: 'Complete', reason: '', message: '' } };
    return {
      wantActive: spec.suspend ? 0 : Math.max(0, Math.min(parallelism, completions - counts.succeeded)),
    };
  }
  if (counts.succeeded > 0) {
    return counts.active === 0
      ? { wantActive: 0, finished: { type: 'Complete', reason: '', message: '' } }
      : { wantActive: counts.active };
  }
  return { wantActive: spec.suspend ? 0 : parallelism };
}

/**
 * Pod failure back-off (job_controller.go getBackoff): after n failures a replacement waits
 * 10 s · 2^(n−1), capped at 6 minutes, counted from the last failure: 1 → 10 s, 2 → 20 s, 3 → 40 s.
 * Returns how long to wait from `now` (0: create now).
 */
export function failureBackoffMs(failed: number, lastFailure: number | undefined, now: number): number {
  if (failed <= 0 || lastFailure === undefined) return 0;
  const delay = Math.min(10_000 * 2 ** (failed - 1), 360_000);
  return Math.max(0, lastFailure + delay - now);
}
