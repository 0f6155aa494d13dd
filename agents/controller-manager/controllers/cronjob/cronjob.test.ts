import { describe, expect, it } from 'vitest';
import { R } from '../../../api/resources';
import { fakeContext, summarize } from '../../testing/fakes';
import { newCronJobController } from './cronjob';

// The fake clock stands at 2026-01-01T00:00:00Z = minute 29453760 since the epoch.
const cronJob = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'tick', namespace: 'default', uid: 'cj-uid', creationTimestamp: '2025-12-31T23:50:30Z' },
  spec: {
    schedule: '*/5 * * * *',
    jobTemplate: {
      metadata: { labels: { app: 'tick' } },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [] } } },
    },
    ...spec,
  },
  status,
});
const job = (name: string, finished?: 'Complete' | 'Failed', created = '2025-12-31T23:00:00Z') => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    creationTimestamp: created,
    ownerReferences: [
      { apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: 'cj-uid', controller: true },
    ],
  },
  spec: {},
  status: finished
    ? { conditions: [{ type: finished, status: 'True' }], completionTime: created }
    : { active: 1 },
});

describe('CronJob sync', () => {
  it('creates the Job for the latest due start, named by its minute, and records lastScheduleTime', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.cronjobs, [cronJob({})]);
    await newCronJobController(ctx).sync('default/tick');
    expect(summarize(ctx.client.actions)).toEqual([
      'create jobs default/tick-29453760',
      'update cronjobs/status default/tick',
    ]);
    expect(ctx.client.actions[0].body.metadata.annotations).toEqual({
      'batch.kubernetes.io/cronjob-scheduled-timestamp': '2026-01-01T00:00:00Z',
    });
    expect(ctx.client.actions[1].body.status).toMatchObject({
      lastScheduleTime: '2026-01-01T00:00:00Z',
      active: [{ name: 'tick-29453760' }],
    });
    expect(ctx.queue.delayed[0]).toEqual({ key: 'default/tick', delayMs: 300_100 });
  });

  it('Forbid skips while a Job runs; Replace deletes it first', async () => {
    for (const [policy, want] of [
      ['Forbid', []],
      ['Replace', ['delete jobs default/running', 'create jobs default/tick-29453760']],
    ] as const) {
      const ctx = fakeContext();
      ctx.informers.seed(R.cronjobs, [cronJob({ concurrencyPolicy: policy })]);
      ctx.informers.seed(R.jobs, [job('running')]);
      await newCronJobController(ctx).sync('default/tick');
      expect(summarize(ctx.client.actions).filter((a) => !a.includes('status'))).toEqual(want);
    }
  });

  it('keeps 3 successful and 1 failed Job in history', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.cronjobs, [cronJob({ suspend: true })]);
    ctx.informers.seed(R.jobs, [
      job('ok-1', 'Complete', '2025-12-31T20:00:00Z'),
      job('ok-2', 'Complete', '2025-12-31T21:00:00Z'),
      job('ok-3', 'Complete', '2025-12-31T22:00:00Z'),
      job('ok-4', 'Complete', '2025-12-31T23:00:00Z'),
      job('bad-1', 'Failed', '2025-12-31T20:30:00Z'),
      job('bad-2', 'Failed', '2025-12-31T21:30:00Z'),
    ]);
    await newCronJobController(ctx).sync('default/tick');
    expect(summarize(ctx.client.actions).filter((a) => a.startsWith('delete'))).toEqual([
      'delete jobs default/ok-1',
      'delete jobs default/bad-1',
    ]);
  });
});
