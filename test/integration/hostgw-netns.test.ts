// The host-gw pod network between two "nodes" (namespaces joined by a veth, like two VMs on the
// seeds' 192.168.200.0/24), each with a pod-CIDR bridge and one "pod" behind it:
//
//   podA 10.244.1.2 ─ cbr0 10.244.1.1 [nodeA 192.168.88.1] ══ [nodeB 192.168.88.2] cbr0 10.244.2.1 ─ podB 10.244.2.2
//
// The reconciler (plan.ts + routes.ts, the same code the agent runs) programs each node from
// two Node objects; podA must reach podB, and podB must see podA's own address (no masquerade).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../agents/api/log';
import type { Node } from '../../agents/api/types';
import { ROUTE_PROTO } from '../../agents/hostgw/plan';
import { NetworkReconciler } from '../../agents/hostgw/reconciler';
import { RouteTable } from '../../agents/hostgw/routes';
import { Iptables } from '../../agents/kube-proxy/iptables';
import { type Netns, NetnsLab } from '../support/netns';

const lab = new NetnsLab();
const clusterCIDR = '10.244.0.0/16';
const log = createLogger('hostgw-test', { level: 'warn' });
let nodeA: Netns;
let nodeB: Netns;
let podA: Netns;
let routesA: RouteTable;
let nodes: Node[];
const reconcilers: NetworkReconciler[] = [];

function nodeObject(name: string, ip: string, podCIDR: string): Node {
  return {
    metadata: { name },
    spec: { podCIDR },
    status: { addresses: [{ type: 'InternalIP', address: ip }] },
  };
}

async function reconcilerFor(ns: Netns, self: string): Promise<{ routes: RouteTable; r: NetworkReconciler }> {
  const prefix = ['nsenter', `--net=${ns.path}`];
  const routes = new RouteTable(await Iptables.detect(prefix), prefix);
  const r = new NetworkReconciler({ routes, nodes: () => nodes, self, clusterCIDR, log, resyncMs: 60_000 });
  reconcilers.push(r);
  return { routes, r };
}

beforeAll(async () => {
  nodeA = await lab.add('nodeA');
  nodeB = await lab.add('nodeB');
  await lab.veth(nodeA, 'eth0', '192.168.88.1/24', nodeB, 'eth0', '192.168.88.2/24');
  await lab.bridge(nodeA, 'cbr0', '10.244.1.1/24');
  await lab.bridge(nodeB, 'cbr0', '10.244.2.1/24');
  podA = await lab.pod(nodeA, 'cbr0', 'podA', '10.244.1.2/24', '10.244.1.1');
  const podB = await lab.pod(nodeB, 'cbr0', 'podB', '10.244.2.2/24', '10.244.2.1');
  lab.startEcho(podB, 'podB', 8080);
  await lab.waitForHttp(nodeB, 'http://10.244.2.2:8080/');
  nodes = [
    nodeObject('nodeA', '192.168.88.1', '10.244.1.0/24'),
    nodeObject('nodeB', '192.168.88.2', '10.244.2.0/24'),
  ];
  // Both nodes as a running dockerd leaves them: FORWARD policy DROP; nodeA also has Docker's
  // DOCKER-USER chain. Pod traffic then only passes through the accepts hostgw adds.
  for (const ns of [nodeA, nodeB]) await ns.run('iptables', ['-P', 'FORWARD', 'DROP']);
  await nodeA.run('iptables', ['-N', 'DOCKER-USER']);
  await nodeA.run('iptables', ['-A', 'FORWARD', '-j', 'DOCKER-USER']);
});

afterAll(async () => {
  for (const r of reconcilers) await r.stop();
  await lab.teardown();
});

describe('hostgw between two node namespaces', () => {
  it('pods cannot reach each other before the routes exist', async () => {
    expect(await lab.get(podA, 'http://10.244.2.2:8080/', 2)).toBeUndefined();
  });

  it('pod A reaches pod B through the routes, and B sees A’s pod IP (no masquerade)', async () => {
    const a = await reconcilerFor(nodeA, 'nodeA');
    const b = await reconcilerFor(nodeB, 'nodeB');
    routesA = a.routes;
    await a.r.sync();
    await b.r.sync();
    expect(await a.routes.list()).toEqual([{ dst: '10.244.2.0/24', via: '192.168.88.2' }]);
    expect(await nodeA.run('sysctl', ['-n', 'net.ipv4.ip_forward'])).toBe('1\n');
    expect(await lab.get(podA, 'http://10.244.2.2:8080/')).toBe('podB 10.244.1.2');
    const filter = await nodeA.run('iptables-save', ['-t', 'filter']);
    expect(filter).toContain(':FORWARD DROP');
    expect(filter).toContain(
      '-A DOCKER-USER -m comment --comment "nodekube pod network" -j NODEKUBE-FORWARD',
    );
  });

  it('masquerades pods talking outside the cluster CIDR, not pod to pod', async () => {
    const nat = await nodeA.run('iptables-save', ['-t', 'nat']);
    expect(nat).toContain('-A NODEKUBE-POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16');
    expect(nat).toContain(
      '-A POSTROUTING -m comment --comment "nodekube pod network" -j NODEKUBE-POSTROUTING',
    );
  });

  it('is idempotent: a second sync changes nothing', async () => {
    const before = (await nodeA.run('iptables-save', [])).replace(/^#.*$/gm, '');
    await reconcilers[0].sync();
    expect((await nodeA.run('iptables-save', [])).replace(/^#.*$/gm, '')).toBe(before);
    expect(await routesA.list()).toHaveLength(1);
  });

  it('removes the route of a node that left, and only routes it added', async () => {
    await nodeA.run('ip', ['route', 'add', '10.99.0.0/24', 'via', '192.168.88.2']); // an administrator's route
    nodes = nodes.filter((n) => n.metadata?.name !== 'nodeB');
    await reconcilers[0].sync();
    const table = await nodeA.run('ip', ['route', 'show']);
    expect(table).not.toContain('10.244.2.0/24');
    expect(table).toContain('10.99.0.0/24 via 192.168.88.2');
    // Of our routes only the cluster range stays: unreachable, so nodeB's pods don't leave by the default route.
    expect(await nodeA.run('ip', ['route', 'show', 'proto', String(ROUTE_PROTO)])).toBe(
      `unreachable ${clusterCIDR} \n`,
    );
    expect(await lab.get(podA, 'http://10.244.2.2:8080/', 2)).toBeUndefined();
  });

  it('--cleanup removes its chains and jumps', async () => {
    await routesA.cleanup();
    const all = await nodeA.run('iptables-save', []);
    expect(all).not.toContain('NODEKUBE');
  });
});
