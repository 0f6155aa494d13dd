// The rate math of the resource metrics pipeline. Pure.
//
// CPU is a cumulative counter; its rate over the last sampling window is the usage:
//
//   usageNanoCores = Δ cpu ns / Δ wall s
//   e.g. 250 000 000 ns of CPU over 5 000 ms → 50 000 000 nanocores = 50m = 5 % of a core
//
// A counter that went backwards (a container replaced under the same key) or a window of zero
// length has no rate: the answer is undefined, and the reader shows no usage rather than a
// wrong one — upstream's cAdvisor does the same.

import type { SamplePair, UsageSample } from './types';

export function usageNanoCores(pair: SamplePair): number | undefined {
  const { previous, latest } = pair;
  if (!previous) return undefined;
  const dtMs = latest.timeMs - previous.timeMs;
  const dCpu = latest.cpuUsageNanoSeconds - previous.cpuUsageNanoSeconds;
  if (dtMs <= 0 || dCpu < 0) return undefined;
  return Math.round((dCpu * 1000) / dtMs);
}

/** The next pair of a series: the old latest becomes the previous one. */
export function advance<S extends UsageSample>(old: SamplePair<S> | undefined, reading: S): SamplePair<S> {
  if (!old) return { latest: reading };
  if (reading.timeMs === old.latest.timeMs) return old; // the same reading again
  if (reading.timeMs < old.latest.timeMs) return { latest: reading }; // the clock went back: start over
  return { previous: old.latest, latest: reading };
}

/** RFC 3339 with whole seconds, as metav1.Time marshals. */
export const apiTime = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
