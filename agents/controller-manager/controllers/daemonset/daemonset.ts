// The DaemonSet controller (daemon_controller.go): one pod per eligible node. Node events wake
// every DaemonSet; pod events wake their owner. sync(key):
//   1. for each node: should it run the daemon (daemon-math.ts shouldRun)? does it have one?
//   2. create the missing pods, pinned to their node by affinity (the scheduler binds them);
//      delete pods on nodes that should not run one, duplicates, and failed pods;
//   3. RollingUpdate: replace pods of an older template (controller-revision-hash), at most
//      maxUnavailable at a time;
//   4. write status (desired/current/ready/updated/available numbers).

import { isNotFound } from '../../../api/errors';
import { R } from '../../../api/resources';
import { objectKey } from '../../../api/types';
import type { Controller, ControllerContext } from '../../controller';
import { Expectations, ownedPodHandler } from '../common/expectations';
import { canonicalJson, clone, type DaemonSetObj, type NodeObj, type PodObj } from '../common/objects';
import { controllerRef, newControllerRef } from '../common/owner';
import { isPodActive, isPodAvailable, isPodReady } from '../common/pods';
import { podTemplateHash } from '../deployment/pod-template-hash';
import { pinToNode, rollingBudget, shouldRun, withDaemonTolerations } from './daemon-math';
import { REVISION_HASH, type RevisionObj, syncRevisions } from './revisions';

export { REVISION_HASH };

/** The node a daemon pod is for: bound, or pinned by its affinity while still pending. */
export function nodeOf(pod: PodObj): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  return terms.flatMap((t) => t.matchFields ?? []).find((f) => f.key === 'metadata.name')?.values?.[0];
}

