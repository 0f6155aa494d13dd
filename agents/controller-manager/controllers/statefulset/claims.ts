// Pure: a StatefulSet's per-ordinal PersistentVolumeClaims (stateful_set_utils.go
// getPersistentVolumeClaims, updateStorage, isClaimOwnerUpToDate). Template `data` of set `web`
// gives pod `web-0` the claim `data-web-0`, made before the pod and named by the pod's volume
// `data`, so a replacement web-0 finds the same data. Claims outlive their pods; what removes
// them is persistentVolumeClaimRetentionPolicy, expressed as owner references for the garbage
// collector:
//   whenDeleted: Delete → the claim is owned by the set (deleting the set deletes it)
//   whenScaled:  Delete → a claim of a condemned ordinal (≥ start + replicas) is owned by its pod
//                         (the scale-down that deletes web-2 deletes data-web-2)
//   Retain (the default for both) → no such reference; an old one is removed.
import type { PersistentVolumeClaim, Volume } from 'kubernetes-types/core/v1';
import type { OwnerReference } from 'kubernetes-types/meta/v1';
import type { Obj, PodObj, StatefulSetObj } from '../common/objects';
import { podName } from './stateful-pods';

export type ClaimObj = Obj<PersistentVolumeClaim>;

export function claimName(templateName: string | undefined, set: StatefulSetObj, ordinal: number): string {
  return `${templateName}-${podName(set, ordinal)}`;
}

/** The claims ordinal `ordinal` needs: each template, renamed, with the set's selector labels. */
export function claimsForOrdinal(set: StatefulSetObj, ordinal: number): ClaimObj[] {
  return (set.spec?.volumeClaimTemplates ?? []).map((t) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName(t.metadata?.name, set, ordinal),
      namespace: set.metadata?.namespace,
      labels: { ...(t.metadata?.labels ?? {}), ...(set.spec?.selector?.matchLabels ?? {}) },
      ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
    },
    spec: structuredClone(t.spec ?? {}),
  }));
}

/** updateStorage: the pod's volumes named after a template point at that ordinal's claim. */
export function withClaimVolumes(set: StatefulSetObj, pod: PodObj, ordinal: number): PodObj {
  const templates = set.spec?.volumeClaimTemplates ?? [];
  if (templates.length === 0 || !pod.spec) return pod;
  const names = new Set(templates.map((t) => t.metadata?.name));
  const claimVolumes: Volume[] = templates.map((t) => ({
    name: t.metadata?.name ?? '',
    persistentVolumeClaim: { claimName: claimName(t.metadata?.name, set, ordinal) },
  }));
  const others = (pod.spec.volumes ?? []).filter((v) => !names.has(v.name));
  return { ...pod, spec: { ...pod.spec, volumes: [...claimVolumes, ...others] } };
}

const ownerRef = (owner: Obj<object>, apiVersion: string, kind: string): OwnerReference => ({
  apiVersion,
  kind,
  name: owner.metadata?.name ?? '',
  uid: owner.metadata?.uid ?? '',
});

/**
 * The owner references `claim` should carry under the set's retention policy, given the pod of
 * its ordinal (undefined when that pod does not exist yet) and whether the ordinal is condemned.
 * References to other owners are kept as they are.
 */
export function desiredClaimOwners(
  set: StatefulSetObj,
  claim: ClaimObj,
  pod: PodObj | undefined,
  condemned: boolean,
): OwnerReference[] {
  const policy = set.spec?.persistentVolumeClaimRetentionPolicy ?? {};
  const setUid = set.metadata?.uid;
  const podUid = pod?.metadata?.uid;
  const others = (claim.metadata?.ownerReferences ?? []).filter((r) => r.uid !== setUid && r.uid !== podUid);
  const refs = [...others];
  if (policy.whenDeleted === 'Delete') refs.push(ownerRef(set, 'apps/v1', 'StatefulSet'));
  if (policy.whenScaled === 'Delete' && condemned && pod) refs.push(ownerRef(pod, 'v1', 'Pod'));
  return refs;
}

/** The claim's owner references already say what `desiredClaimOwners` says (order aside). */
export function ownersUpToDate(claim: ClaimObj, want: OwnerReference[]): boolean {
  const have = (claim.metadata?.ownerReferences ?? []).map((r) => r.uid).sort();
  return JSON.stringify(have) === JSON.stringify(want.map((r) => r.uid).sort());
}
