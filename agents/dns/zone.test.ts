import type { Pod, Service } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import { describe, expect, it } from 'vitest';
import { buildZone, type Lookup, lookup } from './zone';

const svc = (name: string, spec: Service['spec'], ns = 'demo'): Service => ({
  metadata: { name, namespace: ns },
  spec,
});
const slice = (service: string, endpoints: EndpointSlice['endpoints'], ns = 'demo'): EndpointSlice => ({
  metadata: { name: `${service}-abc`, namespace: ns, labels: { 'kubernetes.io/service-name': service } },
  addressType: 'IPv4',
  endpoints,
  ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
});
const pod = (name: string, ip: string, ns = 'demo'): Pod => ({
  metadata: { name, namespace: ns },
  status: { podIP: ip, podIPs: [{ ip }] },
});

const zone = buildZone({
  domain: 'cluster.local',
  ttl: 30,
  services: [
    svc('web', { clusterIP: '10.96.4.7', ports: [{ name: 'http', port: 80 }, { port: 81 }] }),
    svc('db', { clusterIP: 'None', selector: { app: 'db' } }),
    svc('ext', { type: 'ExternalName', externalName: 'example.org' }),
  ],
  slices: [
    slice('db', [
      { addresses: ['10.244.1.5'], hostname: 'db-0', conditions: { ready: true } },
      { addresses: ['10.244.2.6'], conditions: { ready: true } },
      { addresses: ['10.244.3.7'], hostname: 'db-2', conditions: { ready: false } },
    ]),
  ],
  pods: [pod('a', '10.244.1.9'), pod('db-0', '10.244.1.5')],
});

/** `rcode data data …` for a reader to compare: "NOERROR 10.96.4.7". */
function show(l: Lookup): string {
  if (l.kind === 'forward') return 'forward';
  const data = l.answers.map((r) =>
    r.rdata.type === 'SRV'
      ? `${r.rdata.data.port}:${r.rdata.data.target}`
      : `${r.rdata.type === 'A' ? '' : `${r.rdata.type}:`}${r.rdata.data}`,
  );
  return [l.rcode, ...data].join(' ');
}

describe('cluster DNS zone (the DNS-based service discovery specification)', () => {
  it.each([
    ['web.demo.svc.cluster.local', 'A', 'NOERROR 10.96.4.7'],
    ['WEB.demo.svc.cluster.local.', 'A', 'NOERROR 10.96.4.7'],
    ['_http._tcp.web.demo.svc.cluster.local', 'SRV', 'NOERROR 80:web.demo.svc.cluster.local'],
    // an unnamed port has no SRV record, and the name does not exist
    ['_81._tcp.web.demo.svc.cluster.local', 'SRV', 'NXDOMAIN'],
    ['web.demo.svc.cluster.local', 'AAAA', 'NOERROR'],
    // headless: ready endpoints only
    ['db.demo.svc.cluster.local', 'A', 'NOERROR 10.244.1.5 10.244.2.6'],
    ['db-0.db.demo.svc.cluster.local', 'A', 'NOERROR 10.244.1.5'],
    ['10-244-2-6.db.demo.svc.cluster.local', 'A', 'NOERROR 10.244.2.6'],
    ['db-2.db.demo.svc.cluster.local', 'A', 'NXDOMAIN'],
    [
      '_http._tcp.db.demo.svc.cluster.local',
      'SRV',
      'NOERROR 80:db-0.db.demo.svc.cluster.local 80:10-244-2-6.db.demo.svc.cluster.local',
    ],
    ['ext.demo.svc.cluster.local', 'A', 'NOERROR CNAME:example.org'],
    ['7.4.96.10.in-addr.arpa', 'PTR', 'NOERROR PTR:web.demo.svc.cluster.local'],
    ['5.1.244.10.in-addr.arpa', 'PTR', 'NOERROR PTR:db-0.db.demo.svc.cluster.local'],
    ['9.1.244.10.in-addr.arpa', 'PTR', 'NOERROR PTR:10-244-1-9.demo.pod.cluster.local'],
    ['10-244-1-9.demo.pod.cluster.local', 'A', 'NOERROR 10.244.1.9'],
    // a pod IP in another namespace is not a pod of this one
    ['10-244-1-9.other.pod.cluster.local', 'A', 'NXDOMAIN'],
    ['dns-version.cluster.local', 'TXT', 'NOERROR TXT:1.1.0'],
    // empty non-terminals exist: NODATA, not NXDOMAIN
    ['demo.svc.cluster.local', 'A', 'NOERROR'],
    ['svc.cluster.local', 'A', 'NOERROR'],
    ['nope.demo.svc.cluster.local', 'A', 'NXDOMAIN'],
    ['nope.cluster.local', 'A', 'NXDOMAIN'],
    // not ours
    ['example.org', 'A', 'forward'],
    ['cluster.local.example.org', 'A', 'forward'],
    ['1.0.0.127.in-addr.arpa', 'PTR', 'forward'],
  ])('%s %s → %s', (name, type, want) => {
    expect(show(lookup(zone, name, type))).toBe(want);
  });

  it('puts the SRV targets’ addresses in the additional section', () => {
    const l = lookup(zone, '_http._tcp.db.demo.svc.cluster.local', 'SRV');
    expect(l.kind === 'answer' && l.additionals.map((r) => r.rdata.data)).toEqual([
      '10.244.1.5',
      '10.244.2.6',
    ]);
  });

  it('answers every record with the zone TTL', () => {
    const l = lookup(zone, 'web.demo.svc.cluster.local', 'A');
    expect(l.kind === 'answer' && l.answers.map((r) => r.ttl)).toEqual([30]);
  });
});
