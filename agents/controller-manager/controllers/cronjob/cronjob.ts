// The CronJob controller (cronjob_controllerv2.go): at each scheduled minute, create a Job from
// the jobTemplate. sync(key):
//   1. look up the CronJob and the Jobs it owns; trim finished ones beyond the history limits
//      (successfulJobsHistoryLimit 3, failedJobsHistoryLimit 1);
//   2. suspended, or no start due since lastScheduleTime → just come back at the next one;
//   3. too late (startingDeadlineSeconds) → skip this start;
//   4. concurrencyPolicy: Allow runs another, Forbid skips while one runs, Replace deletes it;
//   5. create `<cronjob>-<scheduled minutes since epoch>` (the name makes a second create of the
//      same start harmless), record lastScheduleTime and the active list.

import { isAlreadyExists } from '../../../api/errors';
import { R } from '../../../api/resources';
import { objectKey } from '../../../api/types';
import type { Controller, ControllerContext } from '../../controller';
import {
  type CronJobObj,
  canonicalJson,
  clone,
  ignoreNotFound,
  isoNow,
  type JobObj,
  ms,
} from '../common/objects';
import { controllerRef, newControllerRef } from '../common/owner';
import { isFinished } from '../job/job-math';
import { mostRecent, nextAfter, parseSchedule, type Schedule } from './cron-schedule';

export const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export function jobNameFor(cronJob: string, scheduledMs: number): string {
  return `${cronJob}-${Math.floor(scheduledMs / 60_000)}`;
}

export function newCronJobController(ctx: ControllerContext, workers = 5): Controller {
  const cronjobs = ctx.informers.for<CronJobObj>(R.cronjobs);
  const jobs = ctx.informers.for<JobObj>(R.jobs);
  const { queue, client, recorder } = ctx;
  cronjobs.addEventHandler({
    add: (c) => queue.add(objectKey(c)),
    update: (_o, c) => queue.add(objectKey(c)),
  });
  const onJob = (j: JobObj) => {
    const ref = controllerRef(j);
    if (ref?.kind === 'CronJob') queue.add(`${j.metadata?.namespace}/${ref.name}`);
  };
  jobs.addEventHandler({ add: onJob, update: (_o, j) => onJob(j), delete: onJob });

  async function sync(key: string): Promise<void> {
    const cj = cronjobs.get(key);
    if (!cj || cj.metadata?.deletionTimestamp) return;
    const now = ctx.now();
    const mine = jobs.list(cj.metadata?.namespace).filter((j) => controllerRef(j)?.uid === cj.metadata?.uid);
    await trimHistory(cj, mine);
    let active = mine.filter((j) => !isFinished(j) && !j.metadata?.deletionTimestamp);
    let schedule: Schedule;
    try {
      schedule = parseSchedule(cj.spec?.schedule ?? '');
    } catch (err) {
      recorder.event(
        cj,
        'Warning',
        'UnparseableSchedule',
        `unparseable schedule: ${cj.spec?.schedule}: ${(err as Error).message}`,
      );
      return;
    }
    let lastScheduleTime = cj.status?.lastScheduleTime;
    const since = ms(cj.status?.lastScheduleTime) ?? ms(cj.metadata?.creationTimestamp) ?? now;
    const due = cj.spec?.suspend ? undefined : mostRecent(schedule, since, now).time;
    const deadline = cj.spec?.startingDeadlineSeconds;
    if (due !== undefined && deadline !== undefined && due + deadline * 1000 < now) {
      recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${isoNow(due)}`);
    } else if (due !== undefined) {
      const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
      if (policy === 'Forbid' && active.length > 0) {
        recorder.event(
          cj,
          'Normal',
          'JobAlreadyActive',
          'Not starting job because prior execution is running and concurrency policy is Forbid',
        );
      } else {
        if (policy === 'Replace') {
          for (const j of active) {
            await client
              .delete(R.jobs, j.metadata?.namespace, j.metadata?.name ?? '', {
                propagationPolicy: 'Background',
              })
              .catch(ignoreNotFound);
            recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata?.name}`);
          }
          active = [];
        }
        const job = await createJob(cj, due);
        if (job) active.push(job);
        lastScheduleTime = isoNow(due);
      }
    }
    await writeStatus(cj, active, mine, lastScheduleTime);
    const next = nextAfter(schedule, now);
    if (next !== undefined) queue.addAfter(key, next - now + 100);
  }

  async function createJob(cj: CronJobObj, scheduled: number): Promise<JobObj | undefined> {
    const t = cj.spec?.jobTemplate;
    const name = jobNameFor(cj.metadata?.name ?? '', scheduled);
    try {
      const job = await client.create<JobObj>(
        R.jobs,
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: {
            name,
            namespace: cj.metadata?.namespace,
            labels: { ...(t?.metadata?.labels ?? {}) },
            annotations: { ...(t?.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP]: isoNow(scheduled) },
            ownerReferences: [newControllerRef(cj, 'batch/v1', 'CronJob')],
          },
          spec: clone(t?.spec),
        },
        { namespace: cj.metadata?.namespace },
      );
      recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${name}`);
      return job;
    } catch (err) {
      if (isAlreadyExists(err)) return undefined;
      throw err;
    }
  }

  /** Delete the oldest finished Jobs beyond the history limits. */
  async function trimHistory(cj: CronJobObj, mine: JobObj[]): Promise<void> {
    const byAge = (a: JobObj, b: JobObj) =>
      (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '');
    const finishedAs = (type: string) =>
      mine
        .filter((j) => j.status?.conditions?.some((c) => c.type === type && c.status === 'True'))
        .sort(byAge);
    const extra = [
      ...trimTo(finishedAs('Complete'), cj.spec?.successfulJobsHistoryLimit ?? 3),
      ...trimTo(finishedAs('Failed'), cj.spec?.failedJobsHistoryLimit ?? 1),
    ];
    for (const j of extra) {
      if (j.metadata?.deletionTimestamp) continue;
      await client
        .delete(R.jobs, j.metadata?.namespace, j.metadata?.name ?? '', { propagationPolicy: 'Background' })
        .catch(ignoreNotFound);
    }
  }

  async function writeStatus(
    cj: CronJobObj,
    active: JobObj[],
    mine: JobObj[],
    lastScheduleTime: string | undefined,
  ): Promise<void> {
    const completions = mine
      .map((j) => j.status?.completionTime)
      .filter((t): t is string => Boolean(t))
      .sort();
    const status = JSON.parse(
      JSON.stringify({
        ...(cj.status ?? {}),
        active: active.length
          ? active.map((j) => ({
              apiVersion: 'batch/v1',
              kind: 'Job',
              name: j.metadata?.name,
              namespace: j.metadata?.namespace,
              uid: j.metadata?.uid,
            }))
          : undefined,
        lastScheduleTime,
        lastSuccessfulTime: completions[completions.length - 1] ?? cj.status?.lastSuccessfulTime,
      }),
    );
    if (canonicalJson(status) === canonicalJson(cj.status ?? {})) return;
    const body = clone(cj);
    body.status = status;
    await client.update(R.cronjobs, body, { subresource: 'status' });
  }

  return {
    name: 'cronjob',
    queue,
    workers,
    sync,
    // The delayed requeue above is the real clock; this sweep is a safety net for a lost one.
    tick: {
      everyMs: 10_000,
      run: () => {
        for (const c of cronjobs.list()) queue.add(objectKey(c));
      },
    },
  };
}

function trimTo(jobs: JobObj[], keep: number): JobObj[] {
  return jobs.slice(0, Math.max(0, jobs.length - keep));
}
