// The Job controller (job_controller.go): run pods until `completions` of them succeed, at most
// `parallelism` at a time, giving up after backoffLimit failures or activeDeadlineSeconds.
// sync(key):
//   1. look up the Job; count its pods (active, succeeded, failed);
//   2. decideJob (job-math.ts): how many should run, and is it finished;
//   3. create or delete the difference (expectations guard against double-creating);
//   4. write status: counts, startTime, and on finishing the Complete/Failed condition.

import { R } from '../../../api/resources';
import { objectKey } from '../../../api/types';
import type { Controller, ControllerContext } from '../../controller';
import { Expectations, ownedPodHandler } from '../common/expectations';
import {
  canonicalJson,
  clone,
  ignoreNotFound,
  isoNow,
  type JobObj,
  ms,
  type PodObj,
} from '../common/objects';
import { controllerRef, newControllerRef } from '../common/owner';
import { isPodActive, isPodReady } from '../common/pods';
import { slowStartBatch } from '../common/slow-start';
import { podsToDelete } from '../replicaset/replica-math';
import { decideJob, type Finished, failureBackoffMs, isFinished, type JobCounts } from './job-math';

export function newJobController(ctx: ControllerContext, workers = 5): Controller {
  const jobs = ctx.informers.for<JobObj>(R.jobs);
  const pods = ctx.informers.for<PodObj>(R.pods);
  const expectations = new Expectations(ctx.now);
  const { queue, client, recorder } = ctx;

  const ownerKey = (pod: PodObj) => {
    const ref = controllerRef(pod);
    return ref?.kind === 'Job' ? `${pod.metadata?.namespace}/${ref.name}` : undefined;
  };
  jobs.addEventHandler({
    add: (j) => queue.add(objectKey(j)),
    update: (_o, j) => queue.add(objectKey(j)),
    delete: (j) => expectations.forget(objectKey(j)),
  });
  pods.addEventHandler(ownedPodHandler(ownerKey, expectations, queue));

  async function sync(key: string): Promise<void> {
    const job = jobs.get(key);
    if (!job || job.metadata?.deletionTimestamp) return;
    const mine = pods
      .list(job.metadata?.namespace)
      .filter((p) => controllerRef(p)?.uid === job.metadata?.uid);
    const active = mine.filter(isPodActive);
    const counts: JobCounts = {
      active: active.length,
      succeeded: mine.filter((p) => p.status?.phase === 'Succeeded').length,
      failed: mine.filter((p) => p.status?.phase === 'Failed').length,
    };
    const now = ctx.now();
    const startTime = ms(job.status?.startTime) ?? now;
    if (isFinished(job)) return writeStatus(job, counts, active, startTime, now);
    const decision = decideJob(job, counts, startTime, now);
    if (expectations.satisfied(key)) {
      const diff = decision.wantActive - active.length;
      const wait = failureBackoffMs(counts.failed, lastFailure(mine), now);
      if (diff > 0 && wait > 0) {
        queue.addAfter(key, wait + 100);
      } else if (diff > 0) {
        expectations.expectCreations(key, diff);
        const { succeeded, error } = await slowStartBatch(diff, () => createPod(job));
        expectations.creationObserved(key, diff - succeeded);
        counts.active += succeeded;
        if (error) throw error;
      } else if (diff < 0) {
        const victims = podsToDelete(active, -diff);
        expectations.expectDeletions(key, victims.map(objectKey));
        await Promise.all(
          victims.map((p) =>
            client.delete(R.pods, p.metadata?.namespace, p.metadata?.name ?? '').catch(ignoreNotFound),
          ),
        );
        counts.active -= victims.length;
      }
    }
    await writeStatus(job, counts, active, startTime, now, decision.finished);
    const deadline = job.spec?.activeDeadlineSeconds;
    if (deadline !== undefined && !decision.finished)
      queue.addAfter(key, Math.max(0, startTime + deadline * 1000 - now) + 100);
  }

  async function createPod(job: JobObj): Promise<void> {
    const t = job.spec?.template;
    const name = job.metadata?.name ?? '';
    const uid = job.metadata?.uid ?? '';
    const pod = await client.create<PodObj>(
      R.pods,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          generateName: `${name}-`,
          namespace: job.metadata?.namespace,
          labels: {
            ...(t?.metadata?.labels ?? {}),
            'batch.kubernetes.io/controller-uid': uid,
            'batch.kubernetes.io/job-name': name,
            'controller-uid': uid,
            'job-name': name,
          },
          annotations: t?.metadata?.annotations ? { ...t.metadata.annotations } : undefined,
          ownerReferences: [newControllerRef(job, 'batch/v1', 'Job')],
        },
        spec: clone(t?.spec),
      },
      { namespace: job.metadata?.namespace },
    );
    recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name}`);
  }

  async function writeStatus(
    job: JobObj,
    counts: JobCounts,
    active: PodObj[],
    startTime: number,
    now: number,
    finished?: Finished,
  ): Promise<void> {
    const status: any = {
      ...(job.status ?? {}),
      startTime: job.status?.startTime ?? isoNow(startTime),
      active: counts.active || undefined,
      ready: active.filter(isPodReady).length,
      succeeded: counts.succeeded || undefined,
      failed: counts.failed || undefined,
    };
    if (finished) {
      const t = isoNow(now);
      status.conditions = [
        ...(job.status?.conditions ?? []),
        {
          type: finished.type,
          status: 'True',
          lastProbeTime: t,
          lastTransitionTime: t,
          ...(finished.reason ? { reason: finished.reason, message: finished.message } : {}),
        },
      ];
      if (finished.type === 'Complete') status.completionTime = t;
      if (finished.type === 'Failed') {
        for (const p of active)
          await client.delete(R.pods, p.metadata?.namespace, p.metadata?.name ?? '').catch(ignoreNotFound);
        status.active = undefined;
      }
      recorder.event(
        job,
        finished.type === 'Complete' ? 'Normal' : 'Warning',
        finished.type === 'Complete' ? 'Completed' : finished.reason,
        finished.type === 'Complete' ? 'Job completed' : finished.message,
      );
    }
    const clean = JSON.parse(JSON.stringify(status));
    if (canonicalJson(clean) === canonicalJson(job.status ?? {})) return;
    const body = clone(job);
    body.status = clean;
    await client.update(R.jobs, body, { subresource: 'status' });
  }

  return { name: 'job', queue, workers, sync };
}

/** When the most recent pod failure happened (its containers' finish time, else its start). */
function lastFailure(pods: PodObj[]): number | undefined {
  const times = pods
    .filter((p) => p.status?.phase === 'Failed')
    .map((p) => {
      const finished = (p.status?.containerStatuses ?? []).map(
        (c) => ms(c.state?.terminated?.finishedAt) ?? 0,
      );
      return Math.max(0, ...finished) || (ms(p.status?.startTime) ?? ms(p.metadata?.creationTimestamp) ?? 0);
    });
  return times.length ? Math.max(...times) : undefined;
}
