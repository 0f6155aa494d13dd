// The scheduler against a real apiserver and etcd, with hollow nodes as its cluster: spreading,
// cordon, nodeSelector, and a pod that fits nowhere until a node is added (FailedScheduling,
// then Scheduled). Pods are created through the client; the hollow kubelets run what gets bound.
import type { Event, Node, Pod } from 'kubernetes-types/core/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { R } from '../../agents/api/resources';
import type { KubeObject } from '../../agents/api/types';
import { type ApiClient, createClient } from '../../agents/client';
import { type ControlPlane, startControlPlane } from '../support/apiserver';
import { freePort } from '../support/ports';
import { type Started, startAgent, waitForHttpOk } from '../support/process';

type P = Pod & KubeObject;
const NODES = ['sched-node-0', 'sched-node-1', 'sched-node-2'];
const owner = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  name: 'web',
  uid: '8f1b5a0e-0000-4000-8000-000000000001',
  controller: true,
};

function podSpec(name: string, extra: Partial<NonNullable<Pod['spec']>> = {}, cpu?: string): P {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: name.replace(/-\d+$/, '') } },
    spec: {
      containers: [{ name: 'app', image: 'busybox', ...(cpu ? { resources: { requests: { cpu } } } : {}) }],
      ...extra,
    },
  } as P;
}

let cp: ControlPlane;
let client: ApiClient;
const procs: Started[] = [];

async function nodeOf(name: string): Promise<string | undefined> {
  const pod = await client.get<P>(R.pods, 'default', name);
  return pod.spec?.nodeName;
}

async function eventsFor(name: string): Promise<Event[]> {
  const list = await client.list<Event & KubeObject>(R.events, { namespace: 'default' });
  return list.items.filter((e) => e.involvedObject?.name === name);
}

beforeAll(async () => {
  cp = await startControlPlane({ name: 'apiserver-sched-test' });
  client = createClient({ baseUrl: cp.url });
  procs.push(
    startAgent('hollow-sched', 'hollow-node', [
      `--master=${cp.url}`,
      '--count=3',
      '--name-prefix=sched-node',
      '--node-status-update-frequency=2s',
    ]),
  );
  const port = await freePort();
  const scheduler = startAgent('scheduler-sched-test', 'scheduler', [
    `--master=${cp.url}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
  ]);
  procs.push(scheduler);
  await waitForHttpOk(`http://127.0.0.1:${port}/healthz`, 60_000, scheduler.logFile);
});

/** Ready hollow nodes (expect.poll lives inside tests, so this is the first test's first step). */
const readyNodes = async () =>
  (await client.list<Node & KubeObject>(R.nodes)).items.filter((n) =>
    n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  ).length;

afterAll(async () => {
  for (const p of procs.reverse()) await p.stop();
  await cp?.stop();
});

describe('scheduler with hollow nodes', () => {
  it('spreads 6 pods of one ReplicaSet 2/2/2, binds them, and the hollow kubelets run them', async () => {
    await expect.poll(readyNodes, { timeout: 60_000 }).toBe(3);
    const names = [1, 2, 3, 4, 5, 6].map((i) => `web-${i}`);
    for (const n of names) {
      const pod = podSpec(n);
      pod.metadata = { ...pod.metadata, ownerReferences: [owner] };
      await client.create(R.pods, pod);
    }
    await expect
      .poll(async () => (await Promise.all(names.map(nodeOf))).every(Boolean), { timeout: 60_000 })
      .toBe(true);
    const placed = await Promise.all(names.map(nodeOf));
    expect(NODES.map((n) => placed.filter((p) => p === n).length)).toEqual([2, 2, 2]);

    await expect
      .poll(
        async () =>
          (await client.list<P>(R.pods, { namespace: 'default', labelSelector: 'app=web' })).items.filter(
            (p) => p.status?.phase === 'Running' && p.status.podIP,
          ).length,
        { timeout: 60_000 },
      )
      .toBe(6);
    await expect
      .poll(async () => (await eventsFor('web-1')).some((e) => e.reason === 'Scheduled'), { timeout: 10_000 })
      .toBe(true);
    const scheduled = (await eventsFor('web-1')).find((e) => e.reason === 'Scheduled');
    expect(scheduled?.message).toBe(`Successfully assigned default/web-1 to ${placed[0]}`);
    expect(scheduled?.source?.component).toBe('default-scheduler');
  });

  it('puts nothing on a cordoned node', async () => {
    await client.patch(R.nodes, undefined, 'sched-node-2', 'merge', { spec: { unschedulable: true } });
    const names = [1, 2, 3, 4].map((i) => `cordon-${i}`);
    for (const n of names) await client.create(R.pods, podSpec(n));
    await expect
      .poll(async () => (await Promise.all(names.map(nodeOf))).every(Boolean), { timeout: 60_000 })
      .toBe(true);
    const placed = await Promise.all(names.map(nodeOf));
    expect(placed).not.toContain('sched-node-2');
  });

  it('honours nodeSelector', async () => {
    await client.patch(R.nodes, undefined, 'sched-node-1', 'merge', {
      metadata: { labels: { disk: 'ssd' } },
    });
    for (const n of ['ssd-1', 'ssd-2'])
      await client.create(R.pods, podSpec(n, { nodeSelector: { disk: 'ssd' } }));
    await expect
      .poll(() => Promise.all(['ssd-1', 'ssd-2'].map(nodeOf)), { timeout: 60_000 })
      .toEqual(['sched-node-1', 'sched-node-1']);
  });

  it('reports FailedScheduling when nothing fits, then schedules once a node is added', async () => {
    // sched-node-2 is cordoned; fill the other two with 3 of their 4 cpus.
    for (const n of ['filler-1', 'filler-2']) await client.create(R.pods, podSpec(n, {}, '3'));
    await expect
      .poll(async () => new Set(await Promise.all(['filler-1', 'filler-2'].map(nodeOf))).size, {
        timeout: 60_000,
      })
      .toBe(2);

    await client.create(R.pods, podSpec('big-1', {}, '2'));
    await expect
      .poll(async () => (await eventsFor('big-1')).find((e) => e.reason === 'FailedScheduling')?.message, {
        timeout: 60_000,
      })
      .toMatch(/^0\/3 nodes are available: 1 node\(s\) were unschedulable, 2 Insufficient cpu\./);
    const pending = await client.get<P>(R.pods, 'default', 'big-1');
    expect(pending.spec?.nodeName).toBeUndefined();
    expect(pending.status?.conditions?.find((c) => c.type === 'PodScheduled')).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
      message: expect.stringMatching(/^0\/3 nodes are available: /),
    });

    procs.push(
      startAgent('hollow-sched-extra', 'hollow-node', [
        `--master=${cp.url}`,
        '--name=sched-extra',
        '--node-status-update-frequency=2s',
      ]),
    );
    await expect.poll(() => nodeOf('big-1'), { timeout: 90_000 }).toBe('sched-extra');
    await expect
      .poll(async () => (await eventsFor('big-1')).map((e) => e.reason), { timeout: 10_000 })
      .toContain('Scheduled');
  });
});
