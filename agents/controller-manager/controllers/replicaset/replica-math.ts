// Pure decisions of the ReplicaSet controller: which pods go first when scaling down, and the
// status a sync reports (replica_set_utils.go calculateStatus; controller_utils.go ActivePods).

import type { ReplicaSetStatus } from 'kubernetes-types/apps/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import type { PodObj } from '../common/objects';
import { ms } from '../common/objects';
import { isPodAvailable, isPodReady, readyCondition } from '../common/pods';
import { selectorMatches } from '../common/selector';

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * Order pods so the cheapest to lose come first (ActivePods' Less):
 *   unscheduled < scheduled, Pending < Unknown < Running, not ready < ready,
 *   ready for less time < ready longer, more restarts < fewer, newer < older.
 */
export function compareForDeletion(a: PodObj, b: PodObj): number {
  const scheduled = (p: PodObj) => (p.spec?.nodeName ? 1 : 0);
  if (scheduled(a) !== scheduled(b)) return scheduled(a) - scheduled(b);
  const phase = (p: PodObj) => PHASE_RANK[p.status?.phase ?? 'Pending'] ?? 0;
  if (phase(a) !== phase(b)) return phase(a) - phase(b);
  const ready = (p: PodObj) => (isPodReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  if (ready(a) && ready(b)) {
    const since = (p: PodObj) => ms(readyCondition(p)?.lastTransitionTime) ?? 0;
    if (since(a) !== since(b)) return since(b) - since(a);
  }
  const restarts = (p: PodObj) =>
    (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  const created = (p: PodObj) => ms(p.metadata?.creationTimestamp) ?? 0;
  return created(b) - created(a);
}

/** The `n` pods to delete: the first n in deletion order. */
export function podsToDelete(pods: PodObj[], n: number): PodObj[] {
  return [...pods].sort(compareForDeletion).slice(0, Math.max(0, n));
}

/** A create/delete diff, capped per sync like upstream's burstReplicas (500). */
export function replicaDiff(active: number, want: number, burst = 500): number {
  const diff = want - active;
  return Math.max(-burst, Math.min(burst, diff));
}

export function calculateStatus(
  pods: PodObj[],
  opts: {
    selector: LabelSelector | undefined;
    templateLabels: Record<string, string> | undefined;
    minReadySeconds: number;
    generation: number | undefined;
    now: number;
  },
): ReplicaSetStatus {
  // fullyLabeled: the pod carries every label of the template, not just the selector's.
  const templateSel = { matchLabels: { ...(opts.templateLabels ?? {}) } };
  return {
    replicas: pods.length,
    fullyLabeledReplicas: pods.filter((p) => selectorMatches(templateSel, p.metadata?.labels)).length,
    readyReplicas: pods.filter(isPodReady).length,
    availableReplicas: pods.filter((p) => isPodAvailable(p, opts.minReadySeconds, opts.now)).length,
    observedGeneration: opts.generation,
  };
}
