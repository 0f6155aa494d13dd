// POST pods/<name>/eviction: a delete that honours PodDisruptionBudgets (upstream:
// registry/core/pod/storage/eviction.go). Decisions are pure; `evictPod` does the I/O.
//
//   pod Pending/Succeeded/Failed or already deleting   → delete, no budget consulted
//   no budget selects the pod                           → delete
//   two or more budgets select it                       → 500, upstream does not support it
//   pod not Ready, budget already has desiredHealthy    → delete without spending the budget
//   budget status stale (observedGeneration < generation) → 429, retry after 10 s
//   disruptionsAllowed 0                                → 429 naming needed and current healthy pods
//   otherwise                                           → disruptionsAllowed - 1, pod recorded in
//                                                         disruptedPods (guarded status write), delete
//
// The disruption controller (controller-manager) recomputes the budget's status; disruptedPods
// tells it this pod is on its way out, so it is not counted healthy in the meantime.

import type { DeleteOptions, StatusCause } from 'kubernetes-types/meta/v1';
import { cloneJson } from '../../api/clone';
import { badRequest, forbidden, internalError, tooManyRequests } from '../../api/errors';
import { R } from '../../api/resources';
import { fromLabelSelector, matchesLabels } from '../../api/selectors';
import type { KubeObject } from '../../api/types';
import type { RestStorage } from './rest';
import { successStatus } from './subresources';

export const VIOLATES_BUDGET = "Cannot evict pod as it would violate the pod's disruption budget.";
/** Upstream refuses a budget whose disruptedPods map grew past this (unconfirmed evictions). */
export const MAX_DISRUPTED_POD_SIZE = 2000;

interface PdbStatus {
  observedGeneration?: number;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
  disruptedPods?: Record<string, string>;
  conditions?: Array<Record<string, unknown>>;
}

const statusOf = (pdb: KubeObject) => (pdb.status ?? {}) as PdbStatus;
const budgetCause = (message: string): StatusCause => ({ reason: 'DisruptionBudget', message });

/** A pod that is not running (or already going) may always be evicted (upstream canIgnorePDB). */
export function canIgnoreBudgets(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return (
    phase === 'Succeeded' ||
    phase === 'Failed' ||
    phase === 'Pending' ||
    Boolean(pod.metadata?.deletionTimestamp)
  );
}

export function isPodReady(pod: KubeObject): boolean {
  const conditions = (pod.status as { conditions?: Array<{ type: string; status: string }> } | undefined)
    ?.conditions;
  return conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Budgets in the pod's namespace whose selector matches it; an empty selector matches nothing here. */
export function budgetsFor(pod: KubeObject, pdbs: KubeObject[]): KubeObject[] {
  return pdbs.filter((pdb) => {
    if (pdb.metadata?.namespace !== pod.metadata?.namespace) return false;
    let reqs: ReturnType<typeof fromLabelSelector>;
    try {
      reqs = fromLabelSelector((pdb.spec as { selector?: never } | undefined)?.selector);
    } catch {
      return false;
    }
    return reqs.length > 0 && matchesLabels(reqs, pod.metadata?.labels);
  });
}

export type EvictionPlan = { action: 'delete' } | { action: 'spend'; pdb: KubeObject };

/** Whether this eviction must spend a budget, and which (throws the 500 for several budgets). */
export function planEviction(pod: KubeObject, pdbs: KubeObject[]): EvictionPlan {
  if (canIgnoreBudgets(pod)) return { action: 'delete' };
  const matching = budgetsFor(pod, pdbs);
  if (matching.length === 0) return { action: 'delete' };
  if (matching.length > 1)
    throw internalError(
      new Error(
        'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
      ),
    );
  const pdb = matching[0];
  if (!isPodReady(pod)) {
    const policy = (pdb.spec as { unhealthyPodEvictionPolicy?: string } | undefined)
      ?.unhealthyPodEvictionPolicy;
    const st = statusOf(pdb);
    // An unhealthy pod counts toward neither side, so taking it costs the budget nothing.
    if (policy === 'AlwaysAllow') return { action: 'delete' };
    if ((st.desiredHealthy ?? 0) > 0 && (st.currentHealthy ?? 0) >= (st.desiredHealthy ?? 0))
      return { action: 'delete' };
  }
  return { action: 'spend', pdb };
}

/**
 * The budget after one more disruption, or the error that refuses it (upstream checkAndDecrement).
 * `now` is the time recorded for the pod in disruptedPods.
 */
export function spendBudget(podName: string, pdb: KubeObject, now: string): KubeObject {
  const name = pdb.metadata?.name ?? '';
  const st = statusOf(pdb);
  if ((st.observedGeneration ?? 0) < (pdb.metadata?.generation ?? 0))
    throw tooManyRequests(VIOLATES_BUDGET, 10, [
      budgetCause(`The disruption budget ${name} is still being processed by the server.`),
    ]);
  const allowed = st.disruptionsAllowed ?? 0;
  const budget = { group: 'policy', resource: 'poddisruptionbudget' };
  if (allowed < 0) throw forbidden(budget, name, 'pdb disruptions allowed is negative');
  if (Object.keys(st.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE)
    throw forbidden(
      budget,
      name,
      'DisruptedPods map too big - too many evictions not confirmed by PDB controller',
    );
  if (allowed === 0)
    throw tooManyRequests(VIOLATES_BUDGET, 0, [
      budgetCause(
        `The disruption budget ${name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently`,
      ),
    ]);
  const next = cloneJson(pdb);
  const status: PdbStatus = { ...st, disruptionsAllowed: allowed - 1 };
  status.disruptedPods = { ...(st.disruptedPods ?? {}), [podName]: now };
  if (status.disruptionsAllowed === 0) status.conditions = insufficientPods(st.conditions ?? [], pdb, now);
  next.status = status;
  return next;
}

/** The DisruptionAllowed=False condition upstream sets when the last disruption is spent. */
function insufficientPods(conditions: Array<Record<string, unknown>>, pdb: KubeObject, now: string) {
  const old = conditions.find((c) => c.type === 'DisruptionAllowed');
  const changed = old?.status !== 'False';
  const condition = {
    type: 'DisruptionAllowed',
    status: 'False',
    observedGeneration: pdb.metadata?.generation,
    lastTransitionTime: changed ? now : old?.lastTransitionTime,
    reason: 'InsufficientPods',
    message: '',
  };
  return [...conditions.filter((c) => c.type !== 'DisruptionAllowed'), condition];
}

export async function evictPod(
  rest: RestStorage,
  namespace: string,
  name: string,
  eviction: KubeObject,
): Promise<KubeObject> {
  if (eviction.metadata?.name && eviction.metadata.name !== name) {
    throw badRequest(`name in URL does not match name in Eviction object`);
  }
  const deleteOptions = (eviction as { deleteOptions?: DeleteOptions }).deleteOptions ?? {};
  const pod = await rest.get(R.pods, namespace, name);
  const pdbs = (rest.caches.get(R.poddisruptionbudgets)?.snapshot(namespace) ?? []).map((e) => e.obj);
  const plan = planEviction(pod, pdbs);
  if (plan.action === 'spend') {
    const now = new Date(rest.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    // Read again under the guard: the budget's status may have moved since the cache saw it.
    await rest.guardedUpdate(
      R.poddisruptionbudgets,
      namespace,
      plan.pdb.metadata?.name ?? '',
      {},
      (current) => spendBudget(name, current.obj, now),
      'status',
    );
  }
  await rest.delete(R.pods, namespace, name, deleteOptions);
  return successStatus();
}
