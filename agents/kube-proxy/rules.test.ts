import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { endpointChainName, serviceChainName } from './chain-names';
import {
  type AppliedChains,
  buildRules,
  buildRuleTables,
  FIXED_CHAINS,
  probability,
  renderRestore,
  ruleContents,
  servicePortsPerTransaction,
} from './rules';
import { buildServicePorts } from './service-map';
import { endpoints, seedCluster, service, syntheticCluster } from './testing/fixtures';
import { RestoreModel } from './testing/restore-model';
import { tracePacket } from './testing/trace';

const TESTDATA = join(import.meta.dirname, 'testdata');
const node = { name: 'minion1', ip: '192.168.200.101' };
const clusterCIDR = '10.244.0.0/16';

/** Compare with testdata/<name>.golden; UPDATE_GOLDEN=1 rewrites the file instead. */
function expectGolden(name: string, text: string): void {
  const file = join(TESTDATA, `${name}.golden`);
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, text);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

describe('chain names', () => {
  it.each([
    ['default/kubernetes:https', 'tcp', 'KUBE-SVC-NPX46M4PTMTKRN6Y'],
    ['kube-system/kube-dns:dns', 'udp', 'KUBE-SVC-TCOU7JCQXEZGVUNU'],
    ['default/httpd-app', 'tcp', 'KUBE-SVC-47MZKVTVFE2WTG5V'],
    // Seed 000 (kube-proxy v1.14) spelled an unnamed port with a trailing colon: "ns/name:".
    ['default/nginx-service-demo:', 'tcp', 'KUBE-SVC-R5Y5DZHD7Q6DDTFZ'],
  ] as const)('%s %s → %s (as in the seeds)', (name, proto, chain) => {
    expect(serviceChainName(name, proto)).toBe(chain);
  });

  it.each([
    ['default/httpd-app', '10.244.1.2:80', 'KUBE-SEP-JEHA6AXBK4XAVWB5'],
    ['default/kubernetes:https', '30.0.1.180:6443', 'KUBE-SEP-C3AY35NSVPYD6C6M'],
    ['kube-system/kube-dns:dns-tcp', '10.244.0.2:53', 'KUBE-SEP-IT2ZTR26TO4XFPTO'],
    ['default/nginx-service-demo:', '10.244.1.2:80', 'KUBE-SEP-DSWLUQNR4UPH24AX'],
  ])('%s endpoint %s → %s', (name, ep, chain) => {
    expect(endpointChainName(name, 'tcp', ep)).toBe(chain);
  });
});

describe('probability', () => {
  it.each([
    [2, '0.50000000000'],
    [3, '0.33333333349'],
    [4, '0.25000000000'],
    [5, '0.20000000019'],
  ])('1/%i is written as iptables-save prints it: %s', (n, text) => {
    expect(probability(n)).toBe(text);
  });
});

