// kube-proxy's syncer against real iptables and real traffic, inside namespaces this test makes:
//
//   client (192.168.77.2) ──veth── node (192.168.77.1, cbr0 10.244.1.1/24) ──bridge── pod1 10.244.1.2
//                                   the syncer programs this namespace        ├──── pod2 10.244.1.3
//                                                                             └──── pod3 10.244.1.4
//   outsider (192.168.78.2) ──veth── node (192.168.78.1): a host that sends to the node's 127.0.0.1
// Each pod runs an HTTP server answering "<pod> <client address it saw>". The service "web" also
// has the external IP 192.168.200.250, an unused address of the cluster network that exists
// only as a destination inside these namespaces (the client's default route is the node).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../agents/api/log';
import { endpointChainName } from '../../agents/kube-proxy/chain-names';
import { cleanupRules } from '../../agents/kube-proxy/cleanup';
import { Iptables } from '../../agents/kube-proxy/iptables';
import { JUMP_RULES, jumpRuleLine, missingJumps } from '../../agents/kube-proxy/jumps';
import { buildRules, servicePortsPerTransaction } from '../../agents/kube-proxy/rules';
import { type ProxyState, Syncer, type SyncerOptions } from '../../agents/kube-proxy/syncer';
import { endpoints, service, syntheticCluster } from '../../agents/kube-proxy/testing/fixtures';
import { type Netns, NetnsLab } from '../support/netns';

const lab = new NetnsLab();
let node: Netns;
let client: Netns;
let iptables: Iptables;
let syncer: Syncer;
let syncerOptions: SyncerOptions;
let outsider: Netns;
const pods: Netns[] = [];
/** Every restore text the syncer applied, to tell partial syncs from full ones. */
const restores: string[] = [];
const externalIP = '192.168.200.250';
const state: ProxyState = { services: [], endpoints: [] };
const clusterCIDR = '10.244.0.0/16';
const podIPs = ['10.244.1.2', '10.244.1.3', '10.244.1.4'];
const web = [{ port: 80, targetPort: 8080, nodePort: 30080 }];

/** Who answered `n` requests from the client (first word of each reply; "fail" for errors). */
async function responders(url: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await lab.get(client, url))?.split(' ')[0] ?? 'fail');
  return out;
}

/** iptables as a syncer gets it, with every restore text it applies pushed to `texts`. */
function recording(real: Iptables, texts: string[]): SyncerOptions['iptables'] {
  return {
    backend: real.backend,
    save: (table) => real.save(table),
    restore: (text) => {
      texts.push(text);
      return real.restore(text);
    },
  };
}

