// Tables shaped like kubectl's (borderless, columns padded by three spaces), computed from API
// objects. Pure, so validate's output can be tested without a cluster.
import type { ComponentStatus, Node } from 'kubernetes-types/core/v1';

export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] + 3)))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

/** kubectl's age: 45s, 3m12s (under 10 min), 2h5m, 3d. */
export function humanAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60}s`;
  if (m < 180) return m < 60 ? `${m}m` : `${Math.floor(m / 60)}h${m % 60 ? `${m % 60}m` : ''}`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h` : `${Math.floor(h / 24)}d`;
}

export function nodeReady(n: Node): 'True' | 'False' | 'Unknown' {
  const c = n.status?.conditions?.find((x) => x.type === 'Ready');
  return (c?.status as 'True' | 'False' | undefined) ?? 'Unknown';
}

export function nodeStatus(n: Node): string {
  const r = nodeReady(n);
  const s = r === 'True' ? 'Ready' : r === 'False' ? 'NotReady' : 'Unknown';
  return n.spec?.unschedulable ? `${s},SchedulingDisabled` : s;
}

export function nodeTable(nodes: Node[], now: number): string {
  const rows = [['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']];
  for (const n of [...nodes].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))) {
    const created = Date.parse(n.metadata?.creationTimestamp ?? '');
    rows.push([
      n.metadata?.name ?? '',
      nodeStatus(n),
      '<none>',
      Number.isNaN(created) ? '<unknown>' : humanAge(now - created),
      n.status?.nodeInfo?.kubeletVersion || '<none>',
    ]);
  }
  return formatTable(rows);
}

export function componentHealthy(c: ComponentStatus): boolean {
  return c.conditions?.some((x) => x.type === 'Healthy' && x.status === 'True') ?? false;
}

export function componentTable(items: ComponentStatus[]): string {
  const rows = [['NAME', 'STATUS', 'MESSAGE', 'ERROR']];
  for (const c of items) {
    const cond = c.conditions?.find((x) => x.type === 'Healthy');
    rows.push([
      c.metadata?.name ?? '',
      componentHealthy(c) ? 'Healthy' : 'Unhealthy',
      cond?.message ?? '',
      cond?.error ?? '',
    ]);
  }
  return formatTable(rows);
}
