// Pod DNS: the resolv.conf the kubelet writes for each pod and mounts at /etc/resolv.conf in every
// container of it, the pause container included (upstream: pkg/kubelet/network/dns/dns.go
// GetPodDNS; flags --resolv-conf, --cluster-dns, --cluster-domain).
//
//   ClusterFirst (not hostNetwork), ClusterFirstWithHostNet → nameserver <cluster-dns>,
//       search <ns>.svc.<domain> svc.<domain> <domain> <the node's searches>, options ndots:5
//       — without --cluster-dns, upstream falls back to Default (event MissingClusterDNS)
//   ClusterFirst with hostNetwork, Default → the node's resolv.conf (--resolv-conf)
//   None → only spec.dnsConfig
//   spec.dnsConfig is then added to any of them (nameservers, searches; options by name).
//
// Docker's answer to a node whose resolv.conf lists only a loopback resolver (systemd-resolved's
// 127.0.0.53) is a public one (8.8.8.8). Never that: a loopback nameserver is useless inside the
// pod's own network namespace, so it is dropped there (kept for hostNetwork pods, which share the
// node's), and if nothing is left the file has no nameserver and an event says why.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod, PodDNSConfig } from 'kubernetes-types/core/v1';
import { podDir } from './volumes';

export interface DNSFlags {
  /** --resolv-conf: the node's file ('' = none). */
  resolvConf: string;
  /** --cluster-dns. */
  clusterDNS: string[];
  /** --cluster-domain. */
  clusterDomain: string;
}

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  options: string[];
}

/** Why the file is not what the pod asked for: an event on the pod (upstream's reasons). */
export interface DNSNote {
  reason: 'MissingClusterDNS' | 'DNSConfigForming';
  message: string;
}

/** Upstream's limits (validation.MaxDNSNameservers, MaxDNSSearchPaths). */
const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 32;

export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { nameservers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const [key, ...values] = raw
      .replace(/[#;].*$/, '')
      .trim()
      .split(/\s+/);
    if (key === 'nameserver' && values[0]) out.nameservers.push(values[0]);
    else if (key === 'search' || key === 'domain') out.searches = values.filter(Boolean);
    else if (key === 'options') out.options.push(...values.filter(Boolean));
  }
  return out;
}

export function formatResolvConf(r: ResolvConf): string {
  const lines = [
    ...r.nameservers.map((n) => `nameserver ${n}`),
    ...(r.searches.length ? [`search ${r.searches.join(' ')}`] : []),
    ...(r.options.length ? [`options ${r.options.join(' ')}`] : []),
  ];
  return lines.length ? `${lines.join('\n')}\n` : '';
}

const isLoopback = (ip: string) => /^127\./.test(ip) || ip === '::1';
const unique = (xs: string[]) => [...new Set(xs)];

/** The pod's resolv.conf from its policy, the kubelet's flags and the node's resolv.conf text. */
export function podResolvConf(
  pod: Pod,
  flags: DNSFlags,
  hostText: string,
): { conf: ResolvConf; notes: DNSNote[] } {
  const spec = pod.spec ?? { containers: [] };
  const hostNetwork = spec.hostNetwork === true;
  const notes: DNSNote[] = [];
  const policy = spec.dnsPolicy ?? 'ClusterFirst';
  let kind: 'cluster' | 'host' | 'none' =
    policy === 'None'
      ? 'none'
      : policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !hostNetwork)
        ? 'cluster'
        : 'host';
  if (kind === 'cluster' && flags.clusterDNS.length === 0) {
    notes.push({
      reason: 'MissingClusterDNS',
      message: `kubelet does not have ClusterDNS IP configured and cannot create Pod using "${policy}" policy. Falling back to "Default" policy.`,
    });
    kind = 'host';
  }
  const host = parseResolvConf(hostText);
  let conf: ResolvConf = { nameservers: [], searches: [], options: [] };
  if (kind === 'cluster') {
    const ns = pod.metadata?.namespace ?? 'default';
    const d = flags.clusterDomain;
    conf = {
      nameservers: [...flags.clusterDNS],
      searches: [`${ns}.svc.${d}`, `svc.${d}`, d, ...host.searches],
      options: ['ndots:5'],
    };
  } else if (kind === 'host') {
    const reachable = hostNetwork ? host.nameservers : host.nameservers.filter((n) => !isLoopback(n));
    if (reachable.length === 0 && host.nameservers.length > 0)
      notes.push({
        reason: 'DNSConfigForming',
        message: `the node's resolv.conf lists only loopback nameservers (${host.nameservers.join(', ')}), which the pod cannot reach: it gets no nameserver (set --resolv-conf to a file with reachable ones, or --cluster-dns)`,
      });
    conf = { nameservers: reachable, searches: host.searches, options: host.options };
  }
  conf = withDNSConfig(conf, spec.dnsConfig);
  if (conf.nameservers.length > MAX_NAMESERVERS) {
    notes.push({
      reason: 'DNSConfigForming',
      message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${conf.nameservers.slice(0, MAX_NAMESERVERS).join(' ')}`,
    });
    conf.nameservers = conf.nameservers.slice(0, MAX_NAMESERVERS);
  }
  conf.searches = conf.searches.slice(0, MAX_SEARCHES);
  return { conf, notes };
}

/** spec.dnsConfig on top: nameservers and searches appended (no duplicates), options replaced by name. */
function withDNSConfig(base: ResolvConf, extra: PodDNSConfig | undefined): ResolvConf {
  if (!extra) return base;
  const options = new Map(base.options.map((o) => [o.split(':')[0], o]));
  for (const o of extra.options ?? []) {
    if (!o.name) continue;
    options.set(o.name, o.value !== undefined ? `${o.name}:${o.value}` : o.name);
  }
  return {
    nameservers: unique([...base.nameservers, ...(extra.nameservers ?? [])]),
    searches: unique([...base.searches, ...(extra.searches ?? [])]),
    options: [...options.values()],
  };
}

/** Write the pod's resolv.conf under its pod directory; returns the Docker bind for it. */
export async function setUpPodDNS(
  rootDir: string,
  pod: Pod,
  flags: DNSFlags,
): Promise<{ bind: string; notes: DNSNote[] }> {
  const hostText = flags.resolvConf ? await readFile(flags.resolvConf, 'utf8').catch(() => '') : '';
  const { conf, notes } = podResolvConf(pod, flags, hostText);
  const dir = podDir(rootDir, pod.metadata?.uid ?? '');
  const path = join(dir, 'etc-resolv.conf');
  const text = formatResolvConf(conf);
  if ((await readFile(path, 'utf8').catch(() => undefined)) !== text) {
    await mkdir(dir, { recursive: true });
    await writeFile(path, text);
  }
  return { bind: `${path}:/etc/resolv.conf`, notes };
}
