// Services + Endpoints → one flat record per service port: what the rule builder writes and
// what the syncer compares between syncs. Upstream keeps the same two maps
// (pkg/proxy/servicechangetracker.go ServicePortMap, endpointschangetracker.go EndpointsMap);
// here they are rebuilt from the informer caches on every sync, which is simpler. It stays cheap
// at 10,000 services because informer objects are immutable (a change replaces the object): the
// ports of a Service whose Service and Endpoints objects are the same as last sync are the same
// ServicePort objects as last sync, and rules.ts skips those by identity (bench/kube-proxy.ts).

import type { Endpoints, Service } from '../api/types';
import { endpointChainName, type Protocol, serviceChainName, servicePortName } from './chain-names';

export interface Endpoint {
  ip: string;
  port: number;
  /** KUBE-SEP-… */
  chain: string;
}

export interface ServicePort {
  /** "namespace/name:port" — the comment on every rule and the input of the chain hash. */
  name: string;
  protocol: Protocol;
  clusterIP: string;
  port: number;
  nodePort?: number;
  /** spec.externalIPs (seed 001's v1beta3 `publicIPs`): more addresses the service answers on. */
  externalIPs: string[];
  /** sessionAffinity ClientIP: how long a client sticks to its endpoint (default 10800 s). */
  affinitySeconds?: number;
  /** KUBE-SVC-… */
  chain: string;
  /** Ready endpoints only, sorted by address so rules come out in a stable order. */
  endpoints: Endpoint[];
}

const DEFAULT_AFFINITY_SECONDS = 10800;

/** Services that get no rules: headless (`clusterIP: None`), ExternalName, not yet allocated. */
function hasClusterIP(svc: Service): boolean {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== 'None' && svc.spec?.type !== 'ExternalName';
}

function protocolOf(p: string | undefined): Protocol {
  return (p ?? 'TCP').toLowerCase() as Protocol;
}

/** Dotted quad → number, for sorting 10.244.2.4 before 10.244.10.1. */
export function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** Ready addresses of the Endpoints object that serve `portName`/`protocol`. */
function readyEndpoints(
  eps: Endpoints | undefined,
  spName: string,
  portName: string | undefined,
  protocol: Protocol,
): Endpoint[] {
  const seen = new Map<string, Endpoint>();
  for (const subset of eps?.subsets ?? []) {
    const port = (subset.ports ?? []).find(
      (p) => (p.name ?? '') === (portName ?? '') && protocolOf(p.protocol) === protocol,
    );
    if (!port) continue;
    for (const addr of subset.addresses ?? []) {
      const endpoint = `${addr.ip}:${port.port}`;
      seen.set(endpoint, {
        ip: addr.ip,
        port: port.port,
        chain: endpointChainName(spName, protocol, endpoint),
      });
    }
  }
  return [...seen.values()].sort((a, b) => ipToNumber(a.ip) - ipToNumber(b.ip) || a.port - b.port);
}

function portsOf(svc: Service, eps: Endpoints | undefined): ServicePort[] {
  const ns = svc.metadata?.namespace ?? 'default';
  const svcName = svc.metadata?.name ?? '';
  const clientIP = svc.spec?.sessionAffinity === 'ClientIP';
  return (svc.spec?.ports ?? []).map((p) => {
    const name = servicePortName(ns, svcName, p.name);
    const protocol = protocolOf(p.protocol);
    return {
      name,
      protocol,
      clusterIP: svc.spec?.clusterIP as string,
      port: p.port,
      nodePort: p.nodePort || undefined,
      externalIPs: [...(svc.spec?.externalIPs ?? [])],
      affinitySeconds: clientIP
        ? (svc.spec?.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS)
        : undefined,
      chain: serviceChainName(name, protocol),
      endpoints: readyEndpoints(eps, name, p.name, protocol),
    };
  });
}

/**
 * Service → its ports, as computed from that Service object and that Endpoints object. The
 * informers hand out frozen objects and replace them on change, so the same pair of objects
 * always yields the same ports: a cache of a pure function, keyed by the inputs themselves.
 */
