// Pod workers over the fake runtime, in the controller-test style: seed pods and containers,
// run the workers, compare the recorded runtime calls and status writes.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod, PodStatus } from 'kubernetes-types/core/v1';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../api/log';
import { type FakeClient, fakeClient } from '../controller-manager/testing/fakes';
import { noEvents } from './events';
import { ImageManager } from './images';
import { PodWorkers } from './pod-workers';
import { ProbeManager } from './probes';
import { RestartBackoff } from './restart-backoff';
import { FakeRuntime } from './runtime/fake';

const log = createLogger('kubelet-test', { level: 'error', write: () => undefined });

function pod(name: string, uid: string, extra: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid, creationTimestamp: '2026-11-22T06:00:00Z' },
    spec: {
      nodeName: 'n1',
      terminationGracePeriodSeconds: 30,
      containers: [{ name: 'app', image: 'busybox:1.36', imagePullPolicy: 'IfNotPresent' }],
      ...extra,
    },
  };
}

let rt: FakeRuntime;
let client: FakeClient;
let workers: PodWorkers;
let rootDir: string;
let stopEvents: () => void;

beforeEach(() => {
  rt = new FakeRuntime();
  rt.images.add('busybox:1.36');
  client = fakeClient();
  rootDir = mkdtempSync(join(tmpdir(), 'kubelet-workers-'));
  writeFileSync(join(rootDir, 'resolv.conf'), 'nameserver 192.168.200.1\n');
  const images = new ImageManager(rt, noEvents);
  let w: PodWorkers | undefined;
  const probes = new ProbeManager(rt, noEvents, (uid) => w?.enqueue(uid));
  w = new PodWorkers({
    client,
    images,
    ctx: {
      runtime: rt,
      events: noEvents,
      images,
      probes,
      backoff: new RestartBackoff(),
      rootDir,
      pauseImage: 'nodekube/pause:1.0',
      hostIP: '192.168.200.101',
      dns: { resolvConf: join(rootDir, 'resolv.conf'), clusterDNS: [], clusterDomain: 'cluster.local' },
      fetchObjects: async () => ({ configMaps: new Map(), secrets: new Map() }),
      services: () => [],
      log,
    },
  });
  workers = w;
  // Our PLEG: container events wake the pod's worker at once (kubelet.ts wires the same).
  stopEvents = rt.watchEvents((uid) => workers.enqueue(uid));
});

afterEach(() => {
  stopEvents();
  workers.stop();
  rt.dispose();
  rmSync(rootDir, { recursive: true, force: true });
});

/** The last status the workers wrote for pod `name`. */
const lastStatus = (name: string): PodStatus | undefined =>
  client.actions.filter((a) => a.verb === 'patch' && a.name === name && a.subresource === 'status').at(-1)
    ?.body.status;
const appState = (name: string) => {
  const s = lastStatus(name)?.containerStatuses?.[0];
  return (
    s && { state: Object.keys(s.state ?? {})[0], ready: s.ready, exitCode: s.state?.terminated?.exitCode }
  );
};

