// The Deployment's status and its two conditions (sync.go calculateStatus, progress.go).
// `kubectl rollout status` reads exactly these: observedGeneration, replicas, updatedReplicas,
// availableReplicas, and a Progressing condition with reason ProgressDeadlineExceeded.

import type { DeploymentCondition, DeploymentStatus } from 'kubernetes-types/apps/v1';
import { type DeploymentObj, isoNow, ms, type ReplicaSetObj } from '../common/objects';
import { resolveFenceposts } from './rollout-math';

export const NEW_RS_AVAILABLE = 'NewReplicaSetAvailable';
export const RS_UPDATED = 'ReplicaSetUpdated';
export const NEW_RS_CREATED = 'NewReplicaSetCreated';
export const DEADLINE_EXCEEDED = 'ProgressDeadlineExceeded';
export const PAUSED = 'DeploymentPaused';
export const RESUMED = 'DeploymentResumed';

const sum = (rss: ReplicaSetObj[], f: (rs: ReplicaSetObj) => number | undefined) =>
  rss.reduce((n, rs) => n + (f(rs) ?? 0), 0);

/** Complete: every desired pod is updated and available, and no old pod is left. */
export function isComplete(d: DeploymentObj, s: DeploymentStatus): boolean {
  const want = d.spec?.replicas ?? 1;
  return (
    s.updatedReplicas === want &&
    s.replicas === want &&
    s.availableReplicas === want &&
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0)
  );
}

export function calculateStatus(
  d: DeploymentObj,
  all: ReplicaSetObj[],
  newRS: ReplicaSetObj | undefined,
  now: number,
): DeploymentStatus {
  const want = d.spec?.replicas ?? 1;
  const available = sum(all, (rs) => rs.status?.availableReplicas);
  const counts: DeploymentStatus = {
    observedGeneration: d.metadata?.generation,
    replicas: sum(all, (rs) => rs.status?.replicas),
    updatedReplicas: newRS?.status?.replicas ?? 0,
    readyReplicas: sum(all, (rs) => rs.status?.readyReplicas),
    availableReplicas: available,
    // As upstream: pods the ReplicaSets are asked for (spec) that are not available yet.
    unavailableReplicas: Math.max(0, sum(all, (rs) => rs.spec?.replicas) - available),
    collisionCount: d.status?.collisionCount,
  };
  const conditions = [...(d.status?.conditions ?? [])];
  const ru = d.spec?.strategy?.rollingUpdate;
  const { unavailable } =
    d.spec?.strategy?.type === 'Recreate'
      ? { unavailable: 0 }
      : resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, want);
  const availableCond: DeploymentCondition =
    available >= want - unavailable
      ? {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        }
      : {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        };
  setCondition(conditions, availableCond, now);
  const progressing = progressingCondition(d, counts, newRS, now);
  if (progressing) setCondition(conditions, progressing, now, progressing.reason === RS_UPDATED);
  return { ...counts, conditions };
}

/**
 * The Progressing condition after this sync: paused → Unknown; complete → NewReplicaSetAvailable;
 * counts moved since the last status → ReplicaSetUpdated (deadline restarts); no movement past
 * progressDeadlineSeconds (600 s by default) → False, ProgressDeadlineExceeded.
 */
export function progressingCondition(
  d: DeploymentObj,
  s: DeploymentStatus,
  newRS: ReplicaSetObj | undefined,
  now: number,
): DeploymentCondition | undefined {
  const name = newRS?.metadata?.name ?? '';
  if (d.spec?.paused)
    return { type: 'Progressing', status: 'Unknown', reason: PAUSED, message: 'Deployment is paused' };
  if (isComplete(d, s))
    return {
      type: 'Progressing',
      status: 'True',
      reason: NEW_RS_AVAILABLE,
      message: `ReplicaSet "${name}" has successfully progressed.`,
    };
  const prev = d.status;
  const current = d.status?.conditions?.find((c) => c.type === 'Progressing');
  const moved =
    !current ||
    current.reason === PAUSED ||
    prev?.updatedReplicas !== s.updatedReplicas ||
    prev?.replicas !== s.replicas ||
    prev?.readyReplicas !== s.readyReplicas ||
    prev?.availableReplicas !== s.availableReplicas ||
    (current.reason === NEW_RS_AVAILABLE && !current.message?.includes(`"${name}"`));
  if (moved)
    return {
      type: 'Progressing',
      status: 'True',
      reason: RS_UPDATED,
      message: `ReplicaSet "${name}" is progressing.`,
    };
  const deadline = d.spec?.progressDeadlineSeconds ?? 600;
  const since = ms(current.lastUpdateTime) ?? now;
  if (current.status === 'True' && since + deadline * 1000 < now) {
    return {
      type: 'Progressing',
      status: 'False',
      reason: DEADLINE_EXCEEDED,
      message: `ReplicaSet "${name}" has timed out progressing.`,
    };
  }
  return undefined;
}

/**
 * SetDeploymentCondition: an unchanged condition keeps its times; a changed reason or message
 * moves lastUpdateTime; only a changed status moves lastTransitionTime. `touch` forces a new
 * lastUpdateTime (progress restarts the deadline clock).
 */
export function setCondition(
  conditions: DeploymentCondition[],
  next: DeploymentCondition,
  now: number,
  touch = false,
): void {
  const i = conditions.findIndex((c) => c.type === next.type);
  const old = i >= 0 ? conditions[i] : undefined;
  const t = isoNow(now);
  if (
    old &&
    old.status === next.status &&
    old.reason === next.reason &&
    old.message === next.message &&
    !touch
  )
    return;
  const merged: DeploymentCondition = {
    ...next,
    lastUpdateTime: t,
    lastTransitionTime: old && old.status === next.status ? old.lastTransitionTime : t,
  };
  if (i >= 0) conditions[i] = merged;
  else conditions.push(merged);
}
