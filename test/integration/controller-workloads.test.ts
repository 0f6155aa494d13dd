// Jobs, DaemonSets and cordon end to end, driven by the real kubectl, with the
// controller-manager, the scheduler and hollow nodes (pods of a Job "run" for about a second).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, deploymentYaml, getJson, run, startCluster, waitUntil } from './controller-cluster';

let c: Cluster;

beforeAll(async () => {
  c = await startCluster({ name: 'workloads', nodes: ['node-a', 'node-b'] });
  await waitUntil('2 nodes', async () => (await getJson(c.k, ['get', 'nodes'])).items.length === 2);
});
afterAll(async () => {
  await c?.stop();
});

const live = (items: any[]) => items.filter((p) => !p.metadata.deletionTimestamp);
const podsOf = async (selector: string) => live((await getJson(c.k, ['get', 'pods', '-l', selector])).items);

describe('Job', () => {
  it('completions 3 / parallelism 2 runs at most 2 at a time and completes', async () => {
    await run(
      c.k,
      ['apply', '-f', '-'],
      `apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  completions: 3
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: pi, image: busybox, command: [sh, -c, "echo 3.14"]}]
`,
    );
    let maxActive = 0;
    await expect
      .poll(
        async () => {
          const job = await getJson(c.k, ['get', 'job', 'pi']);
          maxActive = Math.max(maxActive, job.status?.active ?? 0);
          return job.status?.conditions?.find((x: any) => x.type === 'Complete')?.status;
        },
        { timeout: 60_000, interval: 300 },
      )
      .toBe('True');
    const job = await getJson(c.k, ['get', 'job', 'pi']);
    expect(job.status.succeeded).toBe(3);
    expect(job.status.completionTime).toBeTruthy();
    expect(maxActive).toBeLessThanOrEqual(2);
    const pods = await podsOf('job-name=pi');
    expect(pods.filter((p: any) => p.status.phase === 'Succeeded')).toHaveLength(3);
    const wait = await c.k27(['wait', '--for=condition=complete', 'job/pi', '--timeout=10s']);
    expect(wait.stdout).toContain('condition met');
  });
});

describe('DaemonSet', () => {
  it('puts one pod on each node and follows nodes joining and leaving', async () => {
    await run(
      c.k,
      ['apply', '-f', '-'],
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: busybox}]}
`,
    );
    const perNode = async () =>
      (await podsOf('app=agent'))
        .filter((p: any) => p.status?.phase === 'Running')
        .map((p: any) => p.spec.nodeName)
        .sort();
    await expect.poll(perNode, { timeout: 60_000 }).toEqual(['node-a', 'node-b']);
    expect(await run(c.k, ['rollout', 'status', 'daemonset/agent', '--timeout=60s'])).toContain(
      'successfully rolled out',
    );

    await c.addNode('node-c');
    await expect.poll(perNode, { timeout: 60_000 }).toEqual(['node-a', 'node-b', 'node-c']);

    await run(c.k, ['delete', 'node', 'node-c']);
    await c.killNode('node-c');
    await expect.poll(perNode, { timeout: 60_000 }).toEqual(['node-a', 'node-b']);
    // Nothing is left bound to the deleted node: the pod GC force-deletes what its kubelet never will.
    await expect
      .poll(
        async () =>
          (await getJson(c.k, ['get', 'pods', '-A'])).items.filter((p: any) => p.spec.nodeName === 'node-c')
            .length,
        { timeout: 60_000 },
      )
      .toBe(0);
    const ds = await getJson(c.k, ['get', 'ds', 'agent']);
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2 });
  });

  it('a template change rolls the daemon pods', async () => {
    await run(c.k, ['set', 'image', 'daemonset/agent', 'agent=busybox:2']);
    expect(await run(c.k, ['rollout', 'status', 'daemonset/agent', '--timeout=90s'])).toContain(
      'successfully rolled out',
    );
    await expect
      .poll(async () => (await podsOf('app=agent')).map((p: any) => p.spec.containers[0].image), {
        timeout: 30_000,
      })
      .toEqual(['busybox:2', 'busybox:2']);
    // Each template is a ControllerRevision: history lists both, undo goes back to the first.
    const history = await run(c.k27, ['rollout', 'history', 'daemonset/agent']);
    expect(history).toMatch(/^1\s/m);
    expect(history).toMatch(/^2\s/m);
    await run(c.k, ['rollout', 'undo', 'daemonset/agent']);
    expect(await run(c.k, ['rollout', 'status', 'daemonset/agent', '--timeout=90s'])).toContain(
      'successfully rolled out',
    );
    await expect
      .poll(async () => (await podsOf('app=agent')).map((p: any) => p.spec.containers[0].image), {
        timeout: 30_000,
      })
      .toEqual(['busybox', 'busybox']);
  });
});

describe('cordon', () => {
  it('keeps new pods off a cordoned node', async () => {
    await run(c.k, ['cordon', 'node-b']);
    await expect
      .poll(
        async () => (await getJson(c.k, ['get', 'node', 'node-b'])).spec.taints?.map((t: any) => t.key) ?? [],
        { timeout: 30_000 },
      )
      .toContain('node.kubernetes.io/unschedulable');
    await run(c.k, ['apply', '-f', '-'], deploymentYaml('cordoned', 4, 'nginx:1.25'));
    await expect
      .poll(
        async () => (await podsOf('app=cordoned')).filter((p: any) => p.status?.phase === 'Running').length,
        { timeout: 60_000 },
      )
      .toBe(4);
    expect(new Set((await podsOf('app=cordoned')).map((p: any) => p.spec.nodeName))).toEqual(
      new Set(['node-a']),
    );
    await run(c.k27, ['uncordon', 'node-b']);
    await expect
      .poll(async () => (await getJson(c.k, ['get', 'node', 'node-b'])).spec.taints?.length ?? 0, {
        timeout: 30_000,
      })
      .toBe(0);
  });
});

describe('CronJob', () => {
  it('starts a Job at the next minute, which completes', async () => {
    await run(
      c.k,
      ['apply', '-f', '-'],
      `apiVersion: batch/v1
kind: CronJob
metadata: {name: tick}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: tick, image: busybox, command: [date]}]
`,
    );
    await expect
      .poll(
        async () => {
          const jobs = (await getJson(c.k, ['get', 'jobs'])).items.filter((j: any) =>
            j.metadata.name.startsWith('tick-'),
          );
          return jobs.some((j: any) =>
            j.status?.conditions?.some((x: any) => x.type === 'Complete' && x.status === 'True'),
          );
        },
        { timeout: 90_000, interval: 1000 },
      )
      .toBe(true);
    const [job] = (await getJson(c.k, ['get', 'jobs'])).items.filter((j: any) =>
      j.metadata.name.startsWith('tick-'),
    );
    // The name is the scheduled minute since the epoch, and the annotation says which minute.
    const minute = Number(job.metadata.name.slice('tick-'.length));
    expect(new Date(minute * 60_000).toISOString().replace('.000Z', 'Z')).toBe(
      job.metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp'],
    );
    const cj = await getJson(c.k, ['get', 'cronjob', 'tick']);
    expect(cj.status.lastScheduleTime).toBeTruthy();
    await run(c.k, ['delete', 'cronjob', 'tick']);
    await expect
      .poll(
        async () =>
          (await getJson(c.k, ['get', 'jobs'])).items.filter((j: any) => j.metadata.name.startsWith('tick-'))
            .length,
        { timeout: 30_000 },
      )
      .toBe(0);
  });
});
