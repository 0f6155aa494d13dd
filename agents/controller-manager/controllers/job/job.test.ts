import { describe, expect, it } from 'vitest';
import { R } from '../../../api/resources';
import { pod } from '../../testing/builders';
import { fakeContext, summarize } from '../../testing/fakes';
import { newJobController } from './job';

const theJob = (status: Record<string, unknown> = {}) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'pi', namespace: 'default', uid: 'job-uid' },
  spec: {
    completions: 3,
    parallelism: 2,
    template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'busybox' }] } },
  },
  status,
});
const owner = { kind: 'Job', name: 'pi', uid: 'job-uid' };

describe('Job sync', () => {
  it('starts parallelism pods labelled with job-name and controller-uid, and a startTime', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.jobs, [theJob()]);
    await newJobController(ctx).sync('default/pi');
    expect(summarize(ctx.client.actions)).toEqual([
      'create pods default/pi-',
      'create pods default/pi-',
      'update jobs/status default/pi',
    ]);
    expect(ctx.client.actions[0].body.metadata.labels).toEqual({
      'batch.kubernetes.io/controller-uid': 'job-uid',
      'batch.kubernetes.io/job-name': 'pi',
      'controller-uid': 'job-uid',
      'job-name': 'pi',
    });
    expect(ctx.client.actions[2].body.status).toMatchObject({ active: 2, startTime: '2026-01-01T00:00:00Z' });
  });

  it('completes at 3 successes with a Complete condition and completionTime', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.jobs, [theJob({ startTime: '2025-12-31T23:59:00Z', active: 1, succeeded: 2 })]);
    ctx.informers.seed(
      R.pods,
      ['a', 'b', 'c'].map((n) => pod(`pi-${n}`, { owner, node: 'n1', phase: 'Succeeded' })),
    );
    await newJobController(ctx).sync('default/pi');
    expect(summarize(ctx.client.actions)).toEqual(['update jobs/status default/pi']);
    const status = ctx.client.actions[0].body.status;
    expect(status).toMatchObject({ succeeded: 3, completionTime: '2026-01-01T00:00:00Z' });
    expect(status.active).toBeUndefined();
    expect(status.conditions).toEqual([
      {
        type: 'Complete',
        status: 'True',
        lastProbeTime: '2026-01-01T00:00:00Z',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ]);
    expect(ctx.recorder.events.map((e) => e.reason)).toEqual(['Completed']);
  });
});

describe('Job failure back-off', () => {
  it('waits 10 s after the first failure before replacing the pod', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.jobs, [theJob({ startTime: '2025-12-31T23:59:00Z' })]);
    const failed = pod('pi-x', { owner, node: 'n1', phase: 'Failed', created: '2025-12-31T23:59:55Z' });
    (failed.status as any).startTime = '2025-12-31T23:59:55Z';
    ctx.informers.seed(R.pods, [failed, pod('pi-y', { owner, node: 'n1', ready: true })]);
    await newJobController(ctx).sync('default/pi');
    expect(summarize(ctx.client.actions).filter((a) => a.startsWith('create'))).toEqual([]);
    expect(ctx.queue.delayed).toEqual([{ key: 'default/pi', delayMs: 5_100 }]);
  });
});
