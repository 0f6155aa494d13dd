// RollingUpdate (rolling.go): scale the new ReplicaSet up if we can, else scale old ones down.
// One step per sync; the ReplicaSet controller's status changes bring the next sync.

import type { ReplicaSetObj } from '../common/objects';
import {
  allOf,
  type DeploymentWriter,
  fenceposts,
  type RolloutState,
  replicasOf,
  sumReplicas,
} from './replica-sets';
import {
  cleanupUnhealthy,
  maxScaledDown,
  newRSReplicasRolling,
  type RSCount,
  scaleDownOld,
} from './rollout-math';
import { calculateStatus, isComplete } from './status';

export async function rolloutRolling(w: DeploymentWriter, start: RolloutState, now: number): Promise<void> {
  const want = start.d.spec?.replicas ?? 1;
  const { surge, unavailable } = fenceposts(start.d);
  const firstSize = newRSReplicasRolling(want, surge, sumReplicas(start.oldRSs), 0);
  let s = await w.ensureNewRS(start, firstSize);
  const newRS = s.newRS!;

  // Scale up: as far as maxSurge allows.
  const target = newRSReplicasRolling(want, surge, sumReplicas(allOf(s)), replicasOf(newRS));
  if (target !== replicasOf(newRS)) {
    s = { ...s, newRS: await w.scale(s.d, newRS, target) };
    if (target > replicasOf(newRS)) return w.syncStatus(s);
  }

  // Scale down: never below replicas − maxUnavailable available pods.
  s = await reconcileOld(w, s, want, unavailable);
  if (isComplete(s.d, calculateStatus(s.d, allOf(s), s.newRS, now))) await w.cleanup(s);
  await w.syncStatus(s);
}

async function reconcileOld(
  w: DeploymentWriter,
  s: RolloutState,
  want: number,
  unavailable: number,
): Promise<RolloutState> {
  if (sumReplicas(s.oldRSs) === 0) return s;
  const newRS = s.newRS!;
  const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const budget = maxScaledDown(want, unavailable, sumReplicas(allOf(s)), Math.max(0, newUnavailable));
  if (budget <= 0) return s;
  // Unhealthy old pods first (they cost no availability), then available ones down to the minimum.
  const cleaned = cleanupUnhealthy(counts(s.oldRSs), budget);
  let oldRSs = await apply(w, s, s.oldRSs, cleaned);
  const spent = sumReplicas(s.oldRSs) - sumReplicas(oldRSs);
  // Statuses lag behind spec: never cut more than the budget the spec counts allow.
  const available = Math.min(
    allOf({ ...s, oldRSs }).reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0),
    want - unavailable + budget - spent,
  );
  const plan = scaleDownOld(counts(oldRSs), available, want - unavailable);
  oldRSs = await apply(w, s, oldRSs, plan);
  return { ...s, oldRSs };
}

function counts(rss: ReplicaSetObj[]): RSCount[] {
  return rss.map((rs) => ({
    name: rs.metadata?.name ?? '',
    replicas: replicasOf(rs),
    available: Math.min(replicasOf(rs), rs.status?.availableReplicas ?? 0),
  }));
}

async function apply(
  w: DeploymentWriter,
  s: RolloutState,
  rss: ReplicaSetObj[],
  plan: Map<string, number>,
): Promise<ReplicaSetObj[]> {
  const out: ReplicaSetObj[] = [];
  for (const rs of rss) {
    const next = plan.get(rs.metadata?.name ?? '');
    out.push(next === undefined ? rs : await w.scale(s.d, rs, next));
  }
  return out;
}
