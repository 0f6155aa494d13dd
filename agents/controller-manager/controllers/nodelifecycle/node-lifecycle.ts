// The node lifecycle controller (node_lifecycle_controller.go + taint_eviction.go). Every
// --node-monitor-period (5 s) it looks at every node; events on nodes (cordon) wake it sooner.
// sync(node):
//   1. observe the heartbeat (Ready's lastHeartbeatTime, the kube-node-lease Lease's renewTime);
//   2. silent past the grace period → conditions Unknown, event NodeNotReady, pods Ready=False
//      (so the endpoints controllers drop them at once);
//   3. bring the not-ready / unreachable / unschedulable taints in line with the node's state;
//   4. evict pods whose toleration of a NoExecute taint ran out (come back when the next one does).

import { R } from '../../../api/resources';
import { objectKey } from '../../../api/types';
import type { Controller, ControllerContext } from '../../controller';
import { clone, ignoreNotFound, isoNow, type LeaseObj, type NodeObj, type PodObj } from '../common/objects';
import { isPodReady } from '../common/pods';
import {
  desiredTaints,
  isStale,
  type NodeHealth,
  observeHeartbeat,
  readyOf,
  taintsEqual,
  unknownConditions,
} from './node-health';
import { evictionTime } from './taint-eviction';

const LEASE_NAMESPACE = 'kube-node-lease';

export function newNodeLifecycleController(ctx: ControllerContext, workers = 2): Controller {
  const nodes = ctx.informers.for<NodeObj>(R.nodes);
  const leases = ctx.informers.for<LeaseObj>(R.leases);
  const pods = ctx.informers.for<PodObj>(R.pods);
  const health = new Map<string, NodeHealth>();
  const podsByNode = indexPodsByNode(pods);
  const { queue, client, recorder, config } = ctx;

  nodes.addEventHandler({
    add: (n) => queue.add(objectKey(n)),
    update: (_o, n) => queue.add(objectKey(n)),
    delete: (n) => health.delete(objectKey(n)),
  });

  async function sync(name: string): Promise<void> {
    let node = nodes.get(name);
    if (!node) return;
    const now = ctx.now();
    const h = observeHeartbeat(health.get(name), node, leases.get(`${LEASE_NAMESPACE}/${name}`), now);
    health.set(name, h);
    if (isStale(h, node, now, config.nodeMonitorGracePeriodMs)) {
      const body = clone(node);
      body.status.conditions = unknownConditions(node, now);
      node = await client.update<NodeObj>(R.nodes, body, { subresource: 'status' });
      recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
      ctx.log(`node ${name} went silent: Ready=Unknown`);
    }
    if (readyOf(node)?.status === 'Unknown') await markPodsNotReady(name, now);
    const taints = desiredTaints(node, now);
    if (!taintsEqual(taints, node.spec?.taints)) {
      const body = clone(node);
      body.spec.taints = taints;
      node = await client.update<NodeObj>(R.nodes, body);
    }
    await evictPods(node, now);
  }

  async function markPodsNotReady(nodeName: string, now: number): Promise<void> {
    for (const pod of podsByNode(nodeName)) {
      if (!isPodReady(pod)) continue;
      const body = clone(pod);
      body.status.conditions = body.status.conditions.map((c: any) =>
        c.type === 'Ready'
          ? { ...c, status: 'False', lastTransitionTime: isoNow(now), reason: 'NodeNotReady' }
          : c,
      );
      await client.update(R.pods, body, { subresource: 'status' }).catch(ignoreNotFound);
    }
  }

  async function evictPods(node: NodeObj, now: number): Promise<void> {
    const noExecute = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
    if (noExecute.length === 0) return;
    let next = Number.POSITIVE_INFINITY;
    for (const pod of podsByNode(node.metadata?.name ?? '')) {
      if (pod.metadata?.deletionTimestamp) continue;
      const at = evictionTime(pod.spec?.tolerations, noExecute);
      if (at <= now) {
        recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${objectKey(pod)}`);
        await client.delete(R.pods, pod.metadata?.namespace, pod.metadata?.name ?? '').catch(ignoreNotFound);
      } else next = Math.min(next, at);
    }
    if (Number.isFinite(next)) queue.addAfter(node.metadata?.name ?? '', next - now + 100);
  }

  return {
    name: 'node-lifecycle',
    queue,
    workers,
    sync,
    tick: {
      everyMs: config.nodeMonitorPeriodMs,
      run: () => {
        for (const n of nodes.list()) queue.add(objectKey(n));
      },
    },
  };
}

/** Pods by spec.nodeName, kept by the pod handlers, so a sync need not scan every pod. */
function indexPodsByNode(pods: ReturnType<ControllerContext['informers']['for']>) {
  const byNode = new Map<string, Set<string>>();
  const put = (p: PodObj) => {
    const n = p.spec?.nodeName;
    if (!n) return;
    if (!byNode.has(n)) byNode.set(n, new Set());
    byNode.get(n)!.add(objectKey(p));
  };
  const drop = (p: PodObj) => byNode.get(p.spec?.nodeName ?? '')?.delete(objectKey(p));
  for (const p of pods.list() as PodObj[]) put(p);
  pods.addEventHandler({
    add: (p) => put(p as PodObj),
    update: (o, p) => {
      drop(o as PodObj);
      put(p as PodObj);
    },
    delete: (p) => drop(p as PodObj),
  });
  return (node: string): PodObj[] =>
    [...(byNode.get(node) ?? [])]
      .map((k) => pods.get(k) as PodObj | undefined)
      .filter((p): p is PodObj => p !== undefined && p.spec?.nodeName === node);
}
