// Pods: NAME READY STATUS RESTARTS AGE | IP NODE NOMINATED-NODE READINESS-GATES.
//
// STATUS is not a field: it is folded from the phase, init container states, container states and
// deletion, in this order (printPod in pkg/printers/internalversion/printers.go):
//   1. phase, or status.reason when set (Evicted, NodeLost); SchedulingGated wins over both
//   2. the first init container still in the way: Init:1/2, Init:CrashLoopBackOff, Init:Error…
//   3. otherwise the first app container waiting/terminated with a reason: ContainerCreating,
//      CrashLoopBackOff, ErrImagePull, Completed, Error, ExitCode:137; Completed with another
//      container still running reads Running (or NotReady)
//   4. deletionTimestamp on a live pod: Terminating (Unknown if its node was lost)

import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1';
import { humanDuration, since } from './age';
import { AGE, column, NAME, type Printer, type TableRowCondition } from './columns';

interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

const isRestartableInit = (pod: Pod, name: string) =>
  pod.spec?.initContainers?.find((c) => c.name === name)?.restartPolicy === 'Always';

const conditionTrue = (pod: Pod, type: string) =>
  (pod.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');

/** The latest lastState.terminated.finishedAt among statuses, as epoch ms (0 when none). */
function lastRestart(statuses: readonly ContainerStatus[]): number {
  let latest = 0;
  for (const s of statuses) {
    const at = s.lastState?.terminated?.finishedAt;
    if (at) latest = Math.max(latest, Date.parse(at));
  }
  return latest;
}

function terminatedText(t: { reason?: string; signal?: number; exitCode: number }, prefix: string): string {
  if (t.reason) return `${prefix}${t.reason}`;
  return t.signal ? `${prefix}Signal:${t.signal}` : `${prefix}ExitCode:${t.exitCode}`;
}

/** Step 2: the reason an init container blocks the pod, or undefined when none does. */
function initReason(pod: Pod): string | undefined {
  const statuses = pod.status?.initContainerStatuses ?? [];
  const total = pod.spec?.initContainers?.length ?? 0;
  for (let i = 0; i < statuses.length; i++) {
    const s = statuses[i];
    if (s.state?.terminated && s.state.terminated.exitCode === 0) continue;
    if (isRestartableInit(pod, s.name) && s.started) continue; // a running sidecar is not in the way
    if (s.state?.terminated) return terminatedText(s.state.terminated, 'Init:');
    const waiting = s.state?.waiting?.reason;
    if (waiting && waiting !== 'PodInitializing') return `Init:${waiting}`;
    return `Init:${i}/${total}`;
  }
  return undefined;
}

export function summarizePod(pod: Pod, now: Date): PodSummary {
  const phase = pod.status?.phase ?? '';
  let reason = pod.status?.reason || phase;
  if (
    (pod.status?.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')
  ) {
    reason = 'SchedulingGated';
  }
  const initStatuses = pod.status?.initContainerStatuses ?? [];
  const sidecars = initStatuses.filter((s) => isRestartableInit(pod, s.name));
  const total =
    (pod.spec?.containers?.length ?? 0) +
    (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').length;
  let ready = sidecars.filter((s) => s.started && s.ready).length;
  let restarts = initStatuses.reduce((n, s) => n + s.restartCount, 0);
  let lastRestartAt = lastRestart(initStatuses);

  const blocked = initReason(pod);
  if (blocked) reason = blocked;
  if (!blocked || conditionTrue(pod, 'Initialized')) {
    const statuses = pod.status?.containerStatuses ?? [];
    restarts =
      sidecars.reduce((n, s) => n + s.restartCount, 0) + statuses.reduce((n, s) => n + s.restartCount, 0);
    lastRestartAt = Math.max(lastRestart(sidecars), lastRestart(statuses));
    let hasRunning = false;
    // Walk backwards so the first container with something to say has the last word.
    for (const s of [...statuses].reverse()) {
      if (s.state?.waiting?.reason) reason = s.state.waiting.reason;
      else if (s.state?.terminated) reason = terminatedText(s.state.terminated, '');
      else if (s.ready && s.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(pod, 'Ready') ? 'Running' : 'NotReady';
  }

  if (pod.metadata?.deletionTimestamp && pod.status?.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed')
    reason = 'Terminating';

  const restartText =
    restarts !== 0 && lastRestartAt > 0
      ? `${restarts} (${humanDuration(now.getTime() - lastRestartAt)} ago)`
      : `${restarts}`;
  return { ready: `${ready}/${total}`, status: reason, restarts: restartText };
}

/** `2/3` of the pod's readiness gates whose conditions are True, `<none>` without gates. */
function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const met = gates.filter((g) => conditionTrue(pod, g.conditionType)).length;
  return `${met}/${gates.length}`;
}

export const podPrinter: Printer = {
  columns: [
    NAME,
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE,
    column('IP', 'string', 'IP address allocated to the pod.', { wide: true }),
    column('Node', 'string', 'The node this pod is bound to.', { wide: true }),
    column('Nominated Node', 'string', 'The node the scheduler nominated for preemption.', { wide: true }),
    column('Readiness Gates', 'string', 'Readiness gates whose conditions are true.', { wide: true }),
  ],
  cells(pod: Pod, now) {
    const s = summarizePod(pod, now);
    return [
      pod.metadata?.name,
      s.ready,
      s.status,
      s.restarts,
      since(now, pod.metadata?.creationTimestamp),
      pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>',
      pod.spec?.nodeName || '<none>',
      pod.status?.nominatedNodeName || '<none>',
      readinessGates(pod),
    ];
  },
  // Finished pods carry a Completed row condition, as upstream's podSuccessConditions.
  conditions(pod: Pod): TableRowCondition[] | undefined {
    if (pod.status?.phase === 'Succeeded') {
      return [
        {
          type: 'Completed',
          status: 'True',
          reason: 'Succeeded',
          message: 'The pod has completed successfully.',
        },
      ];
    }
    if (pod.status?.phase === 'Failed') {
      return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
    }
    return undefined;
  },
};
