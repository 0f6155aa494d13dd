// The cluster's DNS zone, built from the informer caches: a pure function from Services,
// EndpointSlices and Pods to a table of records, and a lookup that answers one question the way
// the Kubernetes DNS-based service discovery specification says (kubernetes/dns,
// docs/specification.md, schema 1.1.0):
//
//   web.demo.svc.cluster.local            A     10.96.4.7       ClusterIP service
//   db.demo.svc.cluster.local             A     10.244.1.5 …    headless: every ready endpoint
//   web-0.db.demo.svc.cluster.local       A     10.244.1.5      headless endpoint with a hostname
//   _http._tcp.web.demo.svc.cluster.local SRV   0 100 80 web.demo.svc.cluster.local.
//   ext.demo.svc.cluster.local            CNAME example.org     ExternalName
//   7.4.96.10.in-addr.arpa                PTR   web.demo.svc.cluster.local
//   10-244-1-5.demo.pod.cluster.local     A     10.244.1.5      a pod of demo with that IP
//   dns-version.cluster.local             TXT   "1.1.0"
//
// A name in the zone with no record of the asked type answers NOERROR with no answers (NODATA),
// a name that does not exist NXDOMAIN; both carry the zone's SOA so resolvers cache the answer.
// Names outside the zone (and reverse names of addresses we do not know) are not ours: the
// server forwards them to the node's resolvers.
import type { EndpointSlice, Pod, Service } from '../api/types';

export type RecordType = 'A' | 'SRV' | 'CNAME' | 'PTR' | 'TXT' | 'SOA';

export type Rdata =
  | { type: 'A'; data: string }
  | { type: 'CNAME' | 'PTR'; data: string }
  | { type: 'TXT'; data: string }
  | { type: 'SRV'; data: { priority: number; weight: number; port: number; target: string } };

export interface ZoneRecord {
  name: string;
  ttl: number;
  rdata: Rdata;
}

export interface Zone {
  domain: string;
  ttl: number;
  /** Lower-case owner name → its records. */
  records: Map<string, ZoneRecord[]>;
  /** Every name that exists, including empty non-terminals (`demo.svc.cluster.local`). */
  names: Set<string>;
  /** Reverse names we answer for: others go upstream. */
  reverse: Set<string>;
}

export interface ZoneInput {
  services: readonly Service[];
  slices: readonly EndpointSlice[];
  pods: readonly Pod[];
  /** `cluster.local` */
  domain: string;
  ttl: number;
}

/** The specification's schema version, served as TXT at dns-version.<domain>. */
export const SCHEMA_VERSION = '1.1.0';

