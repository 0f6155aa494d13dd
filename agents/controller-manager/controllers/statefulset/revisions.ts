// ControllerRevisions of a StatefulSet (stateful_set_control.go getStatefulSetRevisions,
// truncateHistory; controller/history). Each pod template the set has had is one revision named
// `<set>-<hash>`, labelled with the template's labels (kubectl finds a set's history through
// its selector) plus `controller-revision-hash: <hash>`, holding the template as the patch
// `{"spec":{"template":{…,"$patch":"replace"}}}` that `kubectl rollout undo` applies back.
// The update revision is the one equal to the current template (made newest when it was an
// old one); the current revision is the one named by status.currentRevision. When `<set>-<hash>`
// is taken by a different template, collisionCount steps the hash.

import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import { isAlreadyExists, isNotFound } from '../../../api/errors';
import { R } from '../../../api/resources';
import type { ApiClient, Informer } from '../../../client/types';
import { canonicalJson, clone, type StatefulSetObj, semantic } from '../common/objects';
import { controllerRef, newControllerRef } from '../common/owner';
import { type RevisionObj, revisionData } from '../daemonset/revisions';
import { podTemplateHash } from '../deployment/pod-template-hash';

export type { RevisionObj };

/** The pod template a revision holds (the `$patch` directive removed). */
export function revisionTemplate(rev: RevisionObj): PodTemplateSpec | undefined {
  const t = (rev.data as any)?.spec?.template;
  if (!t) return undefined;
  const { $patch: _, ...template } = t;
  return template;
}

const sameTemplate = (a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined) =>
  canonicalJson(semantic(a) ?? {}) === canonicalJson(semantic(b) ?? {});

export interface SetRevisions {
  current: RevisionObj;
  update: RevisionObj;
  collisionCount: number;
  /** All revisions of the set after this sync, oldest first. */
  all: RevisionObj[];
}

export async function syncRevisions(
  client: ApiClient,
  revisions: Informer<RevisionObj>,
  set: StatefulSetObj,
): Promise<SetRevisions> {
  const ns = set.metadata?.namespace;
  const all = revisions
    .list(ns)
    .filter((r) => controllerRef(r)?.uid === set.metadata?.uid)
    .sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
  const max = all.reduce((m, r) => Math.max(m, r.revision ?? 0), 0);
  let collisionCount = set.status?.collisionCount ?? 0;
  let update = all.find((r) => sameTemplate(revisionTemplate(r), set.spec?.template));
  if (update && (update.revision ?? 0) < max) {
    // Back to an old template (rollout undo): its revision becomes the newest again.
    const body = clone(update);
    body.revision = max + 1;
    const bumped = await client.update<RevisionObj>(R.controllerrevisions, body);
    all[all.indexOf(update)] = bumped;
    update = bumped;
  }
  while (!update) {
    const hash = podTemplateHash(set.spec?.template, collisionCount);
    const rev: RevisionObj = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: `${set.metadata?.name}-${hash}`,
        namespace: ns,
        labels: { ...(set.spec?.template?.metadata?.labels ?? {}), 'controller-revision-hash': hash },
        ownerReferences: [newControllerRef(set, 'apps/v1', 'StatefulSet')],
      },
      data: revisionData(set) as RevisionObj['data'],
      revision: max + 1,
    };
    try {
      const created = await client.create<RevisionObj>(R.controllerrevisions, rev, { namespace: ns });
      all.push(created);
      update = created;
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      // Our informer may just be behind: the existing one is ours when it holds this template.
      const existing = await client.get<RevisionObj>(R.controllerrevisions, ns, rev.metadata?.name ?? '');
      if (sameTemplate(revisionTemplate(existing), set.spec?.template)) update = existing;
      else collisionCount++;
    }
  }
  const current = all.find((r) => r.metadata?.name === set.status?.currentRevision) ?? update;
  all.sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
  return { current, update, collisionCount, all };
}

/**
 * truncateHistory: keep the revisions live pods use, the current and the update revision, and
 * the newest revisionHistoryLimit (default 10) of the rest; delete the older ones.
 */
export async function truncateHistory(
  client: ApiClient,
  set: StatefulSetObj,
  revs: SetRevisions,
  liveRevisions: Set<string>,
): Promise<void> {
  const keep = new Set([...liveRevisions, revs.current.metadata?.name, revs.update.metadata?.name]);
  const old = revs.all.filter((r) => !keep.has(r.metadata?.name ?? ''));
  const limit = set.spec?.revisionHistoryLimit ?? 10;
  for (const r of old.slice(0, Math.max(0, old.length - limit))) {
    await client.delete(R.controllerrevisions, r.metadata?.namespace, r.metadata?.name ?? '').catch((err) => {
      if (!isNotFound(err)) throw err;
    });
  }
}
