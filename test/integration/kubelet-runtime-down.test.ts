// The kubelet when Docker goes away (the node-failure drills' first half): pointed at a Docker
// socket the test can stop, it stays up, reports Ready=False "container runtime is down" within a
// status period or two, and by itself goes back to Ready=True when Docker answers again — for a
// Docker that is gone (socket refused) and one that hangs. Its pod workers and the Docker event
// stream recover too: a pod created afterwards runs, and its container's exit reaches the API
// through the event stream (the relist is set to 10 minutes here, so nothing else could bring it).

import type { Node, NodeCondition } from 'kubernetes-types/core/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX_IMAGE } from '../support/docker';
import { type DockerProxy, startDockerProxy } from '../support/docker-proxy';
import { api, createPod, getPod, podOn, startTestNode, type TestNode } from '../support/kubelet';

let node: TestNode;
let proxy: DockerProxy;
beforeAll(async () => {
  proxy = await startDockerProxy();
  node = await startTestNode('kubelet-rtdown', undefined, [
    `--docker-endpoint=unix://${proxy.socketPath}`,
    '--node-status-update-frequency=2s',
    '--sync-frequency=600s',
  ]);
});
afterAll(async () => {
  await proxy?.setMode('pass');
  await node?.stop();
  await proxy?.close();
});

const busybox = { image: BUSYBOX_IMAGE, imagePullPolicy: 'IfNotPresent' };
const poll = { timeout: 30_000, interval: 250 };
const ready = async (): Promise<NodeCondition | undefined> =>
  (await api<Node>(node.cp, 'GET', `/api/v1/nodes/${node.nodeName}`)).status?.conditions?.find(
    (c) => c.type === 'Ready',
  );
const phase = async (name: string) => (await getPod(node.cp, 'default', name)).status?.phase;

describe('kubelet with a runtime that stops answering', () => {
  it('is Ready and runs a pod while Docker answers', async () => {
    await expect.poll(async () => (await ready())?.status, poll).toBe('True');
    await createPod(
      node.cp,
      podOn(node, 'before', { containers: [{ name: 'c', ...busybox, command: ['sleep', '3600'] }] }),
    );
    await expect.poll(() => phase('before'), { ...poll, timeout: 60_000 }).toBe('Running');
  });

  it('Docker gone: Ready=False KubeletNotReady "container runtime is down", the kubelet stays up', async () => {
    await proxy.setMode('refuse');
    await expect.poll(async () => (await ready())?.status, poll).toBe('False');
    const c = await ready();
    expect(c?.reason).toBe('KubeletNotReady');
    expect(c?.message).toMatch(/^container runtime is down/);
    expect((await fetch(`http://127.0.0.1:${node.kubeletPort}/healthz`)).status).toBe(200);
    expect(node.kubelet.proc.exitCode).toBeNull();
  });

  it('Docker back: Ready=True by itself, and a new pod runs', async () => {
    await proxy.setMode('pass');
    await expect.poll(async () => (await ready())?.status, poll).toBe('True');
    expect((await ready())?.reason).toBe('KubeletReady');
    expect(await phase('before')).toBe('Running');
    await createPod(
      node.cp,
      podOn(node, 'after', { containers: [{ name: 'c', ...busybox, command: ['sleep', '3600'] }] }),
    );
    await expect.poll(() => phase('after'), { ...poll, timeout: 60_000 }).toBe('Running');
  });

  it('Docker hanging counts as down, and recovers the same way', async () => {
    await proxy.setMode('hang');
    await expect.poll(async () => (await ready())?.status, poll).toBe('False');
    expect((await ready())?.message).toMatch(/^container runtime is down: no answer from the runtime/);
    await proxy.setMode('pass');
    await expect.poll(async () => (await ready())?.status, poll).toBe('True');
  });

  it('after the outages, a container exit reaches the API through the re-connected event stream', async () => {
    await createPod(
      node.cp,
      podOn(node, 'oneshot', {
        restartPolicy: 'Never',
        containers: [{ name: 'c', ...busybox, command: ['sh', '-c', 'sleep 2; exit 3'] }],
      }),
    );
    await expect.poll(() => phase('oneshot'), { ...poll, timeout: 60_000 }).toBe('Failed');
    const s = (await getPod(node.cp, 'default', 'oneshot')).status?.containerStatuses?.[0];
    expect(s?.state?.terminated?.exitCode).toBe(3);
    expect(s?.ready).toBe(false);
  });
});

describe('kubelet started while Docker is down', () => {
  it('registers NotReady, then becomes Ready and runs pods once Docker answers', async () => {
    const late = await startDockerProxy();
    await late.setMode('refuse');
    const second = await startTestNode('kubelet-rtlate', node.cp, [
      `--docker-endpoint=unix://${late.socketPath}`,
      '--sync-frequency=2s',
    ]);
    try {
      const readyOf = async () =>
        (await api<Node>(node.cp, 'GET', `/api/v1/nodes/${second.nodeName}`)).status?.conditions?.find(
          (c) => c.type === 'Ready',
        );
      expect(await readyOf()).toMatchObject({ status: 'False', reason: 'KubeletNotReady' });
      await late.setMode('pass');
      await expect.poll(async () => (await readyOf())?.status, poll).toBe('True');
      await createPod(
        node.cp,
        podOn(second, 'late', { containers: [{ name: 'c', ...busybox, command: ['sleep', '3600'] }] }),
      );
      await expect
        .poll(async () => (await getPod(node.cp, 'default', 'late')).status?.phase, {
          ...poll,
          timeout: 60_000,
        })
        .toBe('Running');
      // Docker's version is learnt once it answers.
      await expect
        .poll(
          async () =>
            (await api<Node>(node.cp, 'GET', `/api/v1/nodes/${second.nodeName}`)).status?.nodeInfo
              ?.containerRuntimeVersion,
          poll,
        )
        .toMatch(/^docker:\/\/\d/);
    } finally {
      await late.setMode('pass');
      await second.stop();
      await late.close();
    }
  });
});
