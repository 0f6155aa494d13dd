// ClusterIP and NodePort allocation (upstream: registry/core/service/ipallocator and
// portallocator, storage in /registry/ranges/serviceips and /registry/ranges/servicenodeports).
//
// The allocated sets live in etcd next to the objects and are written in the same transaction
// as the Service that takes or frees them (see EtcdStore SideWrite), so an allocation exists
// exactly when its Service does — across apiserver restarts, and with nothing half-written.
// The planning is pure: `planAllocation(svc, old, state)` returns the filled-in Service and the
// new sets, or throws 422 Invalid with upstream's messages.

import { cloneJson } from '../../api/clone';
import type { FieldCause } from '../../api/errors';
import { invalid } from '../../api/errors';
import type { KubeObject } from '../../api/types';
import type { EtcdStore, SideWrite } from '../storage/etcd-store';

export interface IpRange {
  cidr: string;
  base: number;
  size: number;
}
export interface PortRange {
  text: string;
  min: number;
  max: number;
}

export function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return Number.NaN;
  return ((p[0] << 24) >>> 0) + (p[1] << 16) + (p[2] << 8) + p[3];
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCidr(cidr: string): IpRange {
  const [ip, bits] = cidr.split('/');
  const prefix = Number(bits);
  const addr = ipToInt(ip);
  if (Number.isNaN(addr) || !(prefix >= 8 && prefix <= 30)) throw new Error(`invalid CIDR ${cidr}`);
  const size = 2 ** (32 - prefix);
  return { cidr, base: addr - (addr % size), size };
}

export function parsePortRange(text: string): PortRange {
  const [min, max] = text.split('-').map(Number);
  if (!(min > 0 && max >= min && max < 65536)) throw new Error(`invalid port range ${text}`);
  return { text, min, max };
}

export interface AllocationState {
  /** Offsets into the IP range (1 = the first usable address, 10.96.0.1). */
  ips: Set<number>;
  ports: Set<number>;
}

interface ServicePort {
  port?: number;
  protocol?: string;
  nodePort?: number;
}
interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
}

const wantsNodePorts = (t?: string) => t === 'NodePort' || t === 'LoadBalancer';
const hasClusterIP = (s: ServiceSpec) => s.type !== 'ExternalName' && s.clusterIP !== 'None';

/** Offsets and ports a stored Service holds. */
export function heldBy(svc: KubeObject | undefined, range: IpRange): { ips: number[]; ports: number[] } {
  const spec = (svc?.spec ?? {}) as ServiceSpec;
  const ips =
    spec.clusterIP && spec.clusterIP !== 'None'
      ? [ipToInt(spec.clusterIP) - range.base].filter((o) => o > 0 && o < range.size)
      : [];
  const ports = wantsNodePorts(spec.type)
    ? (spec.ports ?? []).map((p) => p.nodePort).filter((p): p is number => !!p)
    : [];
  return { ips, ports };
}

function pickFree(used: Set<number>, min: number, max: number, rand: () => number): number | undefined {
  const span = max - min + 1;
  const start = Math.floor(rand() * span);
  for (let i = 0; i < span; i++) {
    const v = min + ((start + i) % span);
    if (!used.has(v)) return v;
  }
  return undefined;
}

export interface PlanInput {
  svc: KubeObject;
  old?: KubeObject;
  state: AllocationState;
  ipRange: IpRange;
  portRange: PortRange;
  rand?: () => number;
}

