// Which routes this node should have to reach every other node's pods: PURE, so the decision is
// tested with tables of nodes and routes and routes.ts only carries it out.
//
//   minion1 (192.168.200.101, pods 10.244.1.0/24)   minion2 (192.168.200.102, pods 10.244.2.0/24)
//   on minion1: 10.244.2.0/24 via 192.168.200.102   on minion2: 10.244.1.0/24 via 192.168.200.101
//
// Only routes we added are ever deleted: they carry our own routing-protocol number (ROUTE_PROTO)
// and `current` is read back by that number, so a route an administrator added by hand is never
// seen here, let alone removed.

import type { Node } from '../api/types';

/**
 * Our `proto` tag on routes (`ip route … proto 201`). Unassigned in iproute2's rt_protos (187,
 * which one might pick, is isis there); upstream flannel's host-gw backend kept its own table of
 * routes instead of tagging them.
 */
export const ROUTE_PROTO = 201;

export interface Route {
  /** Pod CIDR of the other node, e.g. 10.244.2.0/24. */
  dst: string;
  /** That node's InternalIP. */
  via: string;
}

export interface RoutePlan {
  /** `ip route replace` each: new routes, and routes whose gateway changed. */
  add: Route[];
  /** `ip route del` each: routes of nodes that left or lost their pod CIDR. */
  del: Route[];
}

export function internalIP(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

/** The route to every other node that has both a pod CIDR and an InternalIP, sorted by destination. */
export function desiredRoutes(nodes: Node[], self: string): Route[] {
  const routes = new Map<string, Route>();
  for (const node of nodes) {
    const dst = node.spec?.podCIDR;
    const via = internalIP(node);
    if (node.metadata?.name === self || !dst || !via) continue;
    routes.set(dst, { dst, via });
  }
  return [...routes.values()].sort((a, b) => (a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0));
}

export function planRoutes(nodes: Node[], self: string, current: Route[]): RoutePlan {
  const want = desiredRoutes(nodes, self);
  const have = new Map(current.map((r) => [r.dst, r.via]));
  const wanted = new Set(want.map((r) => r.dst));
  return {
    add: want.filter((r) => have.get(r.dst) !== r.via),
    del: current.filter((r) => !wanted.has(r.dst)),
  };
}

/**
 * Routes that keep the cluster's own networks inside the cluster (PURE), as `ip route replace`
 * arguments. Without them a packet for a pod IP no node holds, or for a service IP kube-proxy
 * has no rule for, follows the default route out of the cluster (and an unrelated server may
 * answer it). The per-node /24 routes (and the local bridge) are more specific, so they win.
 *   cluster CIDR: `unreachable` — an unknown pod IP fails at once (EHOSTUNREACH / ICMP).
 *   service CIDR: to `lo`, with the node's own address as source. Not `unreachable`: a local
 *     connect() looks up its route BEFORE the nat OUTPUT hook DNATs the ClusterIP, so an
 *     unreachable route would break every ClusterIP from the node itself. Via lo the lookup
 *     succeeds, kube-proxy's DNAT re-routes the packet to the pod, and a ClusterIP without a
 *     rule is dropped on the node. (kube-proxy's IPVS mode puts the same range on a dummy
 *     device, kube-ipvs0; these node containers' kernel has no dummy module.)
 */
export function clusterRoutes(opts: {
  clusterCIDR: string;
  serviceCIDR?: string;
  nodeIP?: string;
}): string[][] {
  const proto = ['proto', String(ROUTE_PROTO)];
  const routes = [['unreachable', opts.clusterCIDR, ...proto]];
  if (opts.serviceCIDR)
    routes.push([opts.serviceCIDR, 'dev', 'lo', ...(opts.nodeIP ? ['src', opts.nodeIP] : []), ...proto]);
  return routes;
}