describe('buildRules on the seed 004 cluster', () => {
  const rules = buildRules({ ...seedCluster(), node, clusterCIDR });

  it('writes every KUBE-* rule of the seed transcript, verbatim', () => {
    const seed = readFileSync(join(TESTDATA, 'seed-004-nat.rules'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('-A'));
    const ours = new Set(rules.split('\n'));
    expect(seed.length).toBe(51);
    expect(seed.filter((l) => !ours.has(l))).toEqual([]);
  });

  it('matches the golden file', () => expectGolden('seed-cluster', rules));

  it('balances a cluster IP over both pods, masquerading only off-cluster sources', () => {
    const fromPod = tracePacket(rules, {
      protocol: 'tcp',
      src: '10.244.1.9',
      dst: '10.106.113.156',
      dport: 80,
    });
    expect(fromPod).toEqual({
      endpoints: ['10.244.1.2:80', '10.244.2.2:80'],
      masquerade: false,
      rejected: false,
      dropped: false,
    });
    const fromHost = tracePacket(rules, {
      protocol: 'tcp',
      src: '192.168.200.101',
      dst: '10.106.113.156',
      dport: 80,
    });
    expect(fromHost.masquerade).toBe(true);
  });

  it('sends a NodePort on a local address to the service, and only on local addresses', () => {
    const pkt = { protocol: 'tcp' as const, src: '192.168.200.1', dst: node.ip, dport: 31248 };
    expect(tracePacket(rules, { ...pkt, localIPs: [node.ip] })).toEqual({
      endpoints: ['10.244.1.2:80', '10.244.2.2:80'],
      masquerade: true,
      rejected: false,
      dropped: false,
    });
    expect(tracePacket(rules, pkt).endpoints).toEqual([]);
  });

  it('tells UDP from TCP on the same port', () => {
    const udp = tracePacket(rules, { protocol: 'udp', src: '10.244.1.2', dst: '10.96.0.10', dport: 53 });
    expect(udp.endpoints).toEqual(['10.244.0.2:53', '10.244.0.3:53']);
    expect(rules).toContain(
      '-p udp -m comment --comment "kube-system/kube-dns:dns" -m udp -j DNAT --to-destination 10.244.0.2:53',
    );
  });

  it('marks hairpin traffic (a pod reaching itself through the service)', () => {
    expect(
      tracePacket(rules, { protocol: 'tcp', src: '10.244.1.2', dst: '10.106.113.156', dport: 80 }).masquerade,
    ).toBe(true);
  });

  it('keeps the NodePort jump last in KUBE-SERVICES', () => {
    const svcRules = rules
      .split('*nat')[1]
      .split('\n')
      .filter((l) => l.startsWith('-A KUBE-SERVICES '));
    expect(svcRules.at(-1)).toContain('-m addrtype --dst-type LOCAL -j KUBE-NODEPORTS');
  });
});

describe('buildRules, other shapes', () => {
  it('ClientIP affinity: a recent check per endpoint before the random pick, and --set in the SEP', () => {
    const ports = [
      { name: 'http', port: 80, targetPort: 8080 },
      { name: 'admin', port: 9000 },
    ];
    const rules = buildRules({
      services: [service({ name: 'sticky', clusterIP: '10.96.5.5', ports, sessionAffinity: 'ClientIP' })],
      endpoints: [
        endpoints('default', 'sticky', ['10.244.1.7', '10.244.2.8', '10.244.1.10'], ports, ['10.244.3.3']),
      ],
      node,
      clusterCIDR,
    });
    expectGolden('affinity-multiport', rules);
    expect(rules).not.toContain('10.244.3.3'); // not ready
    expect(rules.match(/--rcheck --seconds 10800 --reap/g)).toHaveLength(6);
    const trace = tracePacket(rules, { protocol: 'tcp', src: '10.244.9.9', dst: '10.96.5.5', dport: 9000 });
    expect(trace.endpoints).toEqual(['10.244.1.7:9000', '10.244.1.10:9000', '10.244.2.8:9000']);
  });

  it('rejects a service without endpoints, at its cluster IP and at its NodePort', () => {
    const rules = buildRules({
      services: [service({ name: 'empty', clusterIP: '10.96.7.7', ports: [{ port: 80, nodePort: 30080 }] })],
      endpoints: [endpoints('default', 'empty', [], [{ port: 80 }], ['10.244.1.5'])],
      node,
      clusterCIDR,
    });
    expectGolden('no-endpoints', rules);
    expect(
      tracePacket(rules, { protocol: 'tcp', src: '10.244.1.1', dst: '10.96.7.7', dport: 80 }).rejected,
    ).toBe(true);
    const nodePort = {
      protocol: 'tcp' as const,
      src: '192.168.1.1',
      dst: node.ip,
      dport: 30080,
      localIPs: [node.ip],
    };
    expect(tracePacket(rules, nodePort).rejected).toBe(true);
    expect(rules).not.toMatch(/KUBE-SVC-/);
  });

  it('skips headless and ExternalName services', () => {
    const headless = service({ name: 'db', clusterIP: 'None', ports: [{ port: 5432 }] });
    const external = {
      ...service({ name: 'ext', clusterIP: '', ports: [{ port: 80 }] }),
      spec: { type: 'ExternalName' as const, externalName: 'example.org' },
    };
    const rules = buildRules({ services: [headless, external], endpoints: [], node, clusterCIDR });
    expect(rules).not.toMatch(/db|ext/);
  });

  it('deletes per-service chains that are no longer wanted, and only those', () => {
    const rules = buildRules({
      ...seedCluster(),
      node,
      clusterCIDR,
      existingChains: {
        nat: [
          'KUBE-SVC-AAAAAAAAAAAAAAAA',
          'KUBE-SVC-47MZKVTVFE2WTG5V',
          'KUBE-SEP-BBBBBBBBBBBBBBBB',
          'DOCKER',
          'KUBE-KUBELET-CANARY',
        ],
      },
    });
    const deletes = rules.split('\n').filter((l) => l.startsWith('-X'));
    expect(deletes).toEqual(['-X KUBE-SEP-BBBBBBBBBBBBBBBB', '-X KUBE-SVC-AAAAAAAAAAAAAAAA']);
    expect(rules).toContain(':KUBE-SVC-AAAAAAAAAAAAAAAA - [0:0]');
  });
});

describe('externalIPs (seed 001: publicIPs; spec.externalIPs today)', () => {
  const ports = [
    { name: 'http', port: 80 },
    { name: 'https', port: 443 },
  ];
  const externalIP = '192.168.200.250';
  const nginx = service({ name: 'nginx', clusterIP: '10.96.8.8', ports, externalIPs: [externalIP] });
  const rules = buildRules({
    services: [nginx],
    endpoints: [endpoints('default', 'nginx', ['10.244.1.5', '10.244.2.5'], ports)],
    node,
    clusterCIDR,
  });

  it('matches the golden file', () => expectGolden('external-ips', rules));

  it('sends external IP + port to the service’s endpoints, masqueraded whatever the source', () => {
    for (const src of ['192.168.200.1', '10.244.1.9']) {
      expect(tracePacket(rules, { protocol: 'tcp', src, dst: externalIP, dport: 443 })).toEqual({
        endpoints: ['10.244.1.5:443', '10.244.2.5:443'],
        masquerade: true,
        rejected: false,
        dropped: false,
      });
    }
    // Only the service's ports: another port of that address is none of kube-proxy's business.
    expect(
      tracePacket(rules, { protocol: 'tcp', src: '192.168.200.1', dst: externalIP, dport: 8443 }).endpoints,
    ).toEqual([]);
  });

  it('rejects at the external IP when the service has no endpoints', () => {
    const empty = buildRules({ services: [nginx], endpoints: [], node, clusterCIDR });
    const trace = tracePacket(empty, { protocol: 'tcp', src: '192.168.200.1', dst: externalIP, dport: 80 });
    expect(trace).toMatchObject({ endpoints: [], rejected: true });
    expect(empty).toContain(
      `-A KUBE-EXTERNAL-SERVICES -d ${externalIP}/32 -p tcp -m comment --comment "default/nginx:http has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable`,
    );
  });
});

describe('NodePorts on 127.0.0.1 (route_localnet) and the martian-packet guard', () => {
  const rules = buildRules({ ...seedCluster(), node, clusterCIDR });
  const localIPs = [node.ip, '127.0.0.1'];

  it('answers a NodePort on 127.0.0.1 from the node itself, masqueraded (127.0.0.1 cannot leave the node)', () => {
    expect(
      tracePacket(rules, { protocol: 'tcp', src: '127.0.0.1', dst: '127.0.0.1', dport: 31248, localIPs }),
    ).toEqual({
      endpoints: ['10.244.1.2:80', '10.244.2.2:80'],
      masquerade: true,
      rejected: false,
      dropped: false,
    });
  });

  it('drops packets from elsewhere to 127.0.0.0/8 that were not DNATed (kubernetes#90259)', () => {
    const martian = {
      protocol: 'tcp' as const,
      src: '192.168.77.2',
      dst: '127.0.0.1',
      dport: 10248,
      localIPs,
    };
    expect(tracePacket(rules, martian)).toMatchObject({ endpoints: [], dropped: true });
    // The node's own loopback traffic is left alone.
    expect(tracePacket(rules, { ...martian, src: '127.0.0.1' }).dropped).toBe(false);
  });
});

describe('partial restores (renderRestore with the previous sync)', () => {
  const input = { node, clusterCIDR };
  const seed = seedCluster();
  const { services, endpoints: eps } = seed;
  type State = ReturnType<typeof seedCluster>;

  /**
   * Sync the states in turn as the syncer does — the first in full, the rest partial — applying
   * each text to a model of the node, which must end up as a full build of that state would
   * leave it. Returns the partial syncs' texts.
   */
  function syncInTurn(...states: State[]): string[] {
    const model = new RestoreModel();
    const texts: string[] = [];
    let previous: AppliedChains | undefined;
    for (const state of states) {
      const tables = buildRuleTables(buildServicePorts(state.services, state.endpoints), input);
      const text = renderRestore(tables, previous);
      if (text) model.apply(text);
      expect(model.save()).toBe(buildRules({ ...state, ...input }));
      texts.push(text);
      previous = ruleContents(tables);
    }
    return texts.slice(1);
  }
  const declared = (text: string) => text.split('\n').filter((l) => l.startsWith(':'));
  const withEndpoints = (name: string, ips: string[]): State => ({
    services,
    endpoints: eps.map((e) =>
      e.metadata?.name === name ? endpoints('default', name, ips, [{ port: 80 }]) : e,
    ),
  });

  it('a full sync declares every fixed chain, empty or not', () => {
    const text = renderRestore(buildRuleTables(buildServicePorts(services, eps), input));
    for (const table of ['filter', 'nat'] as const) {
      const section = text.split(`*${table}\n`)[1].split('COMMIT')[0];
      for (const chain of FIXED_CHAINS[table]) expect(section).toContain(`:${chain} - [0:0]`);
    }
  });

  it('writes nothing when nothing changed', () => {
    expect(syncInTurn(seed, seedCluster())).toEqual(['']);
  });

  it('hands out the same ServicePort objects while Service and Endpoints objects are the same', () => {
    const again = buildServicePorts(services, eps);
    expect(again.every((sp, i) => sp === buildServicePorts(services, eps)[i])).toBe(true);
    const replaced = eps.map((e) => (e.metadata?.name === 'httpd-app' ? { ...e } : e));
    const changed = buildServicePorts(services, replaced).filter((sp, i) => sp !== again[i]);
    expect(changed.map((sp) => sp.name)).toEqual(['default/httpd-app']);
  });

  it('after one endpoint moved: that service’s chain, the new SEP, -X of the old one — no fixed chain', () => {
    const [text] = syncInTurn(seed, withEndpoints('httpd-app', ['10.244.1.2', '10.244.3.9']));
    expect(declared(text)).toEqual(
      [
        ':KUBE-SEP-B7WZ6X3JS7NGRAGL - [0:0]', // 10.244.2.2, gone: declared so it can be deleted
        `:${endpointChainName('default/httpd-app', 'tcp', '10.244.3.9:80')} - [0:0]`,
        ':KUBE-SVC-47MZKVTVFE2WTG5V - [0:0]',
      ].sort(),
    );
    expect(text).toContain('-X KUBE-SEP-B7WZ6X3JS7NGRAGL');
    expect(text).not.toContain(':KUBE-SERVICES');
    expect(text).not.toContain('*filter'); // nothing changed there
  });

  it('a new service: KUBE-SERVICES is written, with the new service’s chains', () => {
    const ports = [{ port: 8080 }];
    const [text] = syncInTurn(seed, {
      services: [...services, service({ name: 'new', clusterIP: '10.96.9.9', ports })],
      endpoints: [...eps, endpoints('default', 'new', ['10.244.2.9'], ports)],
    });
    expect(declared(text)).toEqual([
      `:${endpointChainName('default/new', 'tcp', '10.244.2.9:8080')} - [0:0]`,
      ':KUBE-SERVICES - [0:0]',
      `:${serviceChainName('default/new', 'tcp')} - [0:0]`,
    ]);
    expect(text).toContain(`-j ${serviceChainName('default/new', 'tcp')}`);
  });

  it('a removed service: KUBE-SERVICES is written without its jump, and its chains are deleted', () => {
    const gone = (o: { metadata?: { name?: string } }) => o.metadata?.name !== 'httpd-test';
    const [text] = syncInTurn(seed, { services: services.filter(gone), endpoints: eps.filter(gone) });
    const chains = [
      serviceChainName('default/httpd-test', 'tcp'),
      endpointChainName('default/httpd-test', 'tcp', '10.244.1.3:80'),
      endpointChainName('default/httpd-test', 'tcp', '10.244.2.3:80'),
    ];
    expect(declared(text)).toEqual([':KUBE-SERVICES - [0:0]', ...chains.map((c) => `:${c} - [0:0]`)].sort());
    expect(text.split('\n').filter((l) => l.startsWith('-X'))).toEqual(chains.sort().map((c) => `-X ${c}`));
  });

  it('a service losing its last endpoint: the nat jumps go, the filter REJECTs come', () => {
    const [emptied, refilled] = syncInTurn(seed, withEndpoints('httpd-app', []), seed);
    // httpd-app has a NodePort: KUBE-NODEPORTS and KUBE-EXTERNAL-SERVICES change as well.
    for (const text of [emptied, refilled])
      expect(declared(text).filter((l) => !/^:KUBE-(SVC|SEP)-/.test(l))).toEqual([
        ':KUBE-EXTERNAL-SERVICES - [0:0]',
        ':KUBE-SERVICES - [0:0]', // filter
        ':KUBE-NODEPORTS - [0:0]',
        ':KUBE-SERVICES - [0:0]', // nat
      ]);
    expect(emptied).toContain('-X KUBE-SVC-47MZKVTVFE2WTG5V');
    expect(refilled).toContain(':KUBE-SVC-47MZKVTVFE2WTG5V - [0:0]');
  });
});

describe('a large restore in transactions (iptables-nft: servicePortsPerTransaction)', () => {
  const input = { node, clusterCIDR };
  const perTransaction = servicePortsPerTransaction('nft');
  const cluster = syntheticCluster(250, 3);
  const tablesOf = (state: typeof cluster) =>
    buildRuleTables(buildServicePorts(state.services, state.endpoints), input);
  /** The restore text cut at each COMMIT: one piece per transaction. */
  const transactions = (text: string) => text.split(/(?<=^COMMIT\n)/m).filter(Boolean);
  const chainsOf = (t: string) =>
    t
      .split('\n')
      .filter((l) => l.startsWith(':'))
      .map((l) => l.slice(1, -8));
  const full = renderRestore(tablesOf(cluster), undefined, [], perTransaction);
  const nat = transactions(full).filter((t) => t.startsWith('*nat'));

  it('is one transaction per table under iptables-legacy, whose every COMMIT rewrites the table', () => {
    expect(servicePortsPerTransaction('legacy')).toBe(Number.POSITIVE_INFINITY);
    expect(renderRestore(tablesOf(cluster))).toBe(buildRules({ ...cluster, ...input }));
  });

  it('cuts a full sync of 250 ports into transactions of 100 ports, each port whole in one of them', () => {
    expect(perTransaction).toBe(100);
    expect(nat).toHaveLength(4); // 100 + 100 + 50 ports, then the chains leading into them
    expect(transactions(full).filter((t) => t.startsWith('*filter'))).toHaveLength(1);
    for (const sp of buildServicePorts(cluster.services, cluster.endpoints)) {
      const holding = nat.filter((t) => chainsOf(t).includes(sp.chain));
      expect(holding).toHaveLength(1);
      for (const ep of sp.endpoints) expect(chainsOf(holding[0])).toContain(ep.chain);
    }
    expect(chainsOf(nat[0])).toContain('KUBE-MARK-MASQ'); // the SEPs jump to it
    expect(chainsOf(nat[3])).toEqual(['KUBE-NODEPORTS', 'KUBE-SERVICES']);
  });

  it('leaves a table whose every jump has its target after each transaction, the full build after the last', () => {
    const model = new RestoreModel(); // throws on a jump to a chain that is not there yet
    for (const [i, t] of transactions(full).entries()) {
      model.apply(t);
      const kubeServices = model.tables.get('nat')?.get('KUBE-SERVICES');
      expect(kubeServices === undefined).toBe(i < transactions(full).length - 1); // switched last
    }
    expect(model.save()).toBe(buildRules({ ...cluster, ...input }));
  });

  it('cuts a partial sync of many ports the same way, with the deletions last', () => {
    const model = new RestoreModel();
    model.apply(full);
    const moved = {
      ...cluster,
      endpoints: cluster.endpoints.map((e, i) =>
        i < 150
          ? endpoints(
              'default',
              `svc-${i}`,
              [`10.245.${i >> 8}.${i & 255}`],
              [{ port: 80, targetPort: 8080 }],
            )
          : e,
      ),
    };
    const text = renderRestore(tablesOf(moved), ruleContents(tablesOf(cluster)), [], perTransaction);
    const parts = transactions(text);
    expect(parts).toHaveLength(3); // 100 + 50 ports; then the 450 old SEPs go
    expect(parts[2]).not.toMatch(/^-A /m);
    expect(parts[2].split('\n').filter((l) => l.startsWith('-X '))).toHaveLength(450);
    for (const t of parts) model.apply(t);
    expect(model.save()).toBe(buildRules({ ...moved, ...input }));
  });
});
