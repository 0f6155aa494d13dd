// Which PersistentVolume a claim gets, and what a volume's phase should be: pure decisions of
// the PersistentVolume controller (pkg/controller/volume/persistentvolume: index.go findBestMatch,
// pv_controller.go syncVolume), tested by tables.
//
// A volume fits a claim when it is free (no claimRef, or pre-bound to this very claim), is of the
// same storage class ("" and unset are the same "no class"), has every access mode the claim
// asks for, the same volume mode, the labels the claim's selector wants, and at least the
// capacity asked. Of those that fit, the smallest wins, so a 1Gi claim does not take the 100Gi
// volume when a 2Gi one is free:
//
//   claim 1Gi RWO, volumes 100Gi RWO, 2Gi RWO, 512Mi RWO, 5Gi RWX   →  the 2Gi one
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import { parseQuantity } from '../../../api/quantity';
import { fromLabelSelector, matchesLabels } from '../../../api/selectors';

const className = (x: { spec?: { storageClassName?: string } }) => x.spec?.storageClassName ?? '';
const storage = (q: string | undefined) => (q ? parseQuantity(q) : 0);

/** The volume's claimRef names this claim (by uid when the ref carries one). */
export function claimRefMatches(pv: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  if (ref.namespace !== claim.metadata?.namespace || ref.name !== claim.metadata?.name) return false;
  return !ref.uid || ref.uid === claim.metadata?.uid;
}

/** Why `pv` cannot serve `claim`, or undefined when it can. */
export function unfitReason(pv: PersistentVolume, claim: PersistentVolumeClaim): string | undefined {
  if (pv.metadata?.deletionTimestamp) return 'being deleted';
  if (pv.spec?.claimRef && !claimRefMatches(pv, claim)) return 'bound to another claim';
  if (!pv.spec?.claimRef && pv.status?.phase !== 'Available' && pv.status?.phase !== 'Pending')
    return `phase ${pv.status?.phase}`;
  if (className(pv) !== className(claim)) return 'storage class differs';
  const modes = new Set(pv.spec?.accessModes ?? []);
  if (!(claim.spec?.accessModes ?? []).every((m) => modes.has(m))) return 'access modes';
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (claim.spec?.volumeMode ?? 'Filesystem'))
    return 'volume mode';
  if (claim.spec?.selector && !matchesLabels(fromLabelSelector(claim.spec.selector), pv.metadata?.labels))
    return 'selector';
  if (storage(pv.spec?.capacity?.storage) < storage(claim.spec?.resources?.requests?.storage))
    return 'too small';
  return undefined;
}

/**
 * The volume for a claim: the one it names (spec.volumeName) if that fits, else a volume
 * pre-bound to it, else the smallest that fits.
 */
export function findBestMatch<V extends PersistentVolume>(
  claim: PersistentVolumeClaim,
  volumes: readonly V[],
): V | undefined {
  const fits = volumes.filter((pv) => unfitReason(pv, claim) === undefined);
  if (claim.spec?.volumeName) return fits.find((pv) => pv.metadata?.name === claim.spec?.volumeName);
  const preBound = fits.find((pv) => claimRefMatches(pv, claim));
  if (preBound) return preBound;
  return fits
    .filter((pv) => !pv.spec?.claimRef)
    .sort((a, b) => storage(a.spec?.capacity?.storage) - storage(b.spec?.capacity?.storage))[0];
}

export type VolumeAction =
  | { kind: 'none' }
  /** Write this phase to the volume's status. */
  | { kind: 'phase'; phase: 'Available' | 'Bound' | 'Released' }
  /** Released: apply its reclaim policy. */
  | { kind: 'reclaim'; policy: 'Retain' | 'Delete' | 'Recycle' };

/**
 * What a volume needs, given the claim its claimRef names (undefined when that claim is gone or
 * has another uid now):
 *   no claimRef                        → Available
 *   claim there and bound to it        → Bound
 *   claimRef without uid (pre-bound)   → Available until the claim binds
 *   claim gone, phase not Released yet → Released, then its reclaim policy
 */
export function volumeAction(pv: PersistentVolume, claim: PersistentVolumeClaim | undefined): VolumeAction {
  const phase = pv.status?.phase;
  const want = (p: 'Available' | 'Bound' | 'Released'): VolumeAction =>
    phase === p ? { kind: 'none' } : { kind: 'phase', phase: p };
  const ref = pv.spec?.claimRef;
  if (!ref) return want('Available');
  if (!ref.uid)
    return claim && claim.spec?.volumeName === pv.metadata?.name ? want('Bound') : want('Available');
  if (claim && claim.metadata?.uid === ref.uid) return want('Bound');
  if (phase === 'Failed') return { kind: 'none' };
  if (phase !== 'Released') return { kind: 'phase', phase: 'Released' };
  const policy = pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
  return policy === 'Retain' ? { kind: 'none' } : { kind: 'reclaim', policy: policy as 'Delete' | 'Recycle' };
}