/** Fill in clusterIP and nodePorts, returning the Service to store and the sets after the write. */
export function planAllocation({ svc, old, state, ipRange, portRange, rand = Math.random }: PlanInput): {
  svc: KubeObject;
  state: AllocationState;
} {
  const next = cloneJson(svc);
  const spec = (next.spec ?? {}) as ServiceSpec;
  next.spec = spec as Record<string, unknown>;
  const oldSpec = (old?.spec ?? {}) as ServiceSpec;
  const held = heldBy(old, ipRange);
  const ips = new Set(state.ips);
  const ports = new Set(state.ports);
  for (const o of held.ips) ips.delete(o);
  for (const p of held.ports) ports.delete(p);
  const causes: FieldCause[] = [];
  const name = next.metadata?.name ?? '';

  if (hasClusterIP(spec)) {
    // An update that leaves clusterIP empty keeps the one it had (upstream patchAllocatedValues).
    if (!spec.clusterIP && oldSpec.clusterIP && oldSpec.clusterIP !== 'None')
      spec.clusterIP = oldSpec.clusterIP;
    if (spec.clusterIP) {
      const off = ipToInt(spec.clusterIP) - ipRange.base;
      const bad = (why: string) =>
        causes.push({
          type: 'FieldValueInvalid',
          field: 'spec.clusterIPs[0]',
          message: `Invalid value: "${spec.clusterIP}": failed to allocate IP ${spec.clusterIP}: ${why}`,
        });
      if (!(off > 0 && off < ipRange.size - 1))
        bad(`provided IP is not in the valid range. The range of valid IPs is ${ipRange.cidr}`);
      else if (ips.has(off)) bad('provided IP is already allocated');
      else ips.add(off);
    } else {
      // The `kubernetes` Service in `default` takes the first address, as upstream's bootstrap does.
      const isMaster = name === 'kubernetes' && next.metadata?.namespace === 'default' && !ips.has(1);
      const off = isMaster ? 1 : pickFree(ips, 2, ipRange.size - 2, rand);
      if (off === undefined)
        causes.push({
          type: 'FieldValueInvalid',
          field: 'spec.clusterIPs',
          message: 'Internal error: range is full',
        });
      else {
        ips.add(off);
        spec.clusterIP = intToIp(ipRange.base + off);
      }
    }
    if (spec.clusterIP) spec.clusterIPs = [spec.clusterIP];
  } else if (spec.clusterIP === 'None') {
    spec.clusterIPs = ['None'];
  }

  if (wantsNodePorts(spec.type)) {
    (spec.ports ?? []).forEach((p, i) => {
      if (!p.nodePort) {
        const prev = wantsNodePorts(oldSpec.type)
          ? oldSpec.ports?.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'))
          : undefined;
        if (prev?.nodePort && !ports.has(prev.nodePort)) p.nodePort = prev.nodePort;
      }
      if (p.nodePort) {
        const bad = (why: string) =>
          causes.push({
            type: 'FieldValueInvalid',
            field: `spec.ports[${i}].nodePort`,
            message: `Invalid value: ${p.nodePort}: ${why}`,
          });
        if (p.nodePort < portRange.min || p.nodePort > portRange.max)
          bad(`provided port is not in the valid range. The range of valid ports is ${portRange.text}`);
        else if (ports.has(p.nodePort)) bad('provided port is already allocated');
        else ports.add(p.nodePort);
        return;
      }
      const picked = pickFree(ports, portRange.min, portRange.max, rand);
      if (picked === undefined)
        causes.push({
          type: 'FieldValueInvalid',
          field: `spec.ports[${i}].nodePort`,
          message: 'Internal error: range is full',
        });
      else {
        ports.add(picked);
        p.nodePort = picked;
      }
    });
  } else {
    for (const p of spec.ports ?? []) delete p.nodePort;
  }
  if (causes.length) throw invalid('Service', '', name, causes);
  return { svc: next, state: { ips, ports } };
}

export const SERVICE_IPS_KEY = '/registry/ranges/serviceips';
export const NODE_PORTS_KEY = '/registry/ranges/servicenodeports';

/** Reads and writes the two allocation keys; the registry adds its writes to the Service's txn. */
export class ServiceAllocator {
  constructor(
    private readonly store: EtcdStore,
    readonly ipRange: IpRange,
    readonly portRange: PortRange,
  ) {}

  /** The current sets and the SideWrites that would replace them with `next`. */
  async load(): Promise<{ state: AllocationState; writes: (next: AllocationState) => SideWrite[] }> {
    const [ipsRaw, portsRaw] = await Promise.all([
      this.store.getRaw(SERVICE_IPS_KEY),
      this.store.getRaw(NODE_PORTS_KEY),
    ]);
    const parse = (raw: { value: string } | null) =>
      new Set<number>(raw ? (JSON.parse(raw.value).allocated as number[]) : []);
    const state = { ips: parse(ipsRaw), ports: parse(portsRaw) };
    const writes = (next: AllocationState): SideWrite[] => [
      {
        key: SERVICE_IPS_KEY,
        expectedRevision: ipsRaw?.revision ?? 0,
        value: JSON.stringify({ range: this.ipRange.cidr, allocated: [...next.ips].sort((a, b) => a - b) }),
      },
      {
        key: NODE_PORTS_KEY,
        expectedRevision: portsRaw?.revision ?? 0,
        value: JSON.stringify({
          range: this.portRange.text,
          allocated: [...next.ports].sort((a, b) => a - b),
        }),
      },
    ];
    return { state, writes };
  }

  /** The sets once `svc` is gone. */
  release(state: AllocationState, svc: KubeObject): AllocationState {
    const held = heldBy(svc, this.ipRange);
    const ips = new Set(state.ips);
    const ports = new Set(state.ports);
    for (const o of held.ips) ips.delete(o);
    for (const p of held.ports) ports.delete(p);
    return { ips, ports };
  }
}