describe('PodWorkers over the fake runtime', () => {
  it('starts a pod: sandbox, create, start, then writes Running', async () => {
    workers.upsert(pod('web', 'u1'));
    await expect.poll(() => lastStatus('web')?.phase).toBe('Running');
    expect(rt.calls).toEqual([
      'runSandbox k8s_POD_web_default_u1_0',
      'create k8s_app_web_default_u1_0',
      'start k8s_app_web_default_u1_0',
    ]);
    expect(appState('web')).toEqual({ state: 'running', ready: true, exitCode: undefined });
  });

  it('reports a container that exits at once from its die event, without a relist', async () => {
    rt.script('app', { exitAfterMs: 30, exitCode: 3 });
    workers.upsert(pod('oneshot', 'u2', { restartPolicy: 'Never' }));
    // No housekeeping runs in this test: only the event can bring the exit to the API.
    await expect.poll(() => appState('oneshot')).toEqual({ state: 'terminated', ready: false, exitCode: 3 });
    expect(lastStatus('oneshot')?.phase).toBe('Failed');
  });

  it('kills, with the grace period they were made with, containers of pods nobody binds here', async () => {
    workers.upsert(pod('kept', 'u-kept'));
    await expect.poll(() => lastStatus('kept')?.phase).toBe('Running');
    // The pod was deleted or evicted while the node was partitioned: its containers are orphans.
    rt.seed({ podUid: 'u-gone', podName: 'gone', containerName: 'POD' });
    rt.seed({ podUid: 'u-gone', podName: 'gone', containerName: 'app', gracePeriod: 7 });
    rt.calls.length = 0;
    await workers.housekeeping();
    await expect.poll(() => [...rt.containers.values()].filter((c) => c.podUid === 'u-gone').length).toBe(0);
    expect(rt.calls).toEqual([
      'stop k8s_app_gone_default_u-gone_0 7',
      'stop k8s_POD_gone_default_u-gone_0 10',
      'remove k8s_POD_gone_default_u-gone_0',
      'remove k8s_app_gone_default_u-gone_0',
    ]);
    expect(
      [...rt.containers.values()].filter((c) => c.podUid === 'u-kept' && c.state === 'running'),
    ).toHaveLength(2);
    // An orphan has no API object: nothing is deleted there.
    expect(client.actions.filter((a) => a.verb === 'delete')).toEqual([]);
  });

  it('finishes a graceful deletion: kill with the deletion grace, then delete with grace 0 and a uid precondition', async () => {
    const p = pod('bye', 'u3');
    workers.upsert(p);
    await expect.poll(() => lastStatus('bye')?.phase).toBe('Running');
    rt.calls.length = 0;
    workers.upsert({
      ...p,
      metadata: { ...p.metadata, deletionTimestamp: '2026-11-22T06:01:00Z', deletionGracePeriodSeconds: 5 },
    });
    await expect.poll(() => client.actions.filter((a) => a.verb === 'delete')).toHaveLength(1);
    expect(rt.calls.slice(0, 2)).toEqual([
      'stop k8s_app_bye_default_u3_0 5',
      'stop k8s_POD_bye_default_u3_0 10',
    ]);
    expect(client.actions.find((a) => a.verb === 'delete')?.body).toEqual({
      gracePeriodSeconds: 0,
      preconditions: { uid: 'u3' },
    });
  });

  it('survives a runtime that refuses every call, and starts the pod once it answers again', async () => {
    rt.down = 'refuse';
    workers.upsert(pod('later', 'u4'));
    await new Promise((r) => setTimeout(r, 200));
    expect(rt.calls).toEqual([]);
    expect(lastStatus('later')).toBeUndefined();
    rt.recover();
    // The failed sync is retried after its back-off (1 s for the first failure).
    await expect.poll(() => lastStatus('later')?.phase, { timeout: 5000 }).toBe('Running');
  });

  it('survives a runtime that hangs: the worker waits, then carries on', async () => {
    rt.down = 'hang';
    workers.upsert(pod('slow', 'u5'));
    await new Promise((r) => setTimeout(r, 100));
    expect(lastStatus('slow')).toBeUndefined();
    rt.recover();
    await expect.poll(() => lastStatus('slow')?.phase).toBe('Running');
  });

  it('shows a missing image that cannot be pulled as ErrImagePull, and a failing start as RunContainerError', async () => {
    rt.unpullable.add('nope:1');
    workers.upsert(
      pod('noimg', 'u6', { containers: [{ name: 'app', image: 'nope:1', imagePullPolicy: 'IfNotPresent' }] }),
    );
    await expect
      .poll(() => lastStatus('noimg')?.containerStatuses?.[0]?.state?.waiting?.reason)
      .toMatch(/ErrImagePull|ImagePullBackOff/);
    rt.script('app', { startFails: 'exec: "nosuch": executable file not found' });
    workers.upsert(pod('nostart', 'u7'));
    const reasons = () =>
      client.actions
        .filter((a) => a.verb === 'patch' && a.name === 'nostart')
        .map((a) => a.body.status.containerStatuses?.[0]?.state?.waiting?.reason);
    // The failed start shows, then the retry waits out the crash-loop back-off (upstream's order).
    await expect.poll(reasons).toContain('RunContainerError');
    expect(rt.calls.filter((c) => c.startsWith('start k8s_app_nostart'))).toHaveLength(1);
  });
});