export function newDaemonSetController(ctx: ControllerContext, workers = 2): Controller {
  const daemonsets = ctx.informers.for<DaemonSetObj>(R.daemonsets);
  const pods = ctx.informers.for<PodObj>(R.pods);
  const nodes = ctx.informers.for<NodeObj>(R.nodes);
  const revisions = ctx.informers.for<RevisionObj>(R.controllerrevisions);
  const expectations = new Expectations(ctx.now);
  const { queue, client, recorder } = ctx;

  const ownerKey = (p: PodObj) => {
    const ref = controllerRef(p);
    return ref?.kind === 'DaemonSet' ? `${p.metadata?.namespace}/${ref.name}` : undefined;
  };
  const all = () => {
    for (const d of daemonsets.list()) queue.add(objectKey(d));
  };
  daemonsets.addEventHandler({
    add: (d) => queue.add(objectKey(d)),
    update: (_o, d) => queue.add(objectKey(d)),
    delete: (d) => expectations.forget(objectKey(d)),
  });
  nodes.addEventHandler({ add: all, update: all, delete: all });
  pods.addEventHandler(ownedPodHandler(ownerKey, expectations, queue));

  async function sync(key: string): Promise<void> {
    const ds = daemonsets.get(key);
    if (!ds || ds.metadata?.deletionTimestamp) return;
    const hash = podTemplateHash(ds.spec?.template);
    const mine = pods.list(ds.metadata?.namespace).filter((p) => controllerRef(p)?.uid === ds.metadata?.uid);
    await syncRevisions(
      client,
      revisions,
      ds,
      hash,
      new Set(mine.map((p) => p.metadata?.labels?.[REVISION_HASH] ?? '')),
    );
    const byNode = new Map<string, PodObj[]>();
    for (const p of mine) {
      const n = nodeOf(p) ?? '';
      byNode.set(n, [...(byNode.get(n) ?? []), p]);
    }
    const eligible = nodes.list().filter((n) => shouldRun(ds, n));
    const eligibleNames = new Set(eligible.map((n) => n.metadata?.name ?? ''));
    const create: string[] = [];
    const remove: PodObj[] = [];
    for (const node of eligible) {
      const here = byNode.get(node.metadata?.name ?? '') ?? [];
      remove.push(...here.filter((p) => p.status?.phase === 'Failed' && !p.metadata?.deletionTimestamp));
      const active = here
        .filter(isPodActive)
        .sort((a, b) =>
          (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? ''),
        );
      if (active.length === 0) create.push(node.metadata?.name ?? '');
      else remove.push(...active.slice(1));
    }
    for (const [n, here] of byNode) if (!eligibleNames.has(n)) remove.push(...here.filter(isPodActive));
    remove.push(...rollingReplacements(ds, eligible, byNode, hash));
    if (expectations.satisfied(key)) {
      expectations.expectCreations(key, create.length);
      expectations.expectDeletions(key, remove.map(objectKey));
      const results = await Promise.allSettled([
        ...create.map((n) => createPod(ds, n, hash)),
        ...remove.map((p) => client.delete(R.pods, p.metadata?.namespace, p.metadata?.name ?? '')),
      ]);
      const notCreated = results.slice(0, create.length).filter((r) => r.status === 'rejected').length;
      expectations.creationObserved(key, notCreated);
      const failed = results.find(
        (r): r is PromiseRejectedResult => r.status === 'rejected' && !isNotFound(r.reason),
      );
      if (failed) throw failed.reason;
    }
    await writeStatus(ds, eligible, byNode, hash);
  }

  /** Old-template pods to delete now: unavailable ones at once, available ones within maxUnavailable. */
  function rollingReplacements(
    ds: DaemonSetObj,
    eligible: NodeObj[],
    byNode: Map<string, PodObj[]>,
    hash: string,
  ): PodObj[] {
    if (ds.spec?.updateStrategy?.type === 'OnDelete') return [];
    const now = ctx.now();
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const current = eligible.map((n) => (byNode.get(n.metadata?.name ?? '') ?? []).filter(isPodActive)[0]);
    const old = current.filter(
      (p): p is PodObj => p !== undefined && p.metadata?.labels?.[REVISION_HASH] !== hash,
    );
    const unavailable = current.filter((p) => !p || !isPodAvailable(p, minReady, now)).length;
    const oldUnavailable = old.filter((p) => !isPodAvailable(p, minReady, now));
    const budget = rollingBudget(
      ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable,
      eligible.length,
      unavailable,
    );
    const oldAvailable = old.filter((p) => isPodAvailable(p, minReady, now)).slice(0, budget);
    return [...oldUnavailable, ...oldAvailable];
  }

  async function createPod(ds: DaemonSetObj, nodeName: string, hash: string): Promise<void> {
    const t = ds.spec?.template;
    const spec = clone(t?.spec ?? {});
    spec.affinity = pinToNode(t?.spec?.affinity, nodeName);
    spec.tolerations = withDaemonTolerations(t?.spec?.tolerations, t?.spec?.hostNetwork === true);
    const pod = await client.create<PodObj>(
      R.pods,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          generateName: `${ds.metadata?.name}-`,
          namespace: ds.metadata?.namespace,
          labels: { ...(t?.metadata?.labels ?? {}), [REVISION_HASH]: hash },
          annotations: t?.metadata?.annotations ? { ...t.metadata.annotations } : undefined,
          ownerReferences: [newControllerRef(ds, 'apps/v1', 'DaemonSet')],
        },
        spec,
      },
      { namespace: ds.metadata?.namespace },
    );
    recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name}`);
  }

  async function writeStatus(
    ds: DaemonSetObj,
    eligible: NodeObj[],
    byNode: Map<string, PodObj[]>,
    hash: string,
  ): Promise<void> {
    const now = ctx.now();
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const eligibleNames = new Set(eligible.map((n) => n.metadata?.name));
    const podOn = (n: NodeObj) => (byNode.get(n.metadata?.name ?? '') ?? []).filter(isPodActive)[0];
    const scheduled = eligible.map(podOn).filter((p): p is PodObj => p !== undefined);
    const misscheduled = [...byNode].filter(
      ([n, ps]) => n && !eligibleNames.has(n) && ps.some(isPodActive),
    ).length;
    const available = scheduled.filter((p) => isPodAvailable(p, minReady, now)).length;
    const status = {
      ...(ds.status ?? {}),
      desiredNumberScheduled: eligible.length,
      currentNumberScheduled: scheduled.length,
      numberMisscheduled: misscheduled,
      numberReady: scheduled.filter(isPodReady).length,
      updatedNumberScheduled: scheduled.filter((p) => p.metadata?.labels?.[REVISION_HASH] === hash).length,
      numberAvailable: available,
      numberUnavailable: Math.max(0, eligible.length - available),
      observedGeneration: ds.metadata?.generation,
    };
    if (canonicalJson(status) === canonicalJson(ds.status ?? {})) return;
    const body = clone(ds);
    body.status = status;
    await client.update(R.daemonsets, body, { subresource: 'status' });
  }

  return { name: 'daemonset', queue, workers, sync };
}
