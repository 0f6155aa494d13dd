// Pure IPv4 CIDR arithmetic for node IPAM (upstream's cidrset.go): the cluster CIDR
// 10.244.0.0/16 cut into /24s gives 256 node CIDRs, 10.244.0.0/24 … 10.244.255.0/24, handed out
// lowest free first.

export interface Cidr {
  base: number;
  bits: number;
}

export function parseCidr(text: string): Cidr {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`invalid CIDR "${text}"`);
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) throw new Error(`invalid CIDR "${text}"`);
  const ip = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  return { base: (ip & mask(bits)) >>> 0, bits };
}

function mask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

export function formatCidr(c: Cidr): string {
  return `${[24, 16, 8, 0].map((s) => (c.base >>> s) & 255).join('.')}/${c.bits}`;
}

/** The subnets of `cluster` with mask `size`, in order; 10.244.0.0/16 by /24 → 256 of them. */
export function subnetCount(cluster: Cidr, size: number): number {
  return size < cluster.bits ? 0 : 2 ** (size - cluster.bits);
}

export function subnet(cluster: Cidr, size: number, index: number): Cidr {
  return { base: (cluster.base + index * 2 ** (32 - size)) >>> 0, bits: size };
}

/** The lowest subnet not in `used` (CIDR strings), or undefined when the range is full. */
export function nextFree(cluster: Cidr, size: number, used: ReadonlySet<string>): string | undefined {
  const n = subnetCount(cluster, size);
  for (let i = 0; i < n; i++) {
    const c = formatCidr(subnet(cluster, size, i));
    if (!used.has(c)) return c;
  }
  return undefined;
}
