// The ReplicaSet writes a Deployment makes (sync.go by vocabulary): claim, find-or-create the
// new ReplicaSet, scale one, clean up old ones, and write the Deployment's status. Every write
// returns the object the server stored, so later steps of the same sync see fresh numbers.

import { isAlreadyExists, isNotFound } from '../../../api/errors';
import { R } from '../../../api/resources';
import type { ApiClient, EventRecorder } from '../../../client/types';
import { canonicalJson, clone, type DeploymentObj, type ReplicaSetObj } from '../common/objects';
import { adoptPatch, claimObjects, newControllerRef, releasePatch } from '../common/owner';
import { compileSelector } from '../common/selector';
import { podTemplateHash } from './pod-template-hash';
import {
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  maxRevision,
  newRSAnnotations,
  POD_TEMPLATE_HASH,
  revisionOf,
  templateMatches,
} from './revision';
import { resolveFenceposts } from './rollout-math';
import { calculateStatus } from './status';

export interface RolloutState {
  d: DeploymentObj;
  newRS: ReplicaSetObj | undefined;
  /** Oldest first (by creation time, then name), as the scale-down steps want them. */
  oldRSs: ReplicaSetObj[];
}

export const allOf = (s: RolloutState) => (s.newRS ? [s.newRS, ...s.oldRSs] : s.oldRSs);
export const replicasOf = (rs: ReplicaSetObj) => rs.spec?.replicas ?? 0;
export const sumReplicas = (rss: ReplicaSetObj[]) => rss.reduce((n, rs) => n + replicasOf(rs), 0);

export function fenceposts(d: DeploymentObj) {
  if (d.spec?.strategy?.type === 'Recreate') return { surge: 0, unavailable: 0 };
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, d.spec?.replicas ?? 1);
}

export class DeploymentWriter {
  constructor(
    private client: ApiClient,
    private recorder: EventRecorder,
    private now: () => number,
  ) {}

  /** claimReplicaSets: the ReplicaSets this Deployment controls after adoption and release. */
  async claim(d: DeploymentObj, candidates: ReplicaSetObj[]): Promise<ReplicaSetObj[]> {
    const selects = compileSelector(d.spec?.selector);
    const claim = claimObjects(d, candidates, (rs) => selects(rs.metadata?.labels));
    const ref = newControllerRef(d, 'apps/v1', 'Deployment');
    const ns = d.metadata?.namespace;
    const adopted: ReplicaSetObj[] = [];
    for (const rs of claim.adopt) {
      adopted.push(
        await this.client.patch<ReplicaSetObj>(
          R.replicasets,
          ns,
          rs.metadata?.name ?? '',
          'merge',
          adoptPatch(rs, ref),
        ),
      );
    }
    for (const rs of claim.release) {
      await this.client
        .patch(R.replicasets, ns, rs.metadata?.name ?? '', 'merge', releasePatch(rs, ref.uid))
        .catch(ignoreNotFound);
    }
    return [...claim.owned, ...adopted];
  }

  /** Split into the ReplicaSet whose template is the Deployment's and the old ones (oldest first). */
  split(d: DeploymentObj, rss: ReplicaSetObj[]): RolloutState {
    const matching = rss.filter((rs) => templateMatches(rs, d.spec?.template)).sort(byAge);
    const newRS = matching[0];
    const oldRSs = rss.filter((rs) => rs !== newRS).sort(byAge);
    return { d, newRS, oldRSs };
  }