/** The node's nat KUBE-* rules equal a full buildRules of `state`; returns the saved lines. */
async function expectNodeMatchesFullBuild(): Promise<string[]> {
  const built = buildRules({ ...state, node: { name: 'node' }, clusterCIDR }).split('\n');
  const saved = (await iptables.save('nat'))
    .split('\n')
    .map((l) => l.replace(/--comment ([^"\s]\S*)/, '--comment "$1"'));
  const kubeRules = (lines: string[]) => lines.filter((l) => l.startsWith('-A KUBE-')).sort();
  expect(kubeRules(saved)).toEqual(kubeRules(built.slice(built.indexOf('*nat'))));
  return saved;
}

beforeAll(async () => {
  node = await lab.add('node');
  client = await lab.add('client');
  await lab.bridge(node, 'cbr0', '10.244.1.1/24');
  await lab.veth(node, 'eth0', '192.168.77.1/24', client, 'eth0', '192.168.77.2/24');
  await client.run('ip', ['route', 'add', 'default', 'via', '192.168.77.1']);
  // Like a real node, the node has a default route (here: to an "uplink" namespace that drops
  // everything; this kernel has no dummy interfaces). Without one, a packet
  // to a cluster IP without rules fails routing before FORWARD, as "net unreachable"; and routed
  // back out of the interface it came in on, it earns an ICMP redirect that uses up the per-host
  // ICMP rate limit, so REJECT's port-unreachable is never sent.
  const uplink = await lab.add('uplink');
  await lab.veth(node, 'eth1', '203.0.113.1/24', uplink, 'eth0', '203.0.113.2/24');
  await node.run('ip', ['route', 'add', 'default', 'via', '203.0.113.2']);
  await lab.sysctl(node, 'net.ipv4.ip_forward', '1');
  for (const [i, ip] of podIPs.entries()) {
    const pod = await lab.pod(node, 'cbr0', `pod${i + 1}`, `${ip}/24`, '10.244.1.1');
    pods.push(pod);
    lab.startEcho(pod, `pod${i + 1}`, 8080);
    lab.startUdpEcho(pod, `pod${i + 1}`, 5353);
  }
  // A host whose packets to 127.0.0.1 go to the node (its loopback has no address, so no local
  // 127/8 route; route_localnet lets it send them out): what kubernetes#90259 is about.
  outsider = await lab.add('outsider');
  await lab.veth(node, 'eth2', '192.168.78.1/24', outsider, 'eth0', '192.168.78.2/24');
  await outsider.run('ip', ['addr', 'del', '127.0.0.1/8', 'dev', 'lo']);
  await lab.sysctl(outsider, 'net.ipv4.conf.all.route_localnet', '1');
  await outsider.run('ip', ['route', 'add', '127.0.0.0/8', 'via', '192.168.78.1']);
  lab.startEcho(node, 'node-loopback', 9999);
  iptables = await Iptables.detect(['nsenter', `--net=${node.path}`]);
  syncerOptions = {
    iptables: recording(iptables, restores),
    setSysctl: (key, value) => lab.sysctl(node, key, value),
    clusterCIDR,
    node: { name: 'node', ip: '192.168.77.1' },
    source: () => state,
    minSyncPeriodMs: 200,
    syncPeriodMs: 30_000,
    log: createLogger('kube-proxy-test', { level: 'warn' }),
    conntrack: (args) => node.exec('conntrack', args), // exit 1 = "0 flow entries deleted": fine
  };
  syncer = new Syncer(syncerOptions);
  state.services = [
    service({ name: 'web', clusterIP: '10.96.10.10', ports: web, externalIPs: [externalIP] }),
    service({
      name: 'sticky',
      clusterIP: '10.96.10.11',
      ports: web.map((p) => ({ ...p, nodePort: undefined })),
      sessionAffinity: 'ClientIP',
    }),
    service({ name: 'empty', clusterIP: '10.96.10.12', ports: [{ port: 80, targetPort: 8080 }] }),
  ];
  state.endpoints = [endpoints('default', 'web', podIPs, web), endpoints('default', 'sticky', podIPs, web)];
  await syncer.sync();
  for (const ip of podIPs) await lab.waitForHttp(node, `http://${ip}:8080/`);
  await lab.waitForHttp(node, 'http://127.0.0.1:9999/');
});

afterAll(async () => {
  await syncer?.stop();
  await lab.teardown();
});

describe('kube-proxy in a network namespace', () => {
  it('writes exactly the rules buildRules built, as iptables-save reads them back', async () => {
    const saved = await expectNodeMatchesFullBuild();
    expect(saved).toContain(
      '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    );
  });

  it('a full sync finds every hook and chain in iptables-save as it writes them, and writes none again', async () => {
    const before = restores.length;
    const fresh = new Syncer(syncerOptions); // its first sync is full, on a node that has them all
    await fresh.sync();
    await fresh.stop();
    expect(restores).toHaveLength(before); // nothing to write: no restore at all
    const saved = (await iptables.save('filter')) + (await iptables.save('nat'));
    expect(missingJumps(saved)).toEqual([]);
    for (const j of JUMP_RULES) {
      expect(
        saved.split('\n').filter((l) => l === jumpRuleLine(j)),
        jumpRuleLine(j),
      ).toHaveLength(1);
    }
  });

  it('balances a ClusterIP over all ready backends, masquerading the off-cluster client', async () => {
    const seen = await responders('http://10.96.10.10/', 30);
    expect(new Set(seen)).toEqual(new Set(['pod1', 'pod2', 'pod3']));
    expect(await lab.get(client, 'http://10.96.10.10/')).toMatch(/^pod\d 10\.244\.1\.1$/);
    // The node itself reaches the cluster IP too (nat OUTPUT → KUBE-SERVICES).
    expect(await lab.get(node, 'http://10.96.10.10/')).toMatch(/^pod\d /);
  });

  it('answers on the NodePort from another namespace', async () => {
    const seen = await responders('http://192.168.77.1:30080/', 15);
    expect(seen.filter((r) => r === 'fail')).toEqual([]);
    expect(new Set(seen).size).toBeGreaterThan(1);
  });

  it('answers on the external IP + port, from off the node and from a pod, masqueraded', async () => {
    const seen = await responders(`http://${externalIP}/`, 20);
    expect(new Set(seen)).toEqual(new Set(['pod1', 'pod2', 'pod3']));
    expect(await lab.get(client, `http://${externalIP}/`)).toMatch(/^pod\d 10\.244\.1\.1$/);
    // From a pod, a third of the draws pick the pod itself: hairpin (the bridge port's mode).
    for (let i = 0; i < 15; i++)
      expect(await lab.get(pods[1], `http://${externalIP}/`)).toMatch(/^pod\d 10\.244\.1\.1$/);
    // Another port of that address is not the service's: no rule, so it is not answered here.
    expect(await lab.get(client, `http://${externalIP}:8080/`, 2)).toBeUndefined();
  });

  it('answers a NodePort on 127.0.0.1 of the node (route_localnet set by the syncer)', async () => {
    expect(await node.run('sysctl', ['-n', 'net.ipv4.conf.all.route_localnet'])).toBe('1\n');
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++)
      seen.add((await lab.get(node, 'http://127.0.0.1:30080/'))?.split(' ')[0] ?? 'fail');
    expect(seen.has('fail')).toBe(false);
    expect(seen.size).toBeGreaterThan(1);
  });

  it('drops packets to 127.0.0.1 that come from another host (KUBE-FIREWALL)', async () => {
    const dropped = async () => {
      const saved = await node.run(`iptables-${iptables.backend}-save`, ['-c', '-t', 'filter']);
      return Number(/^\[(\d+):\d+\] -A KUBE-FIREWALL /m.exec(saved)?.[1] ?? Number.NaN);
    };
    const before = await dropped();
    // route_localnet alone would let this reach the node's loopback-only server.
    expect(await lab.get(outsider, 'http://127.0.0.1:9999/', 2)).toBeUndefined();
    expect(await dropped()).toBeGreaterThan(before);
  });

  it('keeps a client on one backend with sessionAffinity ClientIP', async () => {
    const seen = await responders('http://10.96.10.11/', 12);
    expect(seen[0]).toMatch(/^pod\d$/);
    expect(new Set(seen)).toEqual(new Set([seen[0]]));
  });

  it('rejects a service without endpoints at once (REJECT, not a timeout)', async () => {
    const r = await client.exec('busybox', [
      'timeout',
      '5',
      'busybox',
      'wget',
      '-q',
      '-O',
      '-',
      'http://10.96.10.12/',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/refused/i);
  });

  it('follows an endpoint change: a removed backend is no longer hit and its chain is deleted', async () => {
    const before = await iptables.save('nat');
    state.endpoints = [
      endpoints('default', 'web', podIPs.slice(0, 2), web),
      endpoints('default', 'sticky', podIPs, web),
    ];
    syncer.requestSync();
    await expect
      .poll(async () => new Set(await responders('http://10.96.10.10/', 20)), {
        timeout: 20_000,
        interval: 500,
      })
      .toEqual(new Set(['pod1', 'pod2']));
    const after = await iptables.save('nat');
    const seps = (t: string) => t.split('\n').filter((l) => /^:KUBE-SEP-/.test(l)).length;
    expect(seps(after)).toBe(seps(before) - 1);
    // A partial sync: only web's service chain and the removed endpoint's chain were written —
    // no fixed chain: KUBE-SERVICES, unchanged, kept its rules (10,000 of them on a big node).
    const declared =
      restores
        .at(-1)
        ?.split('\n')
        .filter((l) => l.startsWith(':')) ?? [];
    expect(declared).toHaveLength(2);
    expect(declared.every((l) => /^:KUBE-(SVC|SEP)-/.test(l))).toBe(true);
    expect(restores.at(-1)).toContain(`-X ${endpointChainName('default/web', 'tcp', '10.244.1.4:8080')}`);
    // That change was a partial sync (only changed chains written): the node must still hold
    // exactly what a full sync of the new state would have written.
    await expectNodeMatchesFullBuild();
  });

  it('flushes UDP conntrack entries of a removed endpoint, so its clients move on at once', async () => {
    const dns = [{ name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' as const }];
    state.services = [...state.services, service({ name: 'dns', clusterIP: '10.96.10.53', ports: dns })];
    state.endpoints = [...state.endpoints, endpoints('default', 'dns', podIPs, dns)];
    await syncer.sync();
    // A new service: the partial sync rewrote KUBE-SERVICES to jump to it.
    expect(restores.at(-1)).toContain(':KUBE-SERVICES - [0:0]');
    await expectNodeMatchesFullBuild();
    const first = await lab.udpAsk(client, '10.96.10.53', 53, 40000);
    expect(first).toMatch(/^pod\d$/);
    // Same source port → same conntrack entry → same pod, for as long as the entry lives (30 s+).
    expect(await lab.udpAsk(client, '10.96.10.53', 53, 40000)).toBe(first);
    const remaining = podIPs.filter((_, i) => `pod${i + 1}` !== first);
    state.endpoints = state.endpoints.map((e) =>
      e.metadata?.name === 'dns' ? endpoints('default', 'dns', remaining, dns) : e,
    );
    await syncer.sync();
    // The removed pod still runs and would still answer: only the flushed entry moves the client.
    const next = await lab.udpAsk(client, '10.96.10.53', 53, 40000);
    expect(next).toMatch(/^pod\d$/);
    expect(next).not.toBe(first);
  });

  it('a sync with nothing changed runs no restore; a removed service’s chains are deleted', async () => {
    const applied = restores.length;
    await syncer.sync();
    expect(restores.length).toBe(applied);
    state.services = state.services.filter((s) => s.metadata?.name !== 'dns');
    state.endpoints = state.endpoints.filter((e) => e.metadata?.name !== 'dns');
    await syncer.sync();
    expect(restores.at(-1)).toContain(':KUBE-SERVICES - [0:0]');
    expect(restores.at(-1)).toMatch(/^-X KUBE-SVC-/m);
    const saved = await expectNodeMatchesFullBuild();
    expect(saved.join('\n')).not.toContain('default/dns');
    // The other services still answer.
    expect(new Set(await responders('http://10.96.10.10/', 10))).toEqual(new Set(['pod1', 'pod2']));
  });

  it('--cleanup leaves no KUBE-* chains and no jumps', async () => {
    const removed = await cleanupRules(iptables);
    expect(removed).toContain('nat/KUBE-SERVICES');
    const all = (await iptables.save('nat')) + (await iptables.save('filter'));
    expect(all).not.toMatch(/KUBE-/);
  });
});

describe('kube-proxy on a larger table (250 service ports, its own namespace)', () => {
  const big = syntheticCluster(250, 2);
  const texts: string[] = [];
  let ns: Netns;
  let bigTables: Iptables;
  const newBigSyncer = () =>
    new Syncer({
      ...syncerOptions,
      iptables: recording(bigTables, texts),
      node: { name: 'big' },
      source: () => big,
      setSysctl: undefined,
      conntrack: undefined,
    });
  const kubeRules = (text: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith('-A KUBE-'))
      .sort();
  const expectFullBuild = async () => {
    const built = buildRules({ ...big, node: { name: 'big' }, clusterCIDR });
    expect(kubeRules((await bigTables.save('nat')) + (await bigTables.save('filter')))).toEqual(
      kubeRules(built),
    );
  };

  beforeAll(async () => {
    ns = await lab.add('big');
    bigTables = await Iptables.detect(['nsenter', `--net=${ns.path}`]);
  });

  it('writes a first sync in transactions under iptables-nft (one under legacy), and the node ends as built', async () => {
    await newBigSyncer().sync();
    const perTransaction = servicePortsPerTransaction(bigTables.backend);
    const natTransactions = texts[0].split('\n').filter((l) => l === '*nat').length;
    expect(natTransactions).toBe(Number.isFinite(perTransaction) ? Math.ceil(250 / perTransaction) + 1 : 1);
    await expectFullBuild();
  });

  it('a later full sync writes nothing when the node holds every chain, and only what someone changed', async () => {
    await newBigSyncer().sync();
    expect(texts).toHaveLength(1);
    const sep = endpointChainName('default/svc-7', 'tcp', '10.244.0.15:8080');
    await ns.run(`iptables-${bigTables.backend}`, ['-t', 'nat', '-F', sep]); // by hand
    await newBigSyncer().sync();
    expect(texts[1].split('\n').filter((l) => l.startsWith(':'))).toEqual([`:${sep} - [0:0]`]);
    await expectFullBuild();
  });
});
