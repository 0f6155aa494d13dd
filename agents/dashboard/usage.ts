// Resource usage from the metrics API (metrics.k8s.io/v1beta1, which the apiserver serves the way
// metrics-server does), pure: NodeMetrics and PodMetrics objects in, numbers for the view model
// out, and the text `kubectl top` prints for them — so the page and `kubectl top nodes` read the
// same figures when a person holds them side by side.
//
//   NodeMetrics  {metadata: {name}, usage: {cpu: "250m", memory: "524288Ki"}}
//   PodMetrics   {metadata: {namespace, name}, containers: [{name, usage: {cpu: "1234567n", memory: "16Mi"}}]}
//
// Quantities are read by agents/api/quantity.ts, which imports nothing and so bundles for the
// browser. A quantity that does not parse shows as "no usage", never as a broken page.
import { cpuMillis, memoryBytes, parseQuantity } from '../api/quantity';

export interface Usage {
  cpuMillis: number;
  memoryBytes: number;
}

export interface NodeUsage extends Usage {
  /** Of the Node's allocatable; undefined when the Node or its allocatable is not known. */
  cpuPercent?: number;
  memoryPercent?: number;
}

/** A NodeMetrics' usage (undefined without one), with percentages of allocatable when the Node is at hand. */
export function nodeUsage(metrics: any, node: any): NodeUsage | undefined {
  const usage = sumUsage([metrics?.usage]);
  if (!usage) return undefined;
  const allocatable = node?.status?.allocatable;
  return {
    ...usage,
    cpuPercent: percent(usage.cpuMillis, read(allocatable?.cpu, cpuMillis)),
    memoryPercent: percent(usage.memoryBytes, read(allocatable?.memory, memoryBytes)),
  };
}

/** A PodMetrics' usage summed over its containers (undefined without one), as `kubectl top pod` shows it. */
export function podUsage(metrics: any): Usage | undefined {
  return sumUsage((metrics?.containers ?? []).map((c: any) => c?.usage));
}

/**
 * Summed before rounding, as kubectl adds Quantities exactly and rounds once: two containers of
 * "1500000n" are 3m together, not 2m + 2m.
 */
function sumUsage(usages: any[]): Usage | undefined {
  if (usages.length === 0) return undefined;
  let cores = 0;
  let bytes = 0;
  for (const u of usages) {
    const cpu = read(u?.cpu, parseQuantity);
    const memory = read(u?.memory, parseQuantity);
    if (cpu === undefined || memory === undefined) return undefined;
    cores += cpu;
    bytes += memory;
  }
  return { cpuMillis: cpuMillis(cores), memoryBytes: memoryBytes(bytes) };
}

function read(q: unknown, unit: (q: string | number) => number): number | undefined {
  if (typeof q !== 'string' && typeof q !== 'number') return undefined;
  try {
    return unit(q);
  } catch {
    return undefined;
  }
}

/** Truncated, as `kubectl top node` prints it: 399m of 4 cores is 9%, not 10%. */
function percent(used: number, of: number | undefined): number | undefined {
  return of ? Math.floor((used / of) * 100) : undefined;
}

/** `kubectl top`'s CPU(cores) column: millicores, 250 → "250m", 2000 → "2000m". */
export function formatCpu(millis: number): string {
  return `${millis}m`;
}

/** `kubectl top`'s MEMORY(bytes) column: whole mebibytes, rounded down, 536870912 → "512Mi". */
export function formatMemory(bytes: number): string {
  return `${Math.floor(bytes / 2 ** 20)}Mi`;
}
