// The kube-proxy agent end to end: a real etcd + apiserver, `nodekube-agent proxy` running inside
// a "node" namespace (reaching the apiserver through a loopback forward), and a Service plus
// Endpoints created through the API becoming iptables rules that carry real traffic.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { R } from '../../agents/api/resources';
import type { Endpoints, KubeObject, Service } from '../../agents/api/types';
import { type ApiClient, createClient } from '../../agents/client';
import { serviceChainName } from '../../agents/kube-proxy/chain-names';
import { endpoints, service } from '../../agents/kube-proxy/testing/fixtures';
import { type ControlPlane, startControlPlane } from '../support/apiserver';
import { type Netns, NetnsLab } from '../support/netns';
import { REPO_ROOT } from '../support/process';

const lab = new NetnsLab();
let cp: ControlPlane | undefined;
let client: ApiClient;
let node: Netns;
let clientNs: Netns;
const podIPs = ['10.244.1.2', '10.244.1.3'];
const web = [{ port: 80, targetPort: 8080, nodePort: 30123 }];
const agentArgs = ['--import', 'tsx', join(REPO_ROOT, 'agents', 'main.ts'), 'proxy'];

async function responders(url: string, n: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) seen.add((await lab.get(clientNs, url, 2))?.split(' ')[0] ?? 'fail');
  return seen;
}

const natRules = () => node.run('iptables-save', ['-t', 'nat']);

beforeAll(async () => {
  cp = await startControlPlane({ name: 'apiserver-kube-proxy' });
  client = createClient({ baseUrl: cp.url, userAgent: 'kube-proxy-test' });
  node = await lab.add('node');
  clientNs = await lab.add('client');
  const uplink = await lab.add('uplink');
  await lab.bridge(node, 'cbr0', '10.244.1.1/24');
  await lab.veth(node, 'eth0', '192.168.77.1/24', clientNs, 'eth0', '192.168.77.2/24');
  await lab.veth(node, 'eth1', '203.0.113.1/24', uplink, 'eth0', '203.0.113.2/24');
  await clientNs.run('ip', ['route', 'add', 'default', 'via', '192.168.77.1']);
  await node.run('ip', ['route', 'add', 'default', 'via', '203.0.113.2']);
  await lab.sysctl(node, 'net.ipv4.ip_forward', '1');
  for (const [i, ip] of podIPs.entries())
    lab.startEcho(await lab.pod(node, 'cbr0', `pod${i + 1}`, `${ip}/24`, '10.244.1.1'), `pod${i + 1}`, 8080);
  for (const ip of podIPs) await lab.waitForHttp(node, `http://${ip}:8080/`);
  lab.forwardLoopback(node, 8080, cp.port);
  lab.start(node, 'kube-proxy', process.execPath, [
    ...agentArgs,
    '--master=http://127.0.0.1:8080',
    '--hostname-override=node',
    '--cluster-cidr=10.244.0.0/16',
    '--node-ip=192.168.77.1',
    '--min-sync-period=200ms',
  ]);
});

afterAll(async () => {
  await lab.teardown();
  await cp?.stop();
});

describe('nodekube-agent proxy against the apiserver', () => {
  it('serves /healthz once its rules are synced, and /metrics', async () => {
    await expect
      .poll(() => lab.get(node, 'http://127.0.0.1:10256/healthz', 2), { timeout: 60_000, interval: 500 })
      .toBe('ok');
    expect(await lab.get(node, 'http://127.0.0.1:10249/metrics')).toMatch(
      /kubeproxy_sync_proxy_rules_last_timestamp_seconds \d/,
    );
  });

  it('programs a Service + Endpoints created through the API; traffic reaches both pods', async () => {
    await client.create<Service & KubeObject>(
      R.services,
      service({ name: 'web', clusterIP: '10.96.100.10', ports: web }) as Service & KubeObject,
    );
    await client.create<Endpoints & KubeObject>(
      R.endpoints,
      endpoints('default', 'web', podIPs, web) as Endpoints & KubeObject,
    );
    await expect
      .poll(() => responders('http://10.96.100.10/', 16), { timeout: 30_000, interval: 500 })
      .toEqual(new Set(['pod1', 'pod2']));
    expect(await lab.get(clientNs, 'http://192.168.77.1:30123/')).toMatch(/^pod\d/);
    // The agent set route_localnet in its namespace, so the NodePort answers on 127.0.0.1 too.
    expect(await lab.get(node, 'http://127.0.0.1:30123/')).toMatch(/^pod\d/);
  });

  it('follows an Endpoints update: the removed pod is no longer hit', async () => {
    const current = await client.get<Endpoints & KubeObject>(R.endpoints, 'default', 'web');
    const one = endpoints('default', 'web', podIPs.slice(1), web);
    await client.update<Endpoints & KubeObject>(R.endpoints, {
      ...current,
      subsets: one.subsets,
    } as Endpoints & KubeObject);
    await expect
      .poll(() => responders('http://10.96.100.10/', 10), { timeout: 30_000, interval: 500 })
      .toEqual(new Set(['pod2']));
  });

  it('removes the rules of a deleted Service', async () => {
    expect(await natRules()).toContain('default/web cluster IP');
    await client.delete(R.services, 'default', 'web');
    await expect.poll(natRules, { timeout: 30_000, interval: 500 }).not.toContain('default/web');
    // The chains are deleted too (-X), not just emptied; the bootstrap `kubernetes` service stays.
    const chains = (await natRules()).split('\n').filter((l) => /^:KUBE-(SVC|SEP)-/.test(l));
    expect(chains).not.toContainEqual(expect.stringContaining(serviceChainName('default/web', 'tcp')));
    expect(chains.length).toBe(2);
  });

  it('--cleanup removes every KUBE-* chain it owns', async () => {
    const r = await node.exec(process.execPath, [...agentArgs, '--cleanup']);
    expect(r.code).toBe(0);
    const all = (await natRules()) + (await node.run('iptables-save', ['-t', 'filter']));
    expect(all).not.toMatch(/KUBE-/);
  });
});
