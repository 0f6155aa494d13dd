// Chain names kube-proxy gives each service port and endpoint, spelled exactly as upstream's
// iptables proxier does (pkg/proxy/iptables/proxier.go: servicePortChainName,
// servicePortEndpointChainName), so that `iptables-save` on a nodekube minion reads like the
// seeds' transcripts and a reader can grep upstream for KUBE-SVC-NPX46M4PTMTKRN6Y.
//
// A name is a prefix plus the first 16 characters of base32(sha256(text)). Hashing keeps names
// inside iptables' 28-character limit whatever the namespace and service are called, and makes
// them stable across restarts, so a sync only rewrites chains whose content changed.
//
//   default/kubernetes:https + tcp              → KUBE-SVC-NPX46M4PTMTKRN6Y
//   default/httpd-app + tcp + 10.244.1.2:80     → KUBE-SEP-JEHA6AXBK4XAVWB5

import { createHash } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (Go's base32.StdEncoding), without padding: we only keep a prefix anyway. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/**
 * Names are recomputed for every service and endpoint on every sync, so they are remembered:
 * at 1,000 services × 5 endpoints that is 6,000 sha256s a sync saved. Bounded, in case of churn.
 */
const memo = new Map<string, string>();
const MEMO_LIMIT = 100_000;

function hash16(text: string): string {
  let name = memo.get(text);
  if (name === undefined) {
    // 16 base32 characters are 80 bits: the first 10 bytes of the digest are all we encode.
    name = base32(createHash('sha256').update(text).digest().subarray(0, 10));
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(text, name);
  }
  return name;
}

/**
 * "namespace/name:port" (ServicePortName.String() upstream); the ":port" part is left out when
 * the port has no name, which a single-port service may do.
 */
export function servicePortName(namespace: string, name: string, portName?: string): string {
  return portName ? `${namespace}/${name}:${portName}` : `${namespace}/${name}`;
}

/** Lower-case protocol as it appears in the hash and in `-p tcp`. */
export type Protocol = 'tcp' | 'udp' | 'sctp';

export function serviceChainName(portName: string, protocol: Protocol): string {
  return `KUBE-SVC-${hash16(portName + protocol)}`;
}

/** Load-balancer firewall chain (KUBE-FW-); declared for completeness of the naming scheme. */
export function firewallChainName(portName: string, protocol: Protocol): string {
  return `KUBE-FW-${hash16(portName + protocol)}`;
}

/** `endpoint` is "ip:port", the address the SEP chain DNATs to. */
export function endpointChainName(portName: string, protocol: Protocol, endpoint: string): string {
  return `KUBE-SEP-${hash16(portName + protocol + endpoint)}`;
}

/** Chains whose names carry a hash: the ones a sync may find stale and delete. */
export function isPerServiceChain(chain: string): boolean {
  return /^KUBE-(SVC|SEP|FW|XLB|EXT)-[A-Z2-7]{16}$/.test(chain);
}

/** An endpoint's chain (KUBE-SEP-): a leaf, which the service chains jump to. */
export function isEndpointChain(chain: string): boolean {
  return chain.startsWith('KUBE-SEP-');
}