export const dashed = (ip: string) => ip.replaceAll('.', '-');
export const reverseName = (ip: string) => `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
const isIPv4 = (s: string | undefined): s is string => !!s && /^\d{1,3}(\.\d{1,3}){3}$/.test(s);

export function buildZone(input: ZoneInput): Zone {
  const domain = input.domain.toLowerCase().replace(/\.$/, '');
  const zone: Zone = { domain, ttl: input.ttl, records: new Map(), names: new Set(), reverse: new Set() };
  const add = (name: string, rdata: Rdata) => {
    const key = name.toLowerCase();
    const list = zone.records.get(key) ?? [];
    // Two slices of one service can list the same address: answer it once.
    if (!list.some((r) => JSON.stringify(r.rdata) === JSON.stringify(rdata)))
      list.push({ name: key, ttl: input.ttl, rdata });
    zone.records.set(key, list);
    if (rdata.type === 'PTR') zone.reverse.add(key);
    else addName(zone, key);
  };
  add(`dns-version.${domain}`, { type: 'TXT', data: SCHEMA_VERSION });

  const slicesByService = new Map<string, EndpointSlice[]>();
  for (const s of input.slices) {
    const svc = s.metadata?.labels?.['kubernetes.io/service-name'];
    if (!svc) continue;
    const key = `${s.metadata?.namespace}/${svc}`;
    slicesByService.set(key, [...(slicesByService.get(key) ?? []), s]);
  }

  for (const svc of input.services) {
    const ns = svc.metadata?.namespace ?? 'default';
    const fqdn = `${svc.metadata?.name}.${ns}.svc.${domain}`;
    addName(zone, fqdn);
    const spec = svc.spec ?? {};
    if (spec.type === 'ExternalName') {
      if (spec.externalName) add(fqdn, { type: 'CNAME', data: spec.externalName.replace(/\.$/, '') });
      continue;
    }
    const ports = (spec.ports ?? []).filter((p) => p.name);
    if (spec.clusterIP && spec.clusterIP !== 'None') {
      for (const ip of (spec.clusterIPs ?? [spec.clusterIP]).filter(isIPv4)) {
        add(fqdn, { type: 'A', data: ip });
        add(reverseName(ip), { type: 'PTR', data: fqdn });
      }
      for (const p of ports)
        add(`_${p.name}._${(p.protocol ?? 'TCP').toLowerCase()}.${fqdn}`, {
          type: 'SRV',
          data: { priority: 0, weight: 100, port: p.port, target: fqdn },
        });
      continue;
    }
    // Headless: the ready endpoints themselves.
    for (const slice of slicesByService.get(`${ns}/${svc.metadata?.name}`) ?? []) {
      if (slice.addressType !== 'IPv4') continue;
      for (const ep of slice.endpoints ?? []) {
        if (ep.conditions?.ready === false) continue;
        for (const ip of ep.addresses.filter(isIPv4)) {
          const host = `${ep.hostname ?? dashed(ip)}.${fqdn}`;
          add(fqdn, { type: 'A', data: ip });
          add(host, { type: 'A', data: ip });
          if (ep.hostname) add(reverseName(ip), { type: 'PTR', data: host });
          for (const p of slice.ports ?? []) {
            if (!p.name || p.port === undefined) continue;
            add(`_${p.name}._${(p.protocol ?? 'TCP').toLowerCase()}.${fqdn}`, {
              type: 'SRV',
              data: { priority: 0, weight: 100, port: p.port, target: host },
            });
          }
        }
      }
    }
  }

  for (const pod of input.pods) {
    const ns = pod.metadata?.namespace ?? 'default';
    if (pod.spec?.hostNetwork) continue;
    for (const ip of (pod.status?.podIPs?.map((p) => p.ip) ?? [pod.status?.podIP]).filter(isIPv4)) {
      const name = `${dashed(ip)}.${ns}.pod.${domain}`;
      add(name, { type: 'A', data: ip });
      if (!zone.records.has(reverseName(ip))) add(reverseName(ip), { type: 'PTR', data: name });
    }
  }
  return zone;
}

/** A name and each of its ancestors inside the zone exist (empty non-terminals answer NODATA). */
function addName(zone: Zone, name: string): void {
  for (let n = name.toLowerCase(); n.length > zone.domain.length; n = n.slice(n.indexOf('.') + 1))
    zone.names.add(n);
  zone.names.add(zone.domain);
}

export type Lookup =
  | { kind: 'answer'; rcode: 'NOERROR' | 'NXDOMAIN'; answers: ZoneRecord[]; additionals: ZoneRecord[] }
  /** Not in the cluster zone: ask the node's resolvers. */
  | { kind: 'forward' };

/** Answer one question from the zone, following a CNAME inside it once. */
export function lookup(zone: Zone, qname: string, qtype: string): Lookup {
  const name = qname.toLowerCase().replace(/\.$/, '');
  if (name.endsWith('.in-addr.arpa') || name.endsWith('.ip6.arpa')) {
    const ptr = zone.records.get(name);
    if (!ptr) return { kind: 'forward' };
    return {
      kind: 'answer',
      rcode: 'NOERROR',
      answers: qtype === 'PTR' || qtype === 'ANY' ? ptr : [],
      additionals: [],
    };
  }
  if (name !== zone.domain && !name.endsWith(`.${zone.domain}`)) return { kind: 'forward' };
  if (!zone.names.has(name)) return { kind: 'answer', rcode: 'NXDOMAIN', answers: [], additionals: [] };
  const records = zone.records.get(name) ?? [];
  const cname = records.find((r) => r.rdata.type === 'CNAME');
  if (cname && qtype !== 'CNAME')
    return { kind: 'answer', rcode: 'NOERROR', answers: [cname], additionals: [] };
  const answers = records.filter((r) => qtype === 'ANY' || r.rdata.type === qtype);
  // SRV targets' addresses go in the additional section: it saves the client a round trip.
  const additionals = answers.flatMap((r) =>
    r.rdata.type === 'SRV'
      ? (zone.records.get(r.rdata.data.target) ?? []).filter((a) => a.rdata.type === 'A')
      : [],
  );
  return { kind: 'answer', rcode: 'NOERROR', answers, additionals };
}
