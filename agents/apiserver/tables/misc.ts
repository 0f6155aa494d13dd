// The smaller kinds: namespaces, configmaps, secrets, serviceaccounts, events, componentstatuses,
// leases and poddisruptionbudgets (pkg/printers/internalversion/printers.go).
//
//   NAME                 STATUS    MESSAGE             ERROR          componentstatuses
//   etcd-0               Healthy   {"health":"true"}
//   LAST SEEN   TYPE     REASON      OBJECT          MESSAGE          events
//   5m          Normal   Scheduled   pod/web-1       Successfully assigned default/web-1 to minion-1

import type { Lease } from 'kubernetes-types/coordination/v1';
import type {
  ComponentStatus,
  ConfigMap,
  Event,
  Namespace,
  Secret,
  ServiceAccount,
} from 'kubernetes-types/core/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import { since } from './age';
import { AGE, column, intOrString, NAME, type Printer } from './columns';

const str = (name: string, description: string, wide = false) =>
  column(name, 'string', description, { wide });
const count = (m: Record<string, unknown> | undefined) => Object.keys(m ?? {}).length;

export const namespacePrinter: Printer = {
  columns: [NAME, str('Status', 'The status of the namespace'), AGE],
  cells: (ns: Namespace, now) => [
    ns.metadata?.name,
    ns.status?.phase ?? '',
    since(now, ns.metadata?.creationTimestamp),
  ],
};

export const configMapPrinter: Printer = {
  columns: [NAME, str('Data', 'Data contains the configuration data.'), AGE],
  cells: (cm: ConfigMap, now) => [
    cm.metadata?.name,
    count(cm.data) + count(cm.binaryData),
    since(now, cm.metadata?.creationTimestamp),
  ],
};

export const secretPrinter: Printer = {
  columns: [
    NAME,
    str('Type', 'Used to facilitate programmatic handling of secret data.'),
    str('Data', 'Data contains the secret data.'),
    AGE,
  ],
  cells: (s: Secret, now) => [
    s.metadata?.name,
    s.type ?? 'Opaque',
    count(s.data), // the apiserver folds stringData into data before storing
    since(now, s.metadata?.creationTimestamp),
  ],
};

export const serviceAccountPrinter: Printer = {
  columns: [
    NAME,
    str(
      'Secrets',
      'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
    ),
    AGE,
  ],
  cells: (sa: ServiceAccount, now) => [
    sa.metadata?.name,
    sa.secrets?.length ?? 0,
    since(now, sa.metadata?.creationTimestamp),
  ],
};

/** `component, host` for the Source column, falling back to reportingController/Instance. */
function eventSource(ev: Event): string {
  const component = ev.source?.component || ev.reportingComponent || '';
  const host = ev.source?.host || ev.reportingInstance || '';
  return host ? `${component}, ${host}` : component;
}

/** LAST SEEN falls back to the first sighting, then to eventTime (events.k8s.io writers set only that). */
function eventTimes(ev: Event, now: Date): { first: string; last: string; count: number } {
  const first = ev.firstTimestamp ? since(now, ev.firstTimestamp) : since(now, ev.eventTime);
  let last = ev.lastTimestamp ? since(now, ev.lastTimestamp) : first;
  let n = ev.count || 1; // singleton events written through the new API carry no count
  if (ev.series) {
    last = since(now, ev.series.lastObservedTime);
    n = ev.series.count ?? n;
  }
  return { first, last, count: n };
}

export const eventPrinter: Printer = {
  columns: [
    str('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    str('Type', 'Type of this event (Normal, Warning).'),
    str('Reason', 'A short, machine understandable string that gives the reason for this event.'),
    str('Object', 'The object that this event is about.'),
    str('Subobject', 'The sub-object this event is about, such as spec.containers{name}.', true),
    str('Source', 'The component reporting this event.', true),
    str('Message', 'A human-readable description of the status of this operation.'),
    str('First Seen', 'The time at which the event was first recorded.', true),
    str('Count', 'The number of times this event has occurred.', true),
    column('Name', 'string', 'Name must be unique within a namespace.', { wide: true, format: 'name' }),
  ],
  cells(ev: Event, now) {
    const kind = (ev.involvedObject?.kind ?? '').toLowerCase();
    const target = ev.involvedObject?.name ? `${kind}/${ev.involvedObject.name}` : kind;
    const t = eventTimes(ev, now);
    return [
      t.last,
      ev.type ?? '',
      ev.reason ?? '',
      target,
      ev.involvedObject?.fieldPath ?? '',
      eventSource(ev),
      (ev.message ?? '').trim(),
      t.first,
      t.count,
      ev.metadata?.name,
    ];
  },
};

export const componentStatusPrinter: Printer = {
  columns: [
    NAME,
    str('Status', 'Status of the component conditions'),
    str('Message', 'Message of the component conditions'),
    str('Error', 'Error of the component conditions'),
  ],
  cells(cs: ComponentStatus) {
    const healthy = cs.conditions?.find((c) => c.type === 'Healthy');
    const status = healthy ? (healthy.status === 'True' ? 'Healthy' : 'Unhealthy') : 'Unknown';
    return [cs.metadata?.name, status, healthy?.message ?? '', healthy?.error ?? ''];
  },
};

export const leasePrinter: Printer = {
  columns: [
    NAME,
    str('Holder', 'holderIdentity contains the identity of the holder of a current lease.'),
    AGE,
  ],
  cells: (l: Lease, now) => [
    l.metadata?.name,
    l.spec?.holderIdentity ?? '',
    since(now, l.metadata?.creationTimestamp),
  ],
};

export const podDisruptionBudgetPrinter: Printer = {
  columns: [
    NAME,
    str('Min Available', 'The minimum number of pods that must be available.'),
    str('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    AGE,
  ],
  cells: (pdb: PodDisruptionBudget, now) => [
    pdb.metadata?.name,
    intOrString(pdb.spec?.minAvailable),
    intOrString(pdb.spec?.maxUnavailable),
    pdb.status?.disruptionsAllowed ?? 0,
    since(now, pdb.metadata?.creationTimestamp),
  ],
};
