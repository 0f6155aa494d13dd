// GET /metrics/resource: the kubelet's resource metrics endpoint (KEP 727; upstream
// pkg/kubelet/metrics/collectors/resource_metrics.go), which metrics-server scrapes instead of the
// Summary since 0.6. Prometheus text, every sample stamped with the time it was read (ms), so the
// scraper computes rates between its own scrapes from counters and their timestamps. Pure.
//
//   node_cpu_usage_seconds_total 1234.5 1700000000000
//   container_cpu_usage_seconds_total{container="app",namespace="default",pod="web-1"} 3.2 1700000000000
//   scrape_error 0

import { escapeLabelValue, formatValue } from '../../api/metrics';
import { byPod } from './summary';
import type { StatsSnapshot, UsageSample } from './types';

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  lines: string[];
}

function family(name: string, type: Family['type'], help: string): Family {
  return { name, help, type, lines: [] };
}

function labels(pairs: Record<string, string>): string {
  const keys = Object.keys(pairs).sort();
  return keys.length ? `{${keys.map((k) => `${k}="${escapeLabelValue(pairs[k])}"`).join(',')}}` : '';
}

function sample(f: Family, l: Record<string, string>, value: number, timeMs?: number): void {
  f.lines.push(`${f.name}${labels(l)} ${formatValue(value)}${timeMs !== undefined ? ` ${timeMs}` : ''}`);
}

const seconds = (ns: number) => ns / 1e9;

export function renderResourceMetrics(s: StatsSnapshot): string {
  const containerCpu = family(
    'container_cpu_usage_seconds_total',
    'counter',
    '[STABLE] Cumulative cpu time consumed by the container in core-seconds',
  );
  const containerMemory = family(
    'container_memory_working_set_bytes',
    'gauge',
    '[STABLE] Current working set of the container in bytes',
  );
  const containerStart = family(
    'container_start_time_seconds',
    'gauge',
    '[STABLE] Start time of the container since unix epoch in seconds',
  );
  const nodeCpu = family(
    'node_cpu_usage_seconds_total',
    'counter',
    '[STABLE] Cumulative cpu time consumed by the node in core-seconds',
  );
  const nodeMemory = family(
    'node_memory_working_set_bytes',
    'gauge',
    '[STABLE] Current working set of the node in bytes',
  );
  const podCpu = family(
    'pod_cpu_usage_seconds_total',
    'counter',
    '[STABLE] Cumulative cpu time consumed by the pod in core-seconds',
  );
  const podMemory = family(
    'pod_memory_working_set_bytes',
    'gauge',
    '[STABLE] Current working set of the pod in bytes',
  );
  const scrapeError = family(
    'scrape_error',
    'gauge',
    '[ALPHA] 1 if there was an error while getting container metrics, 0 otherwise',
  );

  for (const list of byPod(s.containers).values()) {
    const { podName: pod, podNamespace: namespace } = list[0].container;
    let cpu = 0;
    let memory = 0;
    let at = 0;
    for (const c of list) {
      const l = { container: c.container.name, namespace, pod };
      const latest: UsageSample = c.latest;
      sample(containerCpu, l, seconds(latest.cpuUsageNanoSeconds), latest.timeMs);
      sample(containerMemory, l, latest.memoryWorkingSetBytes, latest.timeMs);
      const started = Date.parse(c.container.startedAt ?? '');
      if (started > 0) sample(containerStart, l, started / 1000, latest.timeMs);
      cpu += latest.cpuUsageNanoSeconds;
      memory += latest.memoryWorkingSetBytes;
      at = Math.max(at, latest.timeMs);
    }
    sample(podCpu, { namespace, pod }, seconds(cpu), at);
    sample(podMemory, { namespace, pod }, memory, at);
  }
  if (s.node) {
    sample(nodeCpu, {}, seconds(s.node.latest.cpuUsageNanoSeconds), s.node.latest.timeMs);
    sample(nodeMemory, {}, s.node.latest.memoryWorkingSetBytes, s.node.latest.timeMs);
  }
  sample(scrapeError, {}, s.scrapeError ? 1 : 0);

  const families = [
    containerCpu,
    containerMemory,
    containerStart,
    nodeCpu,
    nodeMemory,
    podCpu,
    podMemory,
    scrapeError,
  ];
  return `${families.map((f) => [`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.lines].join('\n')).join('\n')}\n`;
}
