// Ownership by ownerReferences (apimachinery's controller_ref.go vocabulary). A controller owns
// an object when the object carries one reference with `controller: true` naming it by uid;
// `blockOwnerDeletion` makes foreground deletion of the owner wait for the dependent.

import type { OwnerReference } from 'kubernetes-types/meta/v1';
import type { KubeObject } from '../../../api/types';

export function controllerRef(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  const ref = controllerRef(obj);
  return ref !== undefined && ref.uid === owner.metadata?.uid;
}

export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Merge patch that adopts an orphan (its resourceVersion guards against a concurrent adoption). */
export function adoptPatch(obj: KubeObject, ref: OwnerReference): unknown {
  return {
    metadata: {
      resourceVersion: obj.metadata?.resourceVersion,
      ownerReferences: [...(obj.metadata?.ownerReferences ?? []), ref],
    },
  };
}

/** Merge patch that releases an object its owner no longer selects. */
export function releasePatch(obj: KubeObject, ownerUid: string): unknown {
  return {
    metadata: {
      resourceVersion: obj.metadata?.resourceVersion,
      ownerReferences: (obj.metadata?.ownerReferences ?? []).filter((r) => r.uid !== ownerUid),
    },
  };
}

export interface ClaimResult<T> {
  owned: T[];
  adopt: T[];
  release: T[];
}

/**
 * claimObjects (ControllerRefManager.ClaimPods, as a pure decision): keep what we control and
 * still select, adopt orphans we select (unless we are being deleted), release what we control
 * but no longer select. Objects controlled by someone else are not ours to touch.
 */
export function claimObjects<T extends KubeObject>(
  owner: KubeObject,
  candidates: T[],
  selects: (obj: T) => boolean,
): ClaimResult<T> {
  const out: ClaimResult<T> = { owned: [], adopt: [], release: [] };
  const ownerDeleting = Boolean(owner.metadata?.deletionTimestamp);
  for (const obj of candidates) {
    const ref = controllerRef(obj);
    if (ref) {
      if (ref.uid !== owner.metadata?.uid) continue;
      if (selects(obj)) out.owned.push(obj);
      else if (!ownerDeleting) out.release.push(obj);
    } else if (selects(obj) && !ownerDeleting && !obj.metadata?.deletionTimestamp) {
      out.adopt.push(obj);
    }
  }
  return out;
}
