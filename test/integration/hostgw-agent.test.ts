// `nodekube-agent hostgw` end to end: two node namespaces, each running the agent against a real
// apiserver (through a loopback forward), Node objects created through the API, and pod-to-pod
// traffic that arrives with the sender's pod IP. Deleting a Node removes the route to its pods.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { R } from '../../agents/api/resources';
import type { KubeObject, Node } from '../../agents/api/types';
import { type ApiClient, createClient } from '../../agents/client';
import { ROUTE_PROTO } from '../../agents/hostgw/plan';
import { type ControlPlane, startControlPlane } from '../support/apiserver';
import { type Netns, NetnsLab } from '../support/netns';
import { REPO_ROOT } from '../support/process';

const lab = new NetnsLab();
let cp: ControlPlane | undefined;
let client: ApiClient;
let nodeA: Netns;
let podA: Netns;
const agentArgs = ['--import', 'tsx', join(REPO_ROOT, 'agents', 'main.ts'), 'hostgw'];

/** Register a Node the way a kubelet does: create, then set its addresses through status. */
async function registerNode(name: string, ip: string, podCIDR: string): Promise<void> {
  const created = await client.create<Node & KubeObject>(R.nodes, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: { podCIDR },
  } as Node & KubeObject);
  const withStatus = { ...created, status: { addresses: [{ type: 'InternalIP', address: ip }] } };
  await client.update<Node & KubeObject>(R.nodes, withStatus as Node & KubeObject, { subresource: 'status' });
}

beforeAll(async () => {
  cp = await startControlPlane({ name: 'apiserver-hostgw' });
  client = createClient({ baseUrl: cp.url, userAgent: 'hostgw-test' });
  nodeA = await lab.add('nodeA');
  const nodeB = await lab.add('nodeB');
  await lab.veth(nodeA, 'eth0', '192.168.88.1/24', nodeB, 'eth0', '192.168.88.2/24');
  await lab.bridge(nodeA, 'cbr0', '10.244.1.1/24');
  await lab.bridge(nodeB, 'cbr0', '10.244.2.1/24');
  podA = await lab.pod(nodeA, 'cbr0', 'podA', '10.244.1.2/24', '10.244.1.1');
  const podB = await lab.pod(nodeB, 'cbr0', 'podB', '10.244.2.2/24', '10.244.2.1');
  lab.startEcho(podB, 'podB', 8080);
  await registerNode('node-a', '192.168.88.1', '10.244.1.0/24');
  await registerNode('node-b', '192.168.88.2', '10.244.2.0/24');
  for (const [ns, name, ip] of [
    [nodeA, 'node-a', '192.168.88.1'],
    [nodeB, 'node-b', '192.168.88.2'],
  ] as const) {
    lab.forwardLoopback(ns, 8080, cp.port);
    lab.start(ns, `hostgw-${name}`, process.execPath, [
      ...agentArgs,
      '--master=http://127.0.0.1:8080',
      `--hostname-override=${name}`,
      `--node-ip=${ip}`,
      '--resync-period=5s',
    ]);
  }
});

afterAll(async () => {
  await lab.teardown();
  await cp?.stop();
});

describe('nodekube-agent hostgw against the apiserver', () => {
  it('routes pod A to pod B; B sees A’s pod IP', async () => {
    await expect
      .poll(() => lab.get(podA, 'http://10.244.2.2:8080/', 2), { timeout: 60_000, interval: 500 })
      .toBe('podB 10.244.1.2');
    const routes = await nodeA.run('ip', ['route', 'show', 'proto', String(ROUTE_PROTO)]);
    expect(routes).toMatch(/^10\.244\.2\.0\/24 via 192\.168\.88\.2/m);
    // and the rest of the cluster range goes nowhere, never out by the default route
    expect(routes).toMatch(/^unreachable 10\.244\.0\.0\/16/m);
  });

  it('removes the route when the Node is deleted (the cluster range stays unreachable)', async () => {
    await client.delete(R.nodes, undefined, 'node-b');
    await expect
      .poll(() => nodeA.run('ip', ['route', 'show', 'proto', String(ROUTE_PROTO)]), {
        timeout: 30_000,
        interval: 500,
      })
      .not.toMatch(/10\.244\.2\.0\/24/);
    expect(await nodeA.run('ip', ['route', 'show', 'proto', String(ROUTE_PROTO)])).toMatch(
      /^unreachable 10\.244\.0\.0\/16/m,
    );
  });

  it('--cleanup removes its chains and jumps', async () => {
    const r = await nodeA.exec(process.execPath, [...agentArgs, '--cleanup']);
    expect(r.code).toBe(0);
    expect(await nodeA.run('iptables-save', [])).not.toContain('NODEKUBE');
  });
});
