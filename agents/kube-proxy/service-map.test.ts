import { describe, expect, it } from 'vitest';
import { ownedChains } from './cleanup';
import { buildServicePorts, conntrackCleanups } from './service-map';
import { endpoints, service } from './testing/fixtures';

const dns = [{ name: 'dns', port: 53, protocol: 'UDP' as const }];
const svc = service({ namespace: 'kube-system', name: 'kube-dns', clusterIP: '10.96.0.10', ports: dns });
const portsWith = (ips: string[]) =>
  buildServicePorts([svc], [endpoints('kube-system', 'kube-dns', ips, dns)]);

describe('buildServicePorts', () => {
  it('keeps ready addresses only, sorted numerically, and matches ports by name and protocol', () => {
    const web = [{ name: 'http', port: 80 }];
    const [sp] = buildServicePorts(
      [service({ name: 'web', clusterIP: '10.96.1.1', ports: web })],
      [
        endpoints(
          'default',
          'web',
          ['10.244.10.1', '10.244.2.4'],
          [...web, { name: 'other', port: 81 }],
          ['10.244.3.3'],
        ),
      ],
    );
    expect(sp.name).toBe('default/web:http');
    expect(sp.endpoints.map((e) => `${e.ip}:${e.port}`)).toEqual(['10.244.2.4:80', '10.244.10.1:80']);
  });
});

describe('conntrackCleanups (UDP only)', () => {
  it.each([
    [
      'an endpoint went away → drop entries DNATed to it',
      ['10.244.0.2', '10.244.0.3'],
      ['10.244.0.3'],
      [['-D', '-p', 'udp', '--orig-dst', '10.96.0.10', '--dport', '53', '--reply-src', '10.244.0.2']],
    ],
    [
      'no endpoints → some: drop entries that cached the REJECT',
      [],
      ['10.244.0.3'],
      [['-D', '-p', 'udp', '--orig-dst', '10.96.0.10', '--dport', '53']],
    ],
    ['unchanged → nothing', ['10.244.0.2'], ['10.244.0.2'], []],
  ])('%s', (_name, before, after, want) => {
    expect(conntrackCleanups(portsWith(before), portsWith(after))).toEqual(want);
  });

  it('covers every address of the service: cluster IP, external IPs and the NodePort', () => {
    const syslog = [{ port: 514, protocol: 'UDP' as const, nodePort: 30514 }];
    const logs = service({
      name: 'logs',
      clusterIP: '10.96.5.14',
      ports: syslog,
      externalIPs: ['192.168.200.250'],
    });
    const mk = (ips: string[]) => buildServicePorts([logs], [endpoints('default', 'logs', ips, syslog)]);
    const gone = ['--reply-src', '10.244.1.1'];
    expect(conntrackCleanups(mk(['10.244.1.1', '10.244.1.2']), mk(['10.244.1.2']))).toEqual([
      ['-D', '-p', 'udp', '--orig-dst', '10.96.5.14', '--dport', '514', ...gone],
      ['-D', '-p', 'udp', '--orig-dst', '192.168.200.250', '--dport', '514', ...gone],
      ['-D', '-p', 'udp', '--dport', '30514', ...gone],
    ]);
    expect(conntrackCleanups(mk([]), mk(['10.244.1.2']))).toEqual([
      ['-D', '-p', 'udp', '--orig-dst', '10.96.5.14', '--dport', '514'],
      ['-D', '-p', 'udp', '--orig-dst', '192.168.200.250', '--dport', '514'],
      ['-D', '-p', 'udp', '--dport', '30514'],
    ]);
  });

  it('ignores TCP services, whose connections end on their own', () => {
    const tcp = [{ port: 80 }];
    const mk = (ips: string[]) =>
      buildServicePorts(
        [service({ name: 'w', clusterIP: '10.96.1.1', ports: tcp })],
        [endpoints('default', 'w', ips, tcp)],
      );
    expect(conntrackCleanups(mk(['10.244.1.1']), mk([]))).toEqual([]);
  });
});

describe('ownedChains', () => {
  it('claims the fixed and hashed KUBE-* chains, not the kubelet’s or Docker’s', () => {
    const present = [
      'DOCKER',
      'KUBE-MARK-DROP',
      'KUBE-KUBELET-CANARY',
      'KUBE-SERVICES',
      'KUBE-SVC-NPX46M4PTMTKRN6Y',
      'KUBE-MARK-MASQ',
    ];
    expect(ownedChains('nat', present)).toEqual([
      'KUBE-MARK-MASQ',
      'KUBE-SERVICES',
      'KUBE-SVC-NPX46M4PTMTKRN6Y',
    ]);
  });
});
