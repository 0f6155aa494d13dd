// Recreate (recreate.go): scale every old ReplicaSet to zero, wait until their pods are gone,
// then bring the new ReplicaSet up to the full count. There is downtime by design.

import { type DeploymentWriter, type RolloutState, replicasOf } from './replica-sets';

export async function rolloutRecreate(
  w: DeploymentWriter,
  start: RolloutState,
  oldPodsRunning: boolean,
): Promise<void> {
  let s = start;
  const active = s.oldRSs.filter((rs) => replicasOf(rs) > 0);
  if (active.length > 0) {
    const oldRSs = [];
    for (const rs of s.oldRSs) oldRSs.push(replicasOf(rs) > 0 ? await w.scale(s.d, rs, 0) : rs);
    return w.syncStatus({ ...s, oldRSs });
  }
  if (oldPodsRunning) return w.syncStatus(s);
  const want = s.d.spec?.replicas ?? 1;
  s = await w.ensureNewRS(s, want);
  s = { ...s, newRS: await w.scale(s.d, s.newRS!, want) };
  if (s.newRS && (s.newRS.status?.availableReplicas ?? 0) === want) await w.cleanup(s);
  await w.syncStatus(s);
}
