// HorizontalPodAutoscalers and the metrics.k8s.io objects (printHorizontalPodAutoscaler and
// formatHPAMetrics in pkg/printers/internalversion/printers.go as of 1.30, which names the
// resource in TARGETS; metrics-server's addNodeMetricsToTable / addPodMetricsToTable).
//
//   NAME   REFERENCE        TARGETS                      MINPODS   MAXPODS   REPLICAS   AGE
//   web    Deployment/web   cpu: 35%/80%                 2         6         2          5m
//   api    Deployment/api   cpu: <unknown>/80%, memory: 10Mi/100Mi + 1 more...
//
//   NAME      CPU     MEMORY     WINDOW      (kubectl get nodemetrics / podmetrics)
//   minion1   250m    1356Ki     10.002s

import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus } from 'kubernetes-types/autoscaling/v2';
import { formatBytes, formatNanoCores, parseQuantity } from '../../api/quantity';
import { since } from './age';
import { AGE, column, NAME, type Printer } from './columns';

/** Current and target of each metric, at most two, then "+ N more..." (formatHPAMetrics). */
export function formatHPAMetrics(
  specs: MetricSpec[] | undefined,
  statuses: MetricStatus[] | undefined,
): string {
  if (!specs?.length) return '<none>';
  const list = specs.map((spec, i) => {
    const st = statuses?.[i];
    const unknown = '<unknown>';
    switch (spec.type) {
      case 'External': {
        const t = spec.external?.target;
        if (t?.averageValue !== undefined)
          return `${st?.external?.current?.averageValue ?? unknown}/${t.averageValue} (avg)`;
        return `${st?.external ? (st.external.current?.value ?? '0') : unknown}/${t?.value}`;
      }
      case 'Pods':
        return `${st?.pods ? (st.pods.current?.averageValue ?? '0') : unknown}/${spec.pods?.target?.averageValue}`;
      case 'Object': {
        const t = spec.object?.target;
        if (t?.averageValue !== undefined)
          return `${st?.object?.current?.averageValue ?? unknown}/${t.averageValue} (avg)`;
        return `${st?.object ? (st.object.current?.value ?? '0') : unknown}/${t?.value}`;
      }
      case 'Resource':
      case 'ContainerResource': {
        const src = spec.type === 'Resource' ? spec.resource : spec.containerResource;
        const cur = spec.type === 'Resource' ? st?.resource : st?.containerResource;
        const name = src?.name ?? '';
        if (src?.target?.averageValue !== undefined)
          return `${name}: ${cur ? (cur.current?.averageValue ?? '0') : unknown}/${src.target.averageValue}`;
        const now = cur?.current?.averageUtilization;
        const target = src?.target?.averageUtilization;
        return `${name}: ${now !== undefined ? `${now}%` : unknown}/${target !== undefined ? `${target}%` : '<auto>'}`;
      }
      default:
        return '<unknown type>';
    }
  });
  const shown = list.slice(0, 2).join(', ');
  return list.length > 2 ? `${shown} + ${list.length - 2} more...` : shown;
}

const str = (name: string, description: string) => column(name, 'string', description);
const int = (name: string, description: string) => column(name, 'integer', description);

export const horizontalPodAutoscalerPrinter: Printer = {
  columns: [
    NAME,
    str('Reference', 'Reference to target resource'),
    str('Targets', 'Current and target metrics of the autoscaler.'),
    str('MinPods', 'Lower limit for the number of pods that can be set by the autoscaler, default 1.'),
    int('MaxPods', 'Upper limit for the number of pods that can be set by the autoscaler.'),
    int('Replicas', 'Current number of replicas of pods managed by this autoscaler.'),
    AGE,
  ],
  cells(h: HorizontalPodAutoscaler, now) {
    const ref = h.spec?.scaleTargetRef;
    return [
      h.metadata?.name,
      `${ref?.kind ?? ''}/${ref?.name ?? ''}`,
      formatHPAMetrics(h.spec?.metrics, h.status?.currentMetrics),
      h.spec?.minReplicas !== undefined ? String(h.spec.minReplicas) : '<unset>',
      h.spec?.maxReplicas ?? 0,
      h.status?.currentReplicas ?? 0,
      since(now, h.metadata?.creationTimestamp),
    ];
  },
};

interface Usage {
  cpu?: string;
  memory?: string;
}
const usageColumns = [
  NAME,
  column('CPU', 'string', 'CPU usage', { format: 'quantity' }),
  column('Memory', 'string', 'Memory usage', { format: 'quantity' }),
  column('Window', 'string', 'Time window over which the usage was measured', { format: 'duration' }),
];

export const nodeMetricsPrinter: Printer = {
  columns: usageColumns,
  cells: (m: { metadata?: { name?: string }; usage?: Usage; window?: string }) => [
    m.metadata?.name,
    m.usage?.cpu ?? '',
    m.usage?.memory ?? '',
    m.window ?? '',
  ],
};

/** A pod's row sums its containers. */
export const podMetricsPrinter: Printer = {
  columns: usageColumns,
  cells(m: { metadata?: { name?: string }; containers?: Array<{ usage?: Usage }>; window?: string }) {
    const sum = (f: (u: Usage) => string | undefined) =>
      (m.containers ?? []).reduce((n, c) => n + parseQuantity(f(c.usage ?? {}) ?? '0'), 0);
    return [
      m.metadata?.name,
      formatNanoCores(sum((u) => u.cpu) * 1e9),
      formatBytes(Math.round(sum((u) => u.memory))),
      m.window ?? '',
    ];
  },
};
