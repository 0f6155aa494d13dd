// Pod DNS on a real kubelet and Docker: the kubelet writes each pod's resolv.conf from its
// dnsPolicy and flags (agents/kubelet/dns.ts) and every container reads it at /etc/resolv.conf.
// The node file here lists only a loopback resolver, as systemd-resolved's does: Docker would
// have given the pod 8.8.8.8; the kubelet gives ClusterFirst pods the cluster DNS and Default
// pods no nameserver at all.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX_IMAGE } from '../support/docker';
import { createPod, getPod, podOn, startTestNode, type TestNode } from '../support/kubelet';

let node: TestNode;
const dir = mkdtempSync(join(tmpdir(), 'nodekube-dns-'));
const nodeResolvConf = join(dir, 'resolv.conf');
const poll = { timeout: 60_000, interval: 250 };

beforeAll(async () => {
  writeFileSync(nodeResolvConf, 'nameserver 127.0.0.53\nsearch node.example\noptions edns0\n');
  node = await startTestNode('kubelet-dns', undefined, [
    `--resolv-conf=${nodeResolvConf}`,
    '--cluster-dns=10.96.0.10',
    '--cluster-domain=cluster.local',
  ]);
});
afterAll(async () => {
  await node?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Run `cat /etc/resolv.conf` in a pod of that policy and return what it printed. */
async function resolvConfOf(name: string, spec: Record<string, unknown>): Promise<string> {
  await createPod(
    node.cp,
    podOn(node, name, {
      restartPolicy: 'Never',
      ...spec,
      containers: [
        {
          name: 'c',
          image: BUSYBOX_IMAGE,
          imagePullPolicy: 'IfNotPresent',
          command: ['cat', '/etc/resolv.conf'],
        },
      ],
    }),
  );
  await expect
    .poll(async () => (await getPod(node.cp, 'default', name)).status?.phase, poll)
    .toBe('Succeeded');
  return (await fetch(`${node.cp.url}/api/v1/namespaces/default/pods/${name}/log`)).text();
}

describe('pod /etc/resolv.conf', () => {
  it('ClusterFirst: the cluster DNS, the namespace search path, ndots:5', async () => {
    expect(await resolvConfOf('dns-cluster', {})).toBe(
      'nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local node.example\noptions ndots:5\n',
    );
  });

  it('Default with a loopback-only node file: no nameserver, and no public resolver', async () => {
    const text = await resolvConfOf('dns-default', { dnsPolicy: 'Default' });
    expect(text).toBe('search node.example\noptions edns0\n');
    expect(text).not.toContain('8.8.8.8');
  });

  it('None: exactly the dnsConfig', async () => {
    expect(
      await resolvConfOf('dns-none', {
        dnsPolicy: 'None',
        dnsConfig: {
          nameservers: ['10.0.0.2'],
          searches: ['a.example'],
          options: [{ name: 'ndots', value: '2' }],
        },
      }),
    ).toBe('nameserver 10.0.0.2\nsearch a.example\noptions ndots:2\n');
  });
});