  /**
   * getNewReplicaSet: make sure the new ReplicaSet exists and carries the highest revision
   * (a rollback to an old template makes that old ReplicaSet new again, with a new revision).
   * `replicas` is what a freshly created one starts with.
   */
  async ensureNewRS(s: RolloutState, replicas: number): Promise<RolloutState> {
    const { d } = s;
    const { surge } = fenceposts(d);
    const want = d.spec?.replicas ?? 1;
    const oldMax = maxRevision(s.oldRSs);
    if (s.newRS) {
      const revision = revisionOf(s.newRS) > oldMax ? revisionOf(s.newRS) : oldMax + 1;
      const annotations = newRSAnnotations(
        d.metadata?.annotations,
        s.newRS.metadata?.annotations,
        revision,
        want,
        surge,
      );
      let newRS = s.newRS;
      if (canonicalJson(annotations) !== canonicalJson(newRS.metadata?.annotations ?? {})) {
        const body = clone(newRS);
        body.metadata.annotations = annotations;
        newRS = await this.client.update<ReplicaSetObj>(R.replicasets, body);
      }
      await this.syncDeploymentRevision(d, revision);
      return { ...s, newRS };
    }
    const hash = podTemplateHash(d.spec?.template, d.status?.collisionCount ?? 0);
    const template = clone(d.spec?.template ?? {});
    template.metadata = {
      ...(template.metadata ?? {}),
      labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash },
    };
    const selector = clone(d.spec?.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const rs: ReplicaSetObj = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata?.name}-${hash}`,
        namespace: d.metadata?.namespace,
        labels: template.metadata.labels,
        annotations: newRSAnnotations(d.metadata?.annotations, undefined, oldMax + 1, want, surge),
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
      },
      spec: { replicas, minReadySeconds: d.spec?.minReadySeconds, selector, template },
    };
    let created: ReplicaSetObj;
    try {
      created = await this.client.create<ReplicaSetObj>(R.replicasets, rs, {
        namespace: d.metadata?.namespace,
      });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      // A hash collision with a different template: count it so the next hash differs.
      const body = clone(d);
      body.status = { ...(d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 };
      await this.client.update(R.deployments, body, { subresource: 'status' });
      throw err;
    }
    if (replicas > 0) this.scaledEvent(d, created, 0, replicas);
    await this.syncDeploymentRevision(d, oldMax + 1);
    return { ...s, newRS: created };
  }

  private async syncDeploymentRevision(d: DeploymentObj, revision: number): Promise<void> {
    if (d.metadata?.annotations?.['deployment.kubernetes.io/revision'] === String(revision)) return;
    await this.client.patch(R.deployments, d.metadata?.namespace, d.metadata?.name ?? '', 'merge', {
      metadata: { annotations: { 'deployment.kubernetes.io/revision': String(revision) } },
    });
  }

  /** scaleReplicaSet: set spec.replicas and the desired/max annotations; an event when the count moves. */
  async scale(d: DeploymentObj, rs: ReplicaSetObj, replicas: number): Promise<ReplicaSetObj> {
    const want = String(d.spec?.replicas ?? 1);
    const max = String((d.spec?.replicas ?? 1) + fenceposts(d).surge);
    const a = rs.metadata?.annotations ?? {};
    if (replicasOf(rs) === replicas && a[DESIRED_REPLICAS] === want && a[MAX_REPLICAS] === max) return rs;
    const body = clone(rs);
    body.spec.replicas = replicas;
    body.metadata.annotations = { ...a, [DESIRED_REPLICAS]: want, [MAX_REPLICAS]: max };
    const updated = await this.client.update<ReplicaSetObj>(R.replicasets, body);
    if (replicasOf(rs) !== replicas) this.scaledEvent(d, rs, replicasOf(rs), replicas);
    return updated;
  }

  private scaledEvent(d: DeploymentObj, rs: ReplicaSetObj, from: number, to: number): void {
    const dir = to > from ? 'up' : 'down';
    this.recorder.event(
      d,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${dir} replica set ${rs.metadata?.name} from ${from} to ${to}`,
    );
  }

  /** cleanupDeployment: keep at most revisionHistoryLimit (10) old ReplicaSets that are scaled to zero. */
  async cleanup(s: RolloutState): Promise<void> {
    const limit = s.d.spec?.revisionHistoryLimit ?? 10;
    const idle = s.oldRSs
      .filter(
        (rs) => replicasOf(rs) === 0 && (rs.status?.replicas ?? 0) === 0 && !rs.metadata?.deletionTimestamp,
      )
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      await this.client
        .delete(R.replicasets, rs.metadata?.namespace, rs.metadata?.name ?? '')
        .catch(ignoreNotFound);
    }
  }

  async syncStatus(s: RolloutState): Promise<void> {
    const status = calculateStatus(s.d, allOf(s), s.newRS, this.now());
    if (canonicalJson(status) === canonicalJson(s.d.status ?? {})) return;
    const body = clone(s.d);
    body.status = status;
    await this.client.update(R.deployments, body, { subresource: 'status' });
  }
}

function byAge(a: ReplicaSetObj, b: ReplicaSetObj): number {
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
}

function ignoreNotFound(err: unknown): void {
  if (!isNotFound(err)) throw err;
}
