// Fake addresses for hollow nodes, from ranges no test network uses:
//   node i   a synthetic InternalIP 10.200.<i div 250>.<i mod 250 + 1> (up to 64k nodes), for Node
//            objects nothing dials (bench/scheduler.ts). Running hollow nodes advertise 127.0.0.1
//            instead, where their kubelet endpoint answers (kubelet-endpoint.ts, issue 13).
//   pods     the node's spec.podCIDR when the controller-manager gave it one, else the node's own
//            /24 in 10.128.0.0/9: 10.<128 + i div 256>.<i mod 256>.0/24
// Pod IPs are .2 … .254 of the node's /24, lowest free first, released when the pod goes.

export function nodeInternalIP(index: number): string {
  return `10.200.${Math.floor(index / 250) % 256}.${(index % 250) + 1}`;
}

export function fallbackPodCIDR(index: number): string {
  return `10.${128 + (Math.floor(index / 256) % 128)}.${index % 256}.0/24`;
}

/** `10.244.3.0/24` → `10.244.3.` (only /24 and wider are used here; we take the first /24). */
function prefixOf(cidr: string): string {
  const [ip] = cidr.split('/');
  const [a, b, c] = ip.split('.');
  return `${a}.${b}.${c}.`;
}

export class PodIPAllocator {
  private readonly byPod = new Map<string, number>();
  private readonly used = new Set<number>();

  /** The pod's IP (the same one on every call until release). */
  allocate(podKey: string, cidr: string): string {
    let host = this.byPod.get(podKey);
    if (host === undefined) {
      host = 2;
      while (this.used.has(host) && host < 254) host++;
      this.used.add(host);
      this.byPod.set(podKey, host);
    }
    return prefixOf(cidr) + host;
  }

  release(podKey: string): void {
    const host = this.byPod.get(podKey);
    if (host === undefined) return;
    this.byPod.delete(podKey);
    this.used.delete(host);
  }
}
