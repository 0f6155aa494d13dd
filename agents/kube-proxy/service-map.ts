// Services + Endpoints → one flat record per service port: what the rule builder writes and
// what the syncer compares between syncs. Upstream keeps the same two maps
// (pkg/proxy/servicechangetracker.go ServicePortMap, endpointschangetracker.go EndpointsMap);
// here they are rebuilt from the informer caches on every sync, which is simpler and, at the
// scale a nodekube cluster runs, cheap (bench/kube-proxy.ts measures it).

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

export function buildServicePorts(services: Service[], endpoints: Endpoints[]): ServicePort[] {
  const endpointsByKey = new Map(endpoints.map((e) => [`${e.metadata?.namespace}/${e.metadata?.name}`, e]));
  const out: ServicePort[] = [];
  for (const svc of services) {
    if (!hasClusterIP(svc)) continue;
    const ns = svc.metadata?.namespace ?? 'default';
    const svcName = svc.metadata?.name ?? '';
    const eps = endpointsByKey.get(`${ns}/${svcName}`);
    const clientIP = svc.spec?.sessionAffinity === 'ClientIP';
    for (const p of svc.spec?.ports ?? []) {
      const name = servicePortName(ns, svcName, p.name);
      const protocol = protocolOf(p.protocol);
      out.push({
        name,
        protocol,
        clusterIP: svc.spec?.clusterIP as string,
        port: p.port,
        nodePort: p.nodePort || undefined,
        affinitySeconds: clientIP
          ? (svc.spec?.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS)
          : undefined,
        chain: serviceChainName(name, protocol),
        endpoints: readyEndpoints(eps, name, p.name, protocol),
      });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.protocol < b.protocol ? -1 : 1));
}

/**
 * `conntrack` invocations needed after a change (upstream: deleteUDPEndpointConnections).
 * UDP has no connection to end, so conntrack keeps sending a client's datagrams to the
 * endpoint it first picked — or to nowhere after a REJECT — until the entry times out:
 *   - an endpoint of a UDP service went away → drop entries DNAT'ed to it;
 *   - a UDP service went from no endpoints to some → drop entries for its cluster IP.
 */
export function conntrackCleanups(before: ServicePort[], after: ServicePort[]): string[][] {
  const next = new Map(after.map((sp) => [`${sp.name}/${sp.protocol}`, sp]));
  const cmds: string[][] = [];
  for (const old of before) {
    if (old.protocol !== 'udp') continue;
    const now = next.get(`${old.name}/${old.protocol}`);
    const still = new Set((now?.endpoints ?? []).map((e) => e.ip));
    for (const ep of old.endpoints) {
      if (!still.has(ep.ip)) cmds.push(['-D', '--orig-dst', old.clusterIP, '-p', 'udp', '--dst-nat', ep.ip]);
    }
  }
  const prev = new Map(before.map((sp) => [`${sp.name}/${sp.protocol}`, sp]));
  for (const sp of after) {
    if (sp.protocol !== 'udp' || sp.endpoints.length === 0) continue;
    if ((prev.get(`${sp.name}/${sp.protocol}`)?.endpoints.length ?? 0) === 0) {
      cmds.push(['-D', '--orig-dst', sp.clusterIP, '-p', 'udp']);
    }
  }
  return cmds;
}
