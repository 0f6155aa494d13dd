// ControllerRevisions of a DaemonSet (daemon/update.go constructHistory): one object per pod
// template it has had, named `<ds>-<hash>`, holding the template as a strategic-merge patch
// (`{"spec":{"template":{…,"$patch":"replace"}}}`) and a revision number. `kubectl rollout
// history daemonset` lists them; `kubectl rollout undo daemonset` applies one's patch back.
// Going back to an old template makes its revision the newest again, as with Deployments.

import type { ControllerRevision } from 'kubernetes-types/apps/v1';
import { isAlreadyExists, isNotFound } from '../../../api/errors';
import { R } from '../../../api/resources';
import type { ApiClient, Informer } from '../../../client/types';
import { clone, type DaemonSetObj, type Obj } from '../common/objects';
import { controllerRef, newControllerRef } from '../common/owner';

export type RevisionObj = Obj<ControllerRevision>;
export const REVISION_HASH = 'controller-revision-hash';

/** The revision's data for any workload with a pod template (DaemonSet, StatefulSet). */
export function revisionData(owner: { spec?: { template?: unknown } }): unknown {
  return { spec: { template: { ...clone(owner.spec?.template ?? {}), $patch: 'replace' } } };
}

/** Make the current template's revision exist and be the newest; drop the oldest beyond revisionHistoryLimit. */
export async function syncRevisions(
  client: ApiClient,
  revisions: Informer<RevisionObj>,
  ds: DaemonSetObj,
  hash: string,
  liveHashes: Set<string>,
): Promise<void> {
  const mine = revisions
    .list(ds.metadata?.namespace)
    .filter((r) => controllerRef(r)?.uid === ds.metadata?.uid);
  const max = mine.reduce((m, r) => Math.max(m, r.revision ?? 0), 0);
  const current = mine.find((r) => r.metadata?.labels?.[REVISION_HASH] === hash);
  if (!current) {
    const rev: RevisionObj = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: `${ds.metadata?.name}-${hash}`,
        namespace: ds.metadata?.namespace,
        labels: { ...(ds.spec?.template?.metadata?.labels ?? {}), [REVISION_HASH]: hash },
        ownerReferences: [newControllerRef(ds, 'apps/v1', 'DaemonSet')],
      },
      data: revisionData(ds) as any,
      revision: max + 1,
    };
    await client.create(R.controllerrevisions, rev, { namespace: ds.metadata?.namespace }).catch((err) => {
      if (!isAlreadyExists(err)) throw err;
    });
  } else if ((current.revision ?? 0) < max) {
    const body = clone(current);
    body.revision = max + 1;
    await client.update(R.controllerrevisions, body);
  }
  const limit = ds.spec?.revisionHistoryLimit ?? 10;
  const old = mine
    .filter((r) => r !== current && !liveHashes.has(r.metadata?.labels?.[REVISION_HASH] ?? ''))
    .sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
  for (const r of old.slice(0, Math.max(0, old.length - limit))) {
    await client.delete(R.controllerrevisions, r.metadata?.namespace, r.metadata?.name ?? '').catch((err) => {
      if (!isNotFound(err)) throw err;
    });
  }
}
