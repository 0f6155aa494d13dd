// The rules of ONE service port, PURE: a ServicePort in, its lines out — the lines it adds to
// the shared chains (KUBE-SERVICES, KUBE-NODEPORTS, the filter REJECTs) and its own chains
// (KUBE-SVC-, KUBE-SEP-) as finished text. rules.ts assembles a node's rule set from these.
//
//   cluster IP   KUBE-SERVICES -d clusterIP --dport port → KUBE-SVC (masquerade off-cluster sources)
//   external IP  KUBE-SERVICES -d externalIP --dport port → KUBE-MARK-MASQ, then → KUBE-SVC
//                (upstream marks all external-IP traffic: its endpoints may be on another node,
//                and their replies must come back through this one)
//   NodePort     KUBE-NODEPORTS --dport nodePort → KUBE-SVC, which marks it for masquerade —
//                which also makes 127.0.0.1:nodePort work: the source 127.0.0.1 could not leave
//                the node un-NATed (see rules.ts, route_localnet)
//   no endpoints filter REJECT at the cluster IP, each external IP and the NodePort
//
// The result is remembered per ServicePort object (service-map.ts hands out the same object
// while its Service and Endpoints are unchanged), so a sync at 10,000 services builds the text
// of the few that changed, and rules.ts can tell "unchanged" by identity.

import type { Endpoint, ServicePort } from './service-map';

export interface PortRules {
  /** Lines for nat KUBE-SERVICES and KUBE-NODEPORTS, and filter KUBE-SERVICES / KUBE-EXTERNAL-SERVICES. */
  natServices: string[];
  natNodePorts: string[];
  filterServices: string[];
  filterExternal: string[];
  /** nat chains this port owns, chain → its rules as ONE piece of text (its "-A chain …" lines
   *  joined by "\n"; see ChainRules in rules.ts). Joined here, once per ServicePort. */
  chains: [string, readonly string[]][];
}

/** Mark bit kube-proxy uses for "masquerade this" (upstream --iptables-masquerade-bit=14). */
export const MASQ_MARK = '0x4000/0x4000';

export const comment = (text: string) => `-m comment --comment "${text}"`;

/**
 * The probability that rule i of n picks its endpoint, given the earlier rules did not:
 * 1/(n-i). Written as iptables-save prints it back — the statistic match keeps it as a 31-bit
 * fraction and prints 11 decimals — so 1/3 is 0.33333333349 and 1/2 is 0.50000000000.
 */
export function probability(remaining: number): string {
  const stored = Math.round(0x80000000 / remaining);
  return (stored / 0x80000000).toFixed(11);
}

/** `-p tcp … -m tcp --dport 80`: the protocol match comes before the comment, the port after. */
function portMatch(sp: ServicePort, port: number, commentText: string): string {
  return `-p ${sp.protocol} ${comment(commentText)} -m ${sp.protocol} --dport ${port}`;
}

const REJECT = '-j REJECT --reject-with icmp-port-unreachable';

function noEndpoints(sp: ServicePort, out: PortRules): void {
  const why = `${sp.name} has no endpoints`;
  out.filterServices.push(`-A KUBE-SERVICES -d ${sp.clusterIP}/32 ${portMatch(sp, sp.port, why)} ${REJECT}`);
  for (const ip of sp.externalIPs) {
    out.filterExternal.push(`-A KUBE-EXTERNAL-SERVICES -d ${ip}/32 ${portMatch(sp, sp.port, why)} ${REJECT}`);
  }
  if (sp.nodePort) {
    out.filterExternal.push(
      `-A KUBE-EXTERNAL-SERVICES -p ${sp.protocol} ${comment(why)} -m addrtype --dst-type LOCAL -m ${sp.protocol} --dport ${sp.nodePort} ${REJECT}`,
    );
  }
}

/** `-m recent` options naming one endpoint's list of recent clients, in iptables-save's order. */
function recent(action: string, ep: Endpoint): string {
  return `-m recent ${action} --name ${ep.chain} --mask 255.255.255.255 --rsource`;
}

/** The service chain: masquerade marks, sticky clients first (ClientIP affinity), the random pick. */
function serviceChain(sp: ServicePort, clusterCIDR: string): string[] {
  const rules: string[] = [];
  const add = (rule: string) => rules.push(`-A ${sp.chain} ${rule}`);
  add(
    `! -s ${clusterCIDR} -d ${sp.clusterIP}/32 ${portMatch(sp, sp.port, `${sp.name} cluster IP`)} -j KUBE-MARK-MASQ`,
  );
  if (sp.nodePort) add(`${portMatch(sp, sp.nodePort, sp.name)} -j KUBE-MARK-MASQ`);
  if (sp.affinitySeconds !== undefined) {
    for (const ep of sp.endpoints) {
      add(
        `${comment(sp.name)} ${recent(`--rcheck --seconds ${sp.affinitySeconds} --reap`, ep)} -j ${ep.chain}`,
      );
    }
  }
  const n = sp.endpoints.length;
  sp.endpoints.forEach((ep, i) => {
    const pick = i < n - 1 ? ` -m statistic --mode random --probability ${probability(n - i)}` : '';
    add(`${comment(sp.name)}${pick} -j ${ep.chain}`);
  });
  return rules;
}

/** An endpoint chain: mark hairpin traffic (a pod reaching itself), DNAT to ip:port. */
function endpointChain(sp: ServicePort, ep: Endpoint): string[] {
  const remember = sp.affinitySeconds !== undefined ? ` ${recent('--set', ep)}` : '';
  return [
    `-A ${ep.chain} -s ${ep.ip}/32 ${comment(sp.name)} -j KUBE-MARK-MASQ`,
    `-A ${ep.chain} -p ${sp.protocol} ${comment(sp.name)}${remember} -m ${sp.protocol} -j DNAT --to-destination ${ep.ip}:${ep.port}`,
  ];
}

function build(sp: ServicePort, clusterCIDR: string): PortRules {
  const out: PortRules = {
    natServices: [],
    natNodePorts: [],
    filterServices: [],
    filterExternal: [],
    chains: [],
  };
  if (sp.endpoints.length === 0) {
    noEndpoints(sp, out);
    return out;
  }
  out.natServices.push(
    `-A KUBE-SERVICES -d ${sp.clusterIP}/32 ${portMatch(sp, sp.port, `${sp.name} cluster IP`)} -j ${sp.chain}`,
  );
  for (const ip of sp.externalIPs) {
    const match = `-A KUBE-SERVICES -d ${ip}/32 ${portMatch(sp, sp.port, `${sp.name} external IP`)}`;
    out.natServices.push(`${match} -j KUBE-MARK-MASQ`, `${match} -j ${sp.chain}`);
  }
  if (sp.nodePort)
    out.natNodePorts.push(`-A KUBE-NODEPORTS ${portMatch(sp, sp.nodePort, sp.name)} -j ${sp.chain}`);
  out.chains.push([sp.chain, [serviceChain(sp, clusterCIDR).join('\n')]]);
  for (const ep of sp.endpoints) out.chains.push([ep.chain, [endpointChain(sp, ep).join('\n')]]);
  return out;
}

const memo = new WeakMap<ServicePort, { clusterCIDR: string; rules: PortRules }>();

/** The rules of `sp`; the same object for the same ServicePort (callers must not modify it). */
export function portRules(sp: ServicePort, clusterCIDR: string): PortRules {
  let m = memo.get(sp);
  if (m?.clusterCIDR !== clusterCIDR || !m) {
    m = { clusterCIDR, rules: build(sp, clusterCIDR) };
    memo.set(sp, m);
  }
  return m.rules;
}
