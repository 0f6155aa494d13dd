// VolumeBinding (plugins/volumebinding, in spirit): a pod's PersistentVolumeClaims as a filter.
//   claim missing                                   → unresolvable: not found
//   claim bound                                     → the node must match its volume's
//                                                     spec.nodeAffinity (a local volume lives
//                                                     on one node)
//   claim unbound, class WaitForFirstConsumer       → fits any node: binding waits for this
//                                                     pod; schedule-one annotates the claim
//                                                     with the chosen node (selected-node)
//   claim unbound otherwise (Immediate)             → unschedulable until the binder binds it
// The plugin reads claims, volumes and classes through `VolumeListers`, the scheduler's informers.
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import {
  type FilterPlugin,
  type NodeInfo,
  type Status,
  SUCCESS,
  unresolvable,
  unschedulable,
} from '../framework';
import { termMatches } from './node-affinity';

export const NAME = 'VolumeBinding';
export const REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const REASON_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';

export interface VolumeListers {
  claim(namespace: string | undefined, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  storageClass(name: string): StorageClass | undefined;
}

/** The claim names a pod's volumes use. */
export function podClaimNames(pod: Pod): string[] {
  return (pod.spec?.volumes ?? []).flatMap((v) =>
    v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [],
  );
}

/** Is this claim waiting for its first consumer (unbound, class WaitForFirstConsumer)? */
export function isDelayedBinding(claim: PersistentVolumeClaim, listers: VolumeListers): boolean {
  if (claim.spec?.volumeName) return false;
  const cls = claim.spec?.storageClassName ? listers.storageClass(claim.spec.storageClassName) : undefined;
  return cls?.volumeBindingMode === 'WaitForFirstConsumer';
}

/** A volume's required node affinity holds on this node (no affinity: every node). */
export function volumeFitsNode(pv: PersistentVolume, node: Node): boolean {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  return !terms || terms.some((t) => termMatches(t, node));
}

export function volumeBinding(listers: VolumeListers): FilterPlugin {
  return {
    name: NAME,
    filter(pod: Pod, { node }: NodeInfo): Status {
      for (const name of podClaimNames(pod)) {
        const claim = listers.claim(pod.metadata?.namespace, name);
        if (!claim) return unresolvable(`persistentvolumeclaim "${name}" not found`);
        if (claim.spec?.volumeName) {
          const pv = listers.volume(claim.spec.volumeName);
          if (pv && !volumeFitsNode(pv, node)) return unresolvable(REASON_NODE_CONFLICT);
          continue;
        }
        if (!isDelayedBinding(claim, listers)) return unschedulable(REASON_UNBOUND_IMMEDIATE);
      }
      return SUCCESS;
    },
  };
}
