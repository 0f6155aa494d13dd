// --hairpin-mode=hairpin-veth (the default) on a real Docker engine: once a pod's sandbox runs,
// the host side of its veth is a bridge port in hairpin mode, so a pod load-balanced back to
// itself through its Service gets an answer. Checked where the kernel keeps it: `bridge -d link`.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interfaceByIndex } from '../../agents/kubelet/hairpin';
import { BUSYBOX_IMAGE, docker, nodeContainers } from '../support/docker';
import { createPod, getPod, podOn, startTestNode, type TestNode } from '../support/kubelet';

const run = promisify(execFile);
let node: TestNode;
beforeAll(async () => {
  node = await startTestNode('kubelet-hairpin');
});
afterAll(async () => {
  await node?.stop();
});

/** The host-side veth of the pod's sandbox and its `bridge -d link` line. */
async function sandboxPort(podName: string): Promise<{ veth: string; detail: string }> {
  const sandbox = (await nodeContainers(node.nodeName)).find(
    (c) =>
      c.Labels['io.kubernetes.pod.name'] === podName &&
      c.Labels['io.kubernetes.docker.type'] === 'podsandbox',
  );
  const info = await docker()
    .getContainer(sandbox?.Id ?? '')
    .inspect();
  const iflink = Number(readFileSync(`/proc/${info.State.Pid}/root/sys/class/net/eth0/iflink`, 'utf8'));
  const veth = interfaceByIndex((await run('ip', ['-o', 'link', 'show'])).stdout, iflink) ?? '';
  const detail = (await run('bridge', ['-d', 'link', 'show', 'dev', veth])).stdout;
  return { veth, detail };
}

describe('kubelet hairpin', () => {
  it('turns hairpin on for the bridge port of a new pod', async () => {
    await createPod(
      node.cp,
      podOn(node, 'hairpin', {
        containers: [
          { name: 'c', image: BUSYBOX_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] },
        ],
      }),
    );
    await expect
      .poll(async () => (await getPod(node.cp, 'default', 'hairpin')).status?.phase, { timeout: 60_000 })
      .toBe('Running');
    const { veth, detail } = await sandboxPort('hairpin');
    expect(veth).toMatch(/^veth/);
    expect(detail).toContain('hairpin on');
  });
});
