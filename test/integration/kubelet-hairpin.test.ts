// --hairpin-mode=hairpin-veth (the default) on a real Docker engine: once a pod's sandbox runs,
// the host side of its veth is a bridge port in hairpin mode (`bridge -d link`), so a pod
// load-balanced back to itself through its Service gets an answer. The Service is played by two
// host nat rules, as kube-proxy writes them: DNAT <bridge gateway>:<port> → <pod IP>:8080 and
// masquerade pod → itself, scoped to this pod's IP and removed afterwards.

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

  it('a pod reaches itself through a DNAT back to its own IP, and would not without hairpin', async () => {
    await createPod(
      node.cp,
      podOn(node, 'selfcall', {
        containers: [
          {
            name: 'c',
            image: BUSYBOX_IMAGE,
            imagePullPolicy: 'IfNotPresent',
            command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
          },
        ],
      }),
    );
    await expect
      .poll(async () => (await getPod(node.cp, 'default', 'selfcall')).status?.phase, { timeout: 60_000 })
      .toBe('Running');
    const pod = await getPod(node.cp, 'default', 'selfcall');
    const podIP = pod.status?.podIP ?? '';
    const app = pod.status?.containerStatuses?.[0]?.containerID?.replace('docker://', '') ?? '';
    const sandbox = (await nodeContainers(node.nodeName)).find(
      (c) =>
        c.Labels['io.kubernetes.pod.name'] === 'selfcall' &&
        c.Labels['io.kubernetes.docker.type'] === 'podsandbox',
    );
    const gateway = Object.values(
      (
        await docker()
          .getContainer(sandbox?.Id ?? '')
          .inspect()
      ).NetworkSettings.Networks,
    )[0]?.Gateway;
    expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const port = String(18000 + (process.pid % 1000));
    const rules = [
      [
        'PREROUTING',
        '-s',
        podIP,
        '-d',
        gateway,
        '-p',
        'tcp',
        '--dport',
        port,
        '-m',
        'comment',
        '--comment',
        'nodekube-hairpin-test',
        '-j',
        'DNAT',
        '--to-destination',
        `${podIP}:8080`,
      ],
      [
        'POSTROUTING',
        '-s',
        podIP,
        '-d',
        podIP,
        '-p',
        'tcp',
        '--dport',
        '8080',
        '-m',
        'comment',
        '--comment',
        'nodekube-hairpin-test',
        '-j',
        'MASQUERADE',
      ],
    ];
    const call = async () => {
      const { stdout } = await run('docker', [
        'exec',
        app,
        'sh',
        '-c',
        `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${gateway} ${port} | tail -1`,
      ]).catch(() => ({ stdout: '' }));
      return stdout.trim();
    };
    for (const [chain, ...r] of rules) await run('iptables', ['-t', 'nat', '-I', chain, ...r]);
    try {
      await expect.poll(call, { timeout: 20_000 }).toBe('hello from nodekube');
      const { veth } = await sandboxPort('selfcall');
      await run('bridge', ['link', 'set', 'dev', veth, 'hairpin', 'off']);
      expect(await call()).toBe('');
    } finally {
      for (const [chain, ...r] of rules)
        await run('iptables', ['-t', 'nat', '-D', chain, ...r]).catch(() => undefined);
    }
  });
});
