// NodeAffinity (plugins/nodeaffinity, component-helpers nodeaffinity.go): the pod's nodeSelector
// (every label must be equal) AND its required node affinity. Required affinity is a list of
// nodeSelectorTerms, ORed; inside one term every matchExpression (on labels) and matchField
// (only metadata.name exists) must hold. A term with nothing in it matches no node.

import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod } from 'kubernetes-types/core/v1';
import { type FilterPlugin, type NodeInfo, type Status, SUCCESS, unresolvable } from '../framework';

export const NAME = 'NodeAffinity';
export const REASON_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

/** One requirement against one value (`undefined` when the label is missing). */
export function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      // Both sides must be integers; anything else never matches.
      if (value === undefined || values.length !== 1 || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(values[0]))
        return false;
      return req.operator === 'Gt' ? Number(value) > Number(values[0]) : Number(value) < Number(values[0]);
    }
    default:
      return false;
  }
}

export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  if (!exprs.every((r) => requirementMatches(r, labels[r.key]))) return false;
  // matchFields knows one field: metadata.name (what DaemonSets pin their pods with).
  return fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, node.metadata?.name));
}

export function nodeMatchesPodAffinity(pod: Pod, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => termMatches(t, node));
}

export const nodeAffinity: FilterPlugin = {
  name: NAME,
  filter(pod: Pod, { node }: NodeInfo): Status {
    return nodeMatchesPodAffinity(pod, node) ? SUCCESS : unresolvable(REASON_AFFINITY);
  },
};
