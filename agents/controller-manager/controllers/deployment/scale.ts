// Scaling events (sync.go isScalingEvent / scale): `kubectl scale` changes spec.replicas without
// touching the template. When one ReplicaSet is active it simply takes the new count; during a
// rollout the change is spread proportionally, so a half-done rollout stays half done.

import type { ReplicaSetObj } from '../common/objects';
import { allOf, type DeploymentWriter, fenceposts, type RolloutState, replicasOf } from './replica-sets';
import { DESIRED_REPLICAS } from './revision';
import { proportionalScale } from './rollout-math';

/** Some active ReplicaSet was sized for a different spec.replicas than the Deployment's now. */
export function isScalingEvent(s: RolloutState): boolean {
  const want = String(s.d.spec?.replicas ?? 1);
  return allOf(s).some(
    (rs) =>
      replicasOf(rs) > 0 &&
      rs.metadata?.annotations?.[DESIRED_REPLICAS] !== undefined &&
      rs.metadata.annotations[DESIRED_REPLICAS] !== want,
  );
}

export async function scale(w: DeploymentWriter, s: RolloutState): Promise<RolloutState> {
  const want = s.d.spec?.replicas ?? 1;
  const all = allOf(s);
  const active = all.filter((rs) => replicasOf(rs) > 0);
  const only =
    active.length === 1
      ? active[0]
      : active.length === 0
        ? (s.newRS ?? s.oldRSs[s.oldRSs.length - 1])
        : undefined;
  if (only) return replace(s, only, await w.scale(s.d, only, want));
  const newRS = s.newRS;
  if (newRS && replicasOf(newRS) === want && (newRS.status?.availableReplicas ?? 0) === want) {
    let out = s;
    for (const rs of s.oldRSs) if (replicasOf(rs) > 0) out = replace(out, rs, await w.scale(s.d, rs, 0));
    return out;
  }
  if (s.d.spec?.strategy?.type === 'Recreate') return s;
  const bySize = [...active].sort(
    (a, b) => replicasOf(b) - replicasOf(a) || (a === newRS ? -1 : b === newRS ? 1 : 0),
  );
  const plan = proportionalScale(
    bySize.map((rs) => ({ name: rs.metadata?.name ?? '', replicas: replicasOf(rs), available: 0 })),
    want + fenceposts(s.d).surge,
  );
  let out = s;
  for (const rs of active)
    out = replace(out, rs, await w.scale(s.d, rs, plan.get(rs.metadata?.name ?? '') ?? replicasOf(rs)));
  return out;
}

function replace(s: RolloutState, old: ReplicaSetObj, next: ReplicaSetObj): RolloutState {
  if (s.newRS === old) return { ...s, newRS: next };
  return { ...s, oldRSs: s.oldRSs.map((rs) => (rs === old ? next : rs)) };
}
