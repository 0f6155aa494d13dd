import { describe, expect, it } from 'vitest';
import { clusterDnsIP } from '../inventory';
import { dnsImageScript, kubeDnsObjects } from './kube-dns';

describe('the cluster DNS add-on', () => {
  it.each([
    ['10.96.0.0/12', '10.96.0.10'],
    ['10.0.0.0/24', '10.0.0.10'],
    ['172.20.255.250/16', '172.21.0.4'],
  ])('the tenth address of %s is %s', (cidr, ip) => {
    expect(clusterDnsIP(cidr)).toBe(ip);
  });

  it('is the kube-dns Service of the seeds (dns, dns-tcp, metrics) in front of the coredns Deployment', () => {
    const objects = kubeDnsObjects({
      image: 'nodekube/dns:abc',
      clusterIP: '10.96.0.10',
      domain: 'cluster.local',
    });
    const [svc, deploy] = objects.slice(-2);
    expect(svc.metadata).toMatchObject({ name: 'kube-dns', namespace: 'kube-system' });
    expect(
      (svc.spec as { ports: { name: string; port: number; protocol: string }[] }).ports.map(
        (p) => `${p.name} ${p.port}/${p.protocol}`,
      ),
    ).toEqual(['dns 53/UDP', 'dns-tcp 53/TCP', 'metrics 9153/TCP']);
    expect(deploy.metadata).toMatchObject({ name: 'coredns', namespace: 'kube-system' });
    const pod = deploy.spec as {
      replicas: number;
      template: { spec: { dnsPolicy: string; serviceAccountName: string; containers: { args: string[] }[] } };
    };
    expect(pod.replicas).toBe(2);
    // The DNS pods themselves resolve through the node, where outside names go.
    expect(pod.template.spec.dnsPolicy).toBe('Default');
    // The in-cluster configuration, as its own service account: no --master, no shared credential.
    expect(pod.template.spec.serviceAccountName).toBe('coredns');
    expect(pod.template.spec.containers[0].args.some((a) => a.startsWith('--master'))).toBe(false);
  });

  it('lets the coredns service account list and watch what names are made of, and nothing more', () => {
    const objects = kubeDnsObjects({ image: 'x', clusterIP: '10.96.0.10', domain: 'cluster.local' });
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`).slice(0, 3)).toEqual([
      'ServiceAccount/coredns',
      'ClusterRole/system:coredns',
      'ClusterRoleBinding/system:coredns',
    ]);
    const rules = (objects[1] as { rules: { verbs: string[] }[] }).rules;
    expect(new Set(rules.flatMap((r) => r.verbs))).toEqual(new Set(['list', 'watch']));
    expect((objects[2] as { subjects: unknown[] }).subjects).toEqual([
      { kind: 'ServiceAccount', name: 'coredns', namespace: 'kube-system' },
    ]);
  });

  it('builds the image from the node’s own Node.js and the shipped bundle, once per tag', () => {
    const s = dnsImageScript('nodekube/dns:abc');
    expect(s).toContain('docker image inspect nodekube/dns:abc');
    expect(s).toContain('ldd "$node"');
    expect(s).toContain('"/opt/nodekube/bin/nodekube-agent.cjs", "dns"');
  });
});
