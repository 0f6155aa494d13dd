// Server-side printing: `kubectl get` asks for `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`
// and prints whatever columns the server returns. Without a Table it can show only NAME and AGE,
// so this is where `kubectl get pods` gets READY, STATUS and RESTARTS.
//
// toTable turns a list (or one object, or one watch event's object) into a meta.k8s.io/v1 Table.
// Each row carries the object's metadata as PartialObjectMetadata, which kubectl needs for the
// NAMESPACE column (-A), --show-labels and -L (apiserver pkg/endpoints/handlers/response.go).

import { groupVersion, type ResourceInfo } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import { horizontalPodAutoscalerPrinter, nodeMetricsPrinter, podMetricsPrinter } from './autoscaling';
import { column, NAME, type Printer, type Table, type TableRow } from './columns';
import {
  componentStatusPrinter,
  configMapPrinter,
  eventPrinter,
  leasePrinter,
  namespacePrinter,
  podDisruptionBudgetPrinter,
  secretPrinter,
  serviceAccountPrinter,
} from './misc';
import { nodePrinter } from './nodes';
import { podPrinter } from './pods';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './services';
import { persistentVolumeClaimPrinter, persistentVolumePrinter, storageClassPrinter } from './storage';
import {
  controllerRevisionPrinter,
  cronJobPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  jobPrinter,
  replicaSetPrinter,
  replicationControllerPrinter,
  statefulSetPrinter,
} from './workloads';

export type { Table, TableColumnDefinition, TableRow } from './columns';

/** Printers by `<group>/<resource>`, one per row of the resource catalogue. */
export const printers: Record<string, Printer> = {
  '/pods': podPrinter,
  '/nodes': nodePrinter,
  '/namespaces': namespacePrinter,
  '/services': servicePrinter,
  '/endpoints': endpointsPrinter,
  '/events': eventPrinter,
  '/configmaps': configMapPrinter,
  '/secrets': secretPrinter,
  '/serviceaccounts': serviceAccountPrinter,
  '/replicationcontrollers': replicationControllerPrinter,
  '/componentstatuses': componentStatusPrinter,
  'apps/deployments': deploymentPrinter,
  'apps/replicasets': replicaSetPrinter,
  'apps/daemonsets': daemonSetPrinter,
  'apps/statefulsets': statefulSetPrinter,
  'apps/controllerrevisions': controllerRevisionPrinter,
  'batch/jobs': jobPrinter,
  'batch/cronjobs': cronJobPrinter,
  'coordination.k8s.io/leases': leasePrinter,
  'policy/poddisruptionbudgets': podDisruptionBudgetPrinter,
  'discovery.k8s.io/endpointslices': endpointSlicePrinter,
  '/persistentvolumes': persistentVolumePrinter,
  '/persistentvolumeclaims': persistentVolumeClaimPrinter,
  'storage.k8s.io/storageclasses': storageClassPrinter,
  'autoscaling/horizontalpodautoscalers': horizontalPodAutoscalerPrinter,
  'metrics.k8s.io/nodes': nodeMetricsPrinter,
  'metrics.k8s.io/pods': podMetricsPrinter,
};

/** Kinds without a printer get NAME and CREATED AT, as upstream's defaultTableConvertor. */
export const defaultPrinter: Printer = {
  columns: [NAME, column('Created At', 'date', 'CreationTimestamp of the object.')],
  cells: (obj: KubeObject) => [obj.metadata?.name, obj.metadata?.creationTimestamp ?? ''],
};

export function printerFor(r: ResourceInfo): Printer {
  return printers[`${r.group}/${r.resource}`] ?? defaultPrinter;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  now: Date;
  /** `?includeObject=`: Metadata (default) sends PartialObjectMetadata; kubectl --sort-by asks for Object. */
  includeObject?: IncludeObject;
  /** Watch events after the first leave out the column definitions. */
  noHeaders?: boolean;
  resourceVersion?: string;
  continue?: string;
}

export function toTable(r: ResourceInfo, objs: KubeObject[], opts: TableOptions): Table {
  const printer = printerFor(r);
  const metadata: Table['metadata'] = {};
  if (opts.resourceVersion !== undefined) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  const table: Table = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, rows: [] };
  if (!opts.noHeaders) table.columnDefinitions = printer.columns;
  table.rows = objs.map((obj) => toRow(r, printer, obj, opts));
  return table;
}

function toRow(r: ResourceInfo, printer: Printer, obj: KubeObject, opts: TableOptions): TableRow {
  const row: TableRow = { cells: printer.cells(obj, opts.now) };
  const conditions = printer.conditions?.(obj);
  if (conditions) row.conditions = conditions;
  const include = opts.includeObject ?? 'Metadata';
  if (include === 'Object') row.object = { apiVersion: groupVersion(r), kind: r.kind, ...obj };
  if (include === 'Metadata') {
    row.object = {
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: obj.metadata ?? {},
    };
  }
  return row;
}
