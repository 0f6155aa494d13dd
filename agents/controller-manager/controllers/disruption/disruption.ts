// The disruption controller (disruption.go): keeps each PodDisruptionBudget's status current so
// the eviction API can answer "may this pod go now?" from `status.disruptionsAllowed`. Pod and
// PDB events wake the PDBs that select the pod. sync(key):
//   1. the PDB's pods: every pod in its namespace its selector matches (an empty selector
//      matches all, a missing one none);
//   2. expectedPods and desiredHealthy from minAvailable/maxUnavailable (disruption-math.ts),
//      asking the pods' controllers for their scale when a percentage or maxUnavailable needs it;
//   3. drop `disruptedPods` entries whose pod is gone or overdue, count healthy pods;
//   4. write status when it changed; come back when the earliest disruptedPods entry expires.
// When the scale cannot be found (a pod's controller has no scale: a Job, a DaemonSet), the
// status fails safe: disruptionsAllowed 0 with DisruptionAllowed=False, reason SyncFailed.

import { isConflict } from '../../../api/errors';
import { R } from '../../../api/resources';
import { objectKey } from '../../../api/types';
import type { Controller, ControllerContext } from '../../controller';
import {
  canonicalJson,
  clone,
  type DeploymentObj,
  type PdbObj,
  type PodObj,
  type RCObj,
  type ReplicaSetObj,
  type StatefulSetObj,
  semantic,
} from '../common/objects';
import { controllerRef } from '../common/owner';
import { compileSelector } from '../common/selector';
import {
  buildDisruptedPodMap,
  countHealthyPods,
  expectedPodCount,
  failSafeStatus,
  pdbStatus,
} from './disruption-math';
import { controllerScaleFinder } from './scale-finder';

export function newDisruptionController(ctx: ControllerContext, workers = 1): Controller {
  const pdbs = ctx.informers.for<PdbObj>(R.poddisruptionbudgets);
  const pods = ctx.informers.for<PodObj>(R.pods);
  const findScale = controllerScaleFinder({
    replicationcontrollers: ctx.informers.for<RCObj>(R.replicationcontrollers),
    replicasets: ctx.informers.for<ReplicaSetObj>(R.replicasets),
    deployments: ctx.informers.for<DeploymentObj>(R.deployments),
    statefulsets: ctx.informers.for<StatefulSetObj>(R.statefulsets),
  });
  const { client, queue, recorder } = ctx;

  const wakeSelecting = (...ps: PodObj[]) => {
    const keys = new Set<string>();
    for (const p of ps)
      for (const pdb of pdbs.list(p.metadata?.namespace))
        if (compileSelector(pdb.spec?.selector)(p.metadata?.labels)) keys.add(objectKey(pdb));
    for (const k of keys) queue.add(k);
  };
  pdbs.addEventHandler({
    add: (p) => queue.add(objectKey(p)),
    update: (_o, p) => queue.add(objectKey(p)),
  });
  pods.addEventHandler({
    add: (p) => wakeSelecting(p),
    update: (o, p) => wakeSelecting(o, p),
    delete: (p) => wakeSelecting(p),
  });

  async function sync(key: string): Promise<void> {
    const pdb = pdbs.get(key);
    if (!pdb) return;
    try {
      await trySync(pdb, key);
    } catch (err) {
      if (isConflict(err)) throw err;
      await writeStatus(pdb, failSafeStatus(pdb, String((err as Error).message ?? err), ctx.now()));
    }
  }

  async function trySync(pdb: PdbObj, key: string): Promise<void> {
    const now = ctx.now();
    const selects = compileSelector(pdb.spec?.selector);
    const mine = pods.list(pdb.metadata?.namespace).filter((p) => selects(p.metadata?.labels));
    if (mine.length === 0) recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    const unmanaged = mine.filter((p) => !controllerRef(p)).map((p) => p.metadata?.name);
    let scaleAsked = false;
    let counts: ReturnType<typeof expectedPodCount>;
    try {
      counts = expectedPodCount(pdb.spec ?? {}, mine.length, () => {
        scaleAsked = true;
        return findScale(mine);
      });
    } catch (err) {
      recorder.event(
        pdb,
        'Warning',
        'CalculateExpectedPodCountFailed',
        `Failed to calculate the number of expected pods: ${(err as Error).message}`,
      );
      throw err;
    }
    if (scaleAsked && unmanaged.length > 0)
      recorder.event(
        pdb,
        'Warning',
        'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget were found to be unmanaged (${unmanaged.join(', ')}). ` +
          'As a result, the status of the PDB cannot be calculated correctly. ' +
          'To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.',
      );
    const { disruptedPods, expired, recheckAt } = buildDisruptedPodMap(mine, pdb.status?.disruptedPods, now);
    for (const name of expired) {
      const pod = mine.find((p) => p.metadata?.name === name);
      if (pod)
        recorder.event(
          pod,
          'Warning',
          'NotDeleted',
          `Pod was expected by PDB ${key} to be deleted but it wasn't`,
        );
    }
    const currentHealthy = countHealthyPods(mine, disruptedPods, now);
    await writeStatus(pdb, pdbStatus(pdb, { ...counts, currentHealthy }, disruptedPods, now));
    if (recheckAt !== undefined) queue.addAfter(key, Math.max(0, recheckAt - now));
  }

  async function writeStatus(pdb: PdbObj, status: PdbObj['status']): Promise<void> {
    if (canonicalJson(semantic(status)) === canonicalJson(semantic(pdb.status ?? {}))) return;
    const body = clone(pdb);
    body.status = status;
    await client.update(R.poddisruptionbudgets, body, { subresource: 'status' });
  }

  return { name: 'disruption', queue, workers, sync };
}
