import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { formatResolvConf, parseResolvConf, podResolvConf } from './dns';

const withCluster = {
  resolvConf: '/etc/resolv.conf',
  clusterDNS: ['10.96.0.10'],
  clusterDomain: 'cluster.local',
};
const noCluster = { ...withCluster, clusterDNS: [] };
const NODE = 'nameserver 192.168.200.1\nnameserver 127.0.0.53\nsearch corp.example\noptions edns0\n';
const LOOPBACK_ONLY = '# systemd-resolved\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n';

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}, ns = 'shop'): Pod {
  return { metadata: { name: 'p', namespace: ns }, spec: { containers: [{ name: 'c' }], ...spec } };
}

describe('podResolvConf', () => {
  it.each([
    [
      'ClusterFirst with --cluster-dns: the cluster resolver and search path',
      pod({ dnsPolicy: 'ClusterFirst' }),
      withCluster,
      NODE,
      'nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local corp.example\noptions ndots:5\n',
    ],
    [
      'no dnsPolicy means ClusterFirst',
      pod({}, 'default'),
      { ...withCluster, clusterDomain: 'k8s.test' },
      '',
      'nameserver 10.96.0.10\nsearch default.svc.k8s.test svc.k8s.test k8s.test\noptions ndots:5\n',
    ],
    [
      'ClusterFirst without --cluster-dns falls back to Default; the loopback resolver is dropped',
      pod({ dnsPolicy: 'ClusterFirst' }),
      noCluster,
      NODE,
      'nameserver 192.168.200.1\nsearch corp.example\noptions edns0\n',
    ],
    [
      'Default on a node with only a loopback resolver: no nameserver at all (never a public one)',
      pod({ dnsPolicy: 'Default' }),
      withCluster,
      LOOPBACK_ONLY,
      'search .\noptions edns0 trust-ad\n',
    ],
    [
      'hostNetwork + Default keeps the loopback resolver (it is the node netns)',
      pod({ dnsPolicy: 'Default', hostNetwork: true }),
      withCluster,
      LOOPBACK_ONLY,
      'nameserver 127.0.0.53\nsearch .\noptions edns0 trust-ad\n',
    ],
    [
      'hostNetwork + ClusterFirst uses the node file',
      pod({ hostNetwork: true }),
      withCluster,
      NODE,
      'nameserver 192.168.200.1\nnameserver 127.0.0.53\nsearch corp.example\noptions edns0\n',
    ],
    [
      'hostNetwork + ClusterFirstWithHostNet gets the cluster resolver',
      pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }),
      withCluster,
      NODE,
      'nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local corp.example\noptions ndots:5\n',
    ],
    [
      'None: only dnsConfig',
      pod({
        dnsPolicy: 'None',
        dnsConfig: {
          nameservers: ['10.0.0.2'],
          searches: ['a.example'],
          options: [{ name: 'ndots', value: '2' }, { name: 'rotate' }],
        },
      }),
      withCluster,
      NODE,
      'nameserver 10.0.0.2\nsearch a.example\noptions ndots:2 rotate\n',
    ],
    [
      'dnsConfig on ClusterFirst: appended, options replaced by name',
      pod({
        dnsConfig: { nameservers: ['10.96.0.10', '10.0.0.3'], options: [{ name: 'ndots', value: '1' }] },
      }),
      withCluster,
      '',
      'nameserver 10.96.0.10\nnameserver 10.0.0.3\nsearch shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:1\n',
    ],
    ['Default with no node file: an empty file', pod({ dnsPolicy: 'Default' }), withCluster, '', ''],
  ])('%s', (_name, p, flags, host, want) => {
    expect(formatResolvConf(podResolvConf(p, flags, host).conf)).toBe(want);
  });

  it('notes why: MissingClusterDNS on the fallback, DNSConfigForming for loopback-only and too many nameservers', () => {
    expect(podResolvConf(pod(), noCluster, NODE).notes.map((n) => n.reason)).toEqual(['MissingClusterDNS']);
    const loop = podResolvConf(pod({ dnsPolicy: 'Default' }), withCluster, LOOPBACK_ONLY).notes;
    expect(loop).toHaveLength(1);
    expect(loop[0]).toMatchObject({ reason: 'DNSConfigForming' });
    expect(loop[0].message).toContain('127.0.0.53');
    const many = podResolvConf(
      pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '1.0.0.1', '9.9.9.9', '10.0.0.9'] } }),
      withCluster,
      '',
    );
    expect(many.conf.nameservers).toEqual(['1.1.1.1', '1.0.0.1', '9.9.9.9']);
    expect(many.notes.map((n) => n.reason)).toEqual(['DNSConfigForming']);
    expect(podResolvConf(pod(), withCluster, NODE).notes).toEqual([]);
  });
});

describe('parseResolvConf', () => {
  it('reads nameservers, the last search/domain line and options, skipping comments', () => {
    expect(
      parseResolvConf(
        '; x\nnameserver 10.0.0.1 # main\ndomain a\nsearch b c\noptions ndots:2\noptions edns0\n',
      ),
    ).toEqual({ nameservers: ['10.0.0.1'], searches: ['b', 'c'], options: ['ndots:2', 'edns0'] });
  });
});
