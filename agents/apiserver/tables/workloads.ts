// Controllers of pods: deployments, replicasets, replicationcontrollers, daemonsets, statefulsets,
// jobs, cronjobs and controllerrevisions (printDeployment, printReplicaSet, printJob, … in
// pkg/printers/internalversion/printers.go). Wide columns name the template's containers, images
// and the selector.
//
//   NAME   READY   UP-TO-DATE   AVAILABLE   AGE        deployments
//   web    2/3     3            2           5m
//   NAME         STATUS     COMPLETIONS   DURATION   AGE   jobs
//   pi           Complete   1/1           12s        2m

import type {
  ControllerRevision,
  DaemonSet,
  Deployment,
  ReplicaSet,
  StatefulSet,
} from 'kubernetes-types/apps/v1';
import type { CronJob, Job } from 'kubernetes-types/batch/v1';
import type { ReplicationController } from 'kubernetes-types/core/v1';
import { between, since } from './age';
import {
  AGE,
  boolPtr,
  CONTAINERS,
  column,
  containerCells,
  formatLabelSelector,
  formatLabels,
  IMAGES,
  NAME,
  type Printer,
  SELECTOR,
  selectorString,
} from './columns';

const int = (name: string, description: string) => column(name, 'integer', description);
const str = (name: string, description: string) => column(name, 'string', description);
// spec.replicas is defaulted to 1 on create; an object that skipped defaulting reads the same.
const desired = (replicas: number | undefined) => replicas ?? 1;

