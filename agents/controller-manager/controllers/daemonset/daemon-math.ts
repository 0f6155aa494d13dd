// Pure decisions of the DaemonSet controller (daemon_controller.go, util/daemonset_util.go):
// which nodes should run a daemon pod, how the pod is pinned to its node, and how many old
// pods a RollingUpdate may replace now.

import type {
  Affinity,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  Toleration,
} from 'kubernetes-types/core/v1';
import type { DaemonSetObj, NodeObj } from '../common/objects';
import { selectorMatches } from '../common/selector';
import { resolveIntOrPercent } from '../deployment/rollout-math';
import { tolerates } from '../nodelifecycle/taint-eviction';

/**
 * Tolerations every daemon pod gets (AddOrUpdateDaemonPodTolerations): a daemon keeps running
 * through node trouble and on cordoned nodes, which is what `kubectl drain` expects to find.
 */
export function daemonTolerations(hostNetwork: boolean): Toleration[] {
  const t: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork)
    t.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return t;
}

export function withDaemonTolerations(
  own: readonly Toleration[] | undefined,
  hostNetwork: boolean,
): Toleration[] {
  const out = [...(own ?? [])];
  for (const t of daemonTolerations(hostNetwork)) {
    if (!out.some((o) => o.key === t.key && o.effect === t.effect)) out.push(t);
  }
  return out;
}

function requirementHolds(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const has = value !== undefined;
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return has && values.includes(value);
    case 'NotIn':
      return !has || !values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt':
      return (
        has &&
        /^-?\d+$/.test(value) &&
        (req.operator === 'Gt' ? Number(value) > Number(values[0]) : Number(value) < Number(values[0]))
      );
    default:
      return false;
  }
}

function termMatches(term: NodeSelectorTerm, node: NodeObj): boolean {
  const labels = node.metadata?.labels ?? {};
  return (
    (term.matchExpressions ?? []).every((r) => requirementHolds(r, labels[r.key])) &&
    (term.matchFields ?? []).every((r) =>
      requirementHolds(r, r.key === 'metadata.name' ? node.metadata?.name : undefined),
    )
  );
}

/** nodeShouldRunDaemonPod: nodeSelector, required node affinity, and every NoSchedule/NoExecute taint tolerated. */
export function shouldRun(ds: DaemonSetObj, node: NodeObj): boolean {
  const spec = ds.spec?.template?.spec;
  if (
    spec?.nodeSelector &&
    !selectorMatches({ matchLabels: { ...spec.nodeSelector } }, node.metadata?.labels)
  )
    return false;
  const terms =
    spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && terms.length > 0 && !terms.some((t) => termMatches(t, node))) return false;
  const tolerations = withDaemonTolerations(spec?.tolerations, spec?.hostNetwork === true);
  return (node.spec?.taints ?? [])
    .filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')
    .every((taint) => tolerations.some((tol) => tolerates(tol, taint)));
}

/**
 * The daemon pod's affinity, pinned to one node the way upstream does since 1.12 (so the
 * scheduler, not this controller, binds it): required terms get `metadata.name In [node]`.
 */
export function pinToNode(affinity: Affinity | undefined, nodeName: string): Affinity {
  const pin: NodeSelectorRequirement = { key: 'metadata.name', operator: 'In', values: [nodeName] };
  const terms =
    affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const pinned = terms.length
    ? terms.map((t) => ({
        ...t,
        matchFields: [...(t.matchFields ?? []).filter((f) => f.key !== 'metadata.name'), pin],
      }))
    : [{ matchFields: [pin] }];
  return {
    ...(affinity ?? {}),
    nodeAffinity: {
      ...(affinity?.nodeAffinity ?? {}),
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: pinned },
    },
  };
}

/**
 * RollingUpdate: how many old pods to delete now. maxUnavailable (default 1) of the desired
 * number may be down at once; pods already unavailable count against it. 3 nodes, maxUnavailable
 * 1, all available → replace 1; one new pod still starting → replace 0.
 */
export function rollingBudget(
  maxUnavailable: number | string | undefined,
  desired: number,
  unavailable: number,
): number {
  const max = Math.max(1, resolveIntOrPercent(maxUnavailable ?? 1, desired, true));
  return Math.max(0, max - unavailable);
}