const portsMemo = new WeakMap<Service, { eps: Endpoints | undefined; ports: ServicePort[] }>();

/**
 * Endpoints by namespace, then name. Keyed by the objects' own strings, whose hashes V8 keeps:
 * a "namespace/name" key built for each of 10,000 objects on every sync cost ~5 ms more.
 */
function endpointsByName(endpoints: Endpoints[]): Map<string, Map<string, Endpoints>> {
  const byNamespace = new Map<string, Map<string, Endpoints>>();
  for (const e of endpoints) {
    const ns = e.metadata?.namespace ?? 'default';
    let named = byNamespace.get(ns);
    if (!named) {
      named = new Map();
      byNamespace.set(ns, named);
    }
    named.set(e.metadata?.name ?? '', e);
  }
  return byNamespace;
}

export function buildServicePorts(services: Service[], endpoints: Endpoints[]): ServicePort[] {
  const byName = endpointsByName(endpoints);
  const out: ServicePort[] = [];
  for (const svc of services) {
    if (!hasClusterIP(svc)) continue;
    const eps = byName.get(svc.metadata?.namespace ?? 'default')?.get(svc.metadata?.name ?? '');
    let memo = portsMemo.get(svc);
    if (memo?.eps !== eps || !memo) {
      memo = { eps, ports: portsOf(svc, eps) };
      portsMemo.set(svc, memo);
    }
    out.push(...memo.ports);
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.protocol < b.protocol ? -1 : 1));
}

/**
 * `conntrack` invocations needed after a change (upstream pkg/proxy/conntrack: the stale
 * endpoints and stale services of a sync). UDP has no connection to end, so conntrack keeps
 * sending a client's datagrams to the endpoint it first picked — or to nowhere after a REJECT —
 * until the entry times out:
 *   - an endpoint of a UDP service went away → drop entries to each of the service's addresses
 *     (cluster IP, external IPs) and its NodePort that the endpoint answered (--reply-src);
 *   - a UDP service went from no endpoints to some → drop entries for its addresses and NodePort.
 */
export function conntrackCleanups(before: ServicePort[], after: ServicePort[]): string[][] {
  // Only UDP ports matter, and most ports are TCP: index the UDP ones alone (this runs every
  // sync; at 10,000 TCP services, indexing them all cost ~20 ms).
  const udp = (ports: ServicePort[]) => ports.filter((sp) => sp.protocol === 'udp');
  const [udpBefore, udpAfter] = [udp(before), udp(after)];
  const next = new Map(udpAfter.map((sp) => [sp.name, sp]));
  const prev = new Map(udpBefore.map((sp) => [sp.name, sp]));
  const cmds: string[][] = [];
  for (const old of udpBefore) {
    const now = next.get(old.name);
    if (now === old) continue;
    const still = new Set((now?.endpoints ?? []).map((e) => e.ip));
    for (const ep of old.endpoints) {
      if (still.has(ep.ip)) continue;
      const answeredBy = ['--reply-src', ep.ip];
      for (const ip of [old.clusterIP, ...old.externalIPs])
        cmds.push(['-D', '-p', 'udp', '--orig-dst', ip, '--dport', String(old.port), ...answeredBy]);
      if (old.nodePort) cmds.push(['-D', '-p', 'udp', '--dport', String(old.nodePort), ...answeredBy]);
    }
  }
  for (const sp of udpAfter) {
    if (sp.endpoints.length === 0) continue;
    if ((prev.get(sp.name)?.endpoints.length ?? 0) > 0) continue;
    for (const ip of [sp.clusterIP, ...sp.externalIPs])
      cmds.push(['-D', '-p', 'udp', '--orig-dst', ip, '--dport', String(sp.port)]);
    if (sp.nodePort) cmds.push(['-D', '-p', 'udp', '--dport', String(sp.nodePort)]);
  }
  return cmds;
}