export const deploymentPrinter: Printer = {
  columns: [
    NAME,
    str('Ready', 'Number of the pod with ready state'),
    str(
      'Up-to-date',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
    ),
    str(
      'Available',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
    ),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(d: Deployment, now) {
    const s = d.status;
    return [
      d.metadata?.name,
      `${s?.readyReplicas ?? 0}/${desired(d.spec?.replicas)}`,
      s?.updatedReplicas ?? 0,
      s?.availableReplicas ?? 0,
      since(now, d.metadata?.creationTimestamp),
      ...containerCells(d.spec?.template?.spec?.containers),
      selectorString(d.spec?.selector),
    ];
  },
};

const replicaColumns = [
  NAME,
  int('Desired', 'Number of desired pods.'),
  int('Current', 'The most recently observed number of replicas.'),
  int('Ready', 'The number of ready replicas.'),
  AGE,
  CONTAINERS,
  IMAGES,
  SELECTOR,
];

export const replicaSetPrinter: Printer = {
  columns: replicaColumns,
  cells(rs: ReplicaSet, now) {
    return [
      rs.metadata?.name,
      desired(rs.spec?.replicas),
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      since(now, rs.metadata?.creationTimestamp),
      ...containerCells(rs.spec?.template?.spec?.containers),
      formatLabelSelector(rs.spec?.selector),
    ];
  },
};

export const replicationControllerPrinter: Printer = {
  columns: replicaColumns,
  cells(rc: ReplicationController, now) {
    return [
      rc.metadata?.name,
      desired(rc.spec?.replicas),
      rc.status?.replicas ?? 0,
      rc.status?.readyReplicas ?? 0,
      since(now, rc.metadata?.creationTimestamp),
      ...containerCells(rc.spec?.template?.spec?.containers),
      formatLabels(rc.spec?.selector), // an RC selector is a plain map
    ];
  },
};

export const daemonSetPrinter: Printer = {
  columns: [
    NAME,
    int('Desired', 'The total number of nodes that should be running the daemon pod.'),
    int('Current', 'The number of nodes running at least one daemon pod and supposed to.'),
    int('Ready', 'The number of nodes with a ready daemon pod.'),
    int('Up-to-date', 'The number of nodes running the updated daemon pod spec.'),
    int('Available', 'The number of nodes with an available daemon pod.'),
    str('Node Selector', 'NodeSelector of the pod template.'),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(ds: DaemonSet, now) {
    const s = ds.status;
    return [
      ds.metadata?.name,
      s?.desiredNumberScheduled ?? 0,
      s?.currentNumberScheduled ?? 0,
      s?.numberReady ?? 0,
      s?.updatedNumberScheduled ?? 0,
      s?.numberAvailable ?? 0,
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      since(now, ds.metadata?.creationTimestamp),
      ...containerCells(ds.spec?.template?.spec?.containers),
      formatLabelSelector(ds.spec?.selector),
    ];
  },
};

export const statefulSetPrinter: Printer = {
  columns: [NAME, str('Ready', 'Number of the pod with ready state'), AGE, CONTAINERS, IMAGES],
  cells(ss: StatefulSet, now) {
    return [
      ss.metadata?.name,
      `${ss.status?.readyReplicas ?? 0}/${desired(ss.spec?.replicas)}`,
      since(now, ss.metadata?.creationTimestamp),
      ...containerCells(ss.spec?.template?.spec?.containers),
    ];
  },
};

const hasCondition = (job: Job, type: string) =>
  job.status?.conditions?.find((c) => c.type === type)?.status === 'True';

/** Complete, Failed, Terminating, Suspended, FailureTarget, else Running — first match wins. */
export function jobStatus(job: Job): string {
  if (hasCondition(job, 'Complete')) return 'Complete';
  if (hasCondition(job, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (hasCondition(job, 'Suspended')) return 'Suspended';
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** `1/3` with completions set; `0/1` or `0/1 of 4` (parallel workers) without. */
export function jobCompletions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  if (job.spec?.completions !== undefined && job.spec.completions !== null)
    return `${succeeded}/${job.spec.completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: Job, now: Date): string {
  const start = job.status?.startTime;
  if (!start) return '';
  const done = job.status?.completionTime;
  return done ? between(start, done) : since(now, start);
}

export const jobPrinter: Printer = {
  columns: [
    NAME,
    str('Status', 'Status of the job.'),
    str('Completions', 'The number of pods which reached phase Succeeded.'),
    str('Duration', 'Time required to complete the job.'),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(job: Job, now) {
    return [
      job.metadata?.name,
      jobStatus(job),
      jobCompletions(job),
      jobDuration(job, now),
      since(now, job.metadata?.creationTimestamp),
      ...containerCells(job.spec?.template?.spec?.containers),
      formatLabelSelector(job.spec?.selector),
    ];
  },
};

export const cronJobPrinter: Printer = {
  columns: [
    NAME,
    str('Schedule', 'The schedule in Cron format.'),
    str('Timezone', 'The time zone name for the given schedule.'),
    column('Suspend', 'boolean', 'Whether subsequent executions are suspended.'),
    int('Active', 'A list of pointers to currently running jobs.'),
    str('Last Schedule', 'Information when was the last time the job was successfully scheduled.'),
    AGE,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(cj: CronJob, now) {
    const last = cj.status?.lastScheduleTime;
    const template = cj.spec?.jobTemplate?.spec;
    return [
      cj.metadata?.name,
      cj.spec?.schedule ?? '',
      cj.spec?.timeZone ?? '<none>',
      boolPtr(cj.spec?.suspend),
      cj.status?.active?.length ?? 0,
      last ? since(now, last) : '<none>',
      since(now, cj.metadata?.creationTimestamp),
      ...containerCells(template?.template?.spec?.containers),
      formatLabelSelector(template?.selector),
    ];
  },
};

/** `daemonset.apps/fluentd` from the controller ownerReference, `<none>` without one. */
function controllerName(cr: ControllerRevision): string {
  const ref = cr.metadata?.ownerReferences?.find((o) => o.controller);
  if (!ref) return '<none>';
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
  return `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
}

export const controllerRevisionPrinter: Printer = {
  columns: [
    NAME,
    str('Controller', 'Controller of the object'),
    str('Revision', 'Revision indicates the revision of the state represented by Data.'),
    AGE,
  ],
  cells(cr: ControllerRevision, now) {
    return [
      cr.metadata?.name,
      controllerName(cr),
      cr.revision ?? 0,
      since(now, cr.metadata?.creationTimestamp),
    ];
  },
};
