// Revisions and the annotations that carry them (deployment_util.go). `kubectl rollout history`
// and `rollout undo` read these off the ReplicaSets, so the names are upstream's exactly.

import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../../api/types';
import { canonicalJson, type ReplicaSetObj, semantic } from '../common/objects';

export const REVISION = 'deployment.kubernetes.io/revision';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const POD_TEMPLATE_HASH = 'pod-template-hash';

/** Annotations a Deployment does not hand down to its ReplicaSets (everything else, e.g. change-cause, is copied). */
const NOT_COPIED = new Set([
  REVISION,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision-history',
]);

export function revisionOf(obj: KubeObject): number {
  const v = Number(obj.metadata?.annotations?.[REVISION]);
  return Number.isInteger(v) ? v : 0;
}

export function maxRevision(rss: KubeObject[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

/** The annotations the new ReplicaSet should carry: the deployment's own, plus the bookkeeping. */
export function newRSAnnotations(
  deployAnnotations: Record<string, string> | undefined,
  current: Record<string, string> | undefined,
  revision: number,
  replicas: number,
  surge: number,
): Record<string, string> {
  const out: Record<string, string> = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(deployAnnotations ?? {})) if (!NOT_COPIED.has(k)) out[k] = v;
  out[REVISION] = String(revision);
  out[DESIRED_REPLICAS] = String(replicas);
  out[MAX_REPLICAS] = String(replicas + surge);
  return out;
}

/** EqualIgnoreHash: does this ReplicaSet's template equal the deployment's, but for the hash label? */
export function templateMatches(rs: ReplicaSetObj, template: PodTemplateSpec | undefined): boolean {
  return (
    canonicalJson(semantic(withoutHash(rs.spec?.template))) === canonicalJson(semantic(withoutHash(template)))
  );
}

function withoutHash(t: PodTemplateSpec | undefined): unknown {
  if (!t) return {};
  const labels = { ...(t.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH];
  const metadata = { ...(t.metadata ?? {}), labels };
  if (Object.keys(labels).length === 0) delete (metadata as any).labels;
  return { ...t, metadata };
}
