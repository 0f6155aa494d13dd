// Pure decisions of the node lifecycle controller (node_lifecycle_controller.go,
// tryUpdateNodeHealth / doNoExecuteTaintingPass, by vocabulary).
//
// Heartbeats are judged on OUR clock: we remember when we last saw the node's heartbeat change
// (its Ready condition's lastHeartbeatTime, or its Lease's renewTime), so a kubelet whose clock
// is wrong is still judged correctly. No change for --node-monitor-grace-period (40 s) → the
// node's conditions become Unknown, "Kubelet stopped posting node status."

import type { NodeCondition, Taint } from 'kubernetes-types/core/v1';
import { isoNow, type LeaseObj, type NodeObj } from '../common/objects';

export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
const MANAGED = new Set([TAINT_UNREACHABLE, TAINT_NOT_READY, TAINT_UNSCHEDULABLE]);

export interface NodeHealth {
  /** What the node last told us: Ready's lastHeartbeatTime and the Lease's renewTime. */
  heartbeat: string;
  /** When (our clock) that last changed. */
  probeTime: number;
}

export function observeHeartbeat(
  prev: NodeHealth | undefined,
  node: NodeObj,
  lease: LeaseObj | undefined,
  now: number,
): NodeHealth {
  const heartbeat = `${readyOf(node)?.lastHeartbeatTime ?? ''}|${lease?.spec?.renewTime ?? ''}`;
  if (prev && prev.heartbeat === heartbeat) return prev;
  return { heartbeat, probeTime: now };
}

export function readyOf(node: NodeObj): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready');
}

/** Silent for longer than the grace period, and not yet marked Unknown. */
export function isStale(health: NodeHealth, node: NodeObj, now: number, gracePeriodMs: number): boolean {
  return now - health.probeTime > gracePeriodMs && readyOf(node)?.status !== 'Unknown';
}

/**
 * The conditions of a node that went silent: every kubelet-owned condition becomes Unknown with
 * reason NodeStatusUnknown (Ready added with NodeStatusNeverUpdated if the kubelet never posted it).
 */
export function unknownConditions(node: NodeObj, now: number): NodeCondition[] {
  const t = isoNow(now);
  const out = (node.status?.conditions ?? []).map((c) =>
    c.status === 'Unknown'
      ? c
      : {
          ...c,
          status: 'Unknown',
          reason: 'NodeStatusUnknown',
          message: 'Kubelet stopped posting node status.',
          lastTransitionTime: t,
        },
  );
  if (!out.some((c) => c.type === 'Ready')) {
    out.push({
      type: 'Ready',
      status: 'Unknown',
      reason: 'NodeStatusNeverUpdated',
      message: 'Kubelet never posted node status.',
      lastHeartbeatTime: t,
      lastTransitionTime: t,
    });
  }
  return out;
}

/**
 * The node's taints with ours brought in line with its state:
 *   Ready Unknown  → unreachable:NoExecute + unreachable:NoSchedule
 *   Ready False    → not-ready:NoExecute + not-ready:NoSchedule
 *   spec.unschedulable (cordon) → unschedulable:NoSchedule
 * Taints someone else put there are kept; a taint we keep keeps its timeAdded, because the
 * eviction clock (tolerationSeconds) runs from it.
 */
export function desiredTaints(node: NodeObj, now: number): Taint[] {
  const ready = readyOf(node)?.status;
  const want: Taint[] = [];
  if (ready === 'Unknown')
    want.push(
      { key: TAINT_UNREACHABLE, effect: 'NoExecute' },
      { key: TAINT_UNREACHABLE, effect: 'NoSchedule' },
    );
  if (ready === 'False')
    want.push({ key: TAINT_NOT_READY, effect: 'NoExecute' }, { key: TAINT_NOT_READY, effect: 'NoSchedule' });
  if (node.spec?.unschedulable) want.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  const current = node.spec?.taints ?? [];
  const same = (a: Taint, b: Taint) => a.key === b.key && a.effect === b.effect;
  const kept = current.filter((t) => !MANAGED.has(t.key) || want.some((w) => same(w, t)));
  for (const w of want) {
    if (kept.some((t) => same(t, w))) continue;
    kept.push(w.effect === 'NoExecute' ? { ...w, timeAdded: isoNow(now) } : w);
  }
  return kept;
}

export function taintsEqual(a: readonly Taint[] | undefined, b: readonly Taint[] | undefined): boolean {
  const key = (t: Taint) => `${t.key}=${t.value ?? ''}:${t.effect}@${t.timeAdded ?? ''}`;
  const ka = (a ?? []).map(key).sort();
  const kb = (b ?? []).map(key).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
}
