// Node IPAM (nodeipam's range allocator): each Node gets spec.podCIDR, a /24 from
// --cluster-cidr, which the kubelet gives its bridge and the other nodes route to. A Node that
// registered with a podCIDR keeps it, and that range counts as taken. sync(node): already has
// one → done; else take the lowest /24 no node holds (nor one we just handed out and the cache
// has not seen yet) and write it.

import { R } from '../../../api/resources';
import { objectKey } from '../../../api/types';
import type { Controller, ControllerContext } from '../../controller';
import type { NodeObj } from '../common/objects';
import { formatCidr, nextFree, parseCidr } from './cidr-set';

export function newNodeIpamController(ctx: ControllerContext): Controller {
  const nodes = ctx.informers.for<NodeObj>(R.nodes);
  const cluster = parseCidr(ctx.config.flags.clusterCidr);
  const size = ctx.config.flags.nodeCidrMaskSize;
  /** Handed out by this process, keyed by node: the informer may not show them yet. */
  const inFlight = new Map<string, string>();
  const { queue, client } = ctx;
  nodes.addEventHandler({
    add: (n) => queue.add(objectKey(n)),
    update: (_o, n) => queue.add(objectKey(n)),
    delete: (n) => inFlight.delete(objectKey(n)),
  });

  async function sync(name: string): Promise<void> {
    const node = nodes.get(name);
    if (!node || node.spec?.podCIDR) {
      inFlight.delete(name);
      return;
    }
    const used = new Set<string>(inFlight.values());
    for (const n of nodes.list())
      for (const c of n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : [])) used.add(normalise(c));
    const cidr = inFlight.get(name) ?? nextFree(cluster, size, used);
    if (!cidr) {
      ctx.recorder.event(node, 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
      return;
    }
    inFlight.set(name, cidr);
    await client.patch(R.nodes, undefined, name, 'merge', { spec: { podCIDR: cidr, podCIDRs: [cidr] } });
    ctx.recorder.event(
      node,
      'Normal',
      'CIDRAssignmentSucceeded',
      `Node ${name} was assigned podCIDR ${cidr}`,
    );
  }

  return { name: 'nodeipam', queue, workers: 1, sync };
}

function normalise(text: string): string {
  try {
    return formatCidr(parseCidr(text));
  } catch {
    return text;
  }
}
