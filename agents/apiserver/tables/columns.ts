// The meta.k8s.io/v1 Table shape and the small formatting helpers every printer shares.
//
// A printer is one kind's columns plus a function from an object to that row's cells, as in
// kubernetes pkg/printers/internalversion/printers.go. The server always fills the wide
// (`priority: 1`) cells; kubectl drops them unless asked for `-o wide`.

import type { LabelSelector } from 'kubernetes-types/meta/v1';

export type ColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'date';

export interface TableColumnDefinition {
  name: string;
  type: ColumnType;
  format: string;
  description: string;
  priority: number;
}

export interface TableRowCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface TableRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
  object?: unknown;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions?: TableColumnDefinition[];
  rows: TableRow[];
}

/** One kind's columns and how to fill them. `obj` is typed by the printer that owns it. */
export interface Printer {
  columns: TableColumnDefinition[];
  cells(obj: any, now: Date): unknown[];
  conditions?(obj: any): TableRowCondition[] | undefined;
}

export function column(
  name: string,
  type: ColumnType,
  description: string,
  opts: { wide?: boolean; format?: string } = {},
): TableColumnDefinition {
  return { name, type, format: opts.format ?? '', description, priority: opts.wide ? 1 : 0 };
}

export const NAME = column('Name', 'string', 'Name must be unique within a namespace.', { format: 'name' });
export const AGE = column(
  'Age',
  'string',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);
export const CONTAINERS = column('Containers', 'string', 'Names of each container in the template.', {
  wide: true,
});
export const IMAGES = column('Images', 'string', 'Images referenced by each container in the template.', {
  wide: true,
});
export const SELECTOR = column('Selector', 'string', 'A label query over the objects this one manages.', {
  wide: true,
});

/** `a=1,b=2` sorted by key, `<none>` when empty (labels.FormatLabels). */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels?.[k]}`).join(',');
}

/**
 * A LabelSelector as selector text: requirements sorted by key, `k=v`, `k in (a,b)`, `k notin (a)`,
 * `k`, `!k` (metav1.LabelSelectorAsSelector(…).String()). Empty and nil selectors give ''.
 */
export function selectorString(sel: LabelSelector | undefined | null): string {
  const reqs: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) reqs.push([k, `${k}=${v}`]);
  for (const e of sel?.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    const text: Record<string, string> = {
      In: `${e.key} in (${values})`,
      NotIn: `${e.key} notin (${values})`,
      Exists: e.key,
      DoesNotExist: `!${e.key}`,
    };
    reqs.push([e.key, text[e.operator] ?? `${e.key} ${e.operator} (${values})`]);
  }
  return reqs
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, t]) => t)
    .join(',');
}

/** selectorString, with `<none>` for an empty selector (metav1.FormatLabelSelector). */
export function formatLabelSelector(sel: LabelSelector | undefined | null): string {
  return selectorString(sel) || '<none>';
}

/** Container names and images, each comma-joined (layoutContainerCells). */
export function containerCells(
  containers: Array<{ name: string; image?: string }> | undefined,
): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(','), list.map((c) => c.image ?? '').join(',')];
}

/** `True`/`False`, `<unset>` for a missing optional bool (printBoolPtr). */
export function boolPtr(v: boolean | undefined | null): string {
  if (v === undefined || v === null) return '<unset>';
  return v ? 'True' : 'False';
}

/** The first `max` items joined with commas, then ` + N more...` (listWithMoreString). */
export function listWithMore(items: string[], max = 3, empty = '<unset>'): string {
  if (items.length > max) return `${items.slice(0, max).join(',')} + ${items.length - max} more...`;
  return items.length === 0 ? empty : items.join(',');
}

/** `host:port`, bracketing IPv6 hosts (net.JoinHostPort). */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** An IntOrString as text: 2 → "2", "50%" → "50%". */
export function intOrString(v: number | string | undefined | null, unset = 'N/A'): string {
  return v === undefined || v === null ? unset : String(v);
}
