// What every bench reports the same way (issue 12, "honest benchmarks"):
//   - the machine it ran on (host, cores, CPU model, memory, Node) and the load it saw;
//   - latency summaries that say how many samples they come from, with a p99 only from ≥ 100
//     samples (fewer give `max`, called that);
//   - each figure beside its limit measured in the same run (raw etcd for the apiserver, direct
//     binding for the scheduler, the docker CLI for the kubelet, raw iptables-restore for
//     kube-proxy): the ratio is the headline, since absolute figures move with the machine.
import { cpus, hostname, loadavg, totalmem } from 'node:os';
import { pathToFileURL } from 'node:url';

export interface Machine {
  host: string;
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  /** 1-minute load average when the figure's run started and ended. */
  loadBefore: number;
  loadAfter?: number;
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

export function machine(): Machine {
  return {
    host: hostname(),
    cores: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    loadBefore: round(loadavg()[0], 1),
  };
}

export const loadNow = () => round(loadavg()[0], 1);

export interface Summary {
  /** How many samples the figures come from. */
  samples: number;
  p50: number;
  /** Only from ≥ 100 samples: a p99 of 30 samples is the maximum with another name. */
  p99?: number;
  max: number;
  unit: 'ms' | 's';
}

/** Summarise samples: p50 always, p99 only when there are ≥ 100 of them, max always. */
export function summarize(samples: number[], unit: 'ms' | 's' = 'ms'): Summary {
  if (samples.length === 0) return { samples: 0, p50: Number.NaN, max: Number.NaN, unit };
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  const out: Summary = { samples: s.length, p50: round(at(0.5), 3), max: round(s[s.length - 1], 3), unit };
  if (s.length >= 100) out.p99 = round(at(0.99), 3);
  return out;
}

/** p99 where there are enough samples, else the max (the figure a table shows). */
export const tail = (s: Summary) => s.p99 ?? s.max;

export interface Compared {
  /** What was timed, in words a reader can check. */
  what: string;
  measured: number;
  /** The same work done by the part underneath, in the same run. */
  limit: number;
  unit: string;
  /** measured / limit (see compare). */
  ratio: number;
  goal?: string;
}

/**
 * A figure beside the same work done by the layer underneath. For a rate (per second, higher is
 * better) and for a duration (lower is better) alike, ratio = measured / limit: a rate ratio of
 * 0.7 is 70 % of the limit's pace, a time ratio of 1.5 takes half as long again.
 */
export function compare(
  what: string,
  measured: number,
  limit: number,
  unit: string,
  goal?: string,
): Compared {
  return {
    what,
    measured: round(measured, 3),
    limit: round(limit, 3),
    unit,
    ratio: round(measured / limit),
    goal,
  };
}

/** Run `count` jobs with at most `concurrency` in flight; returns each job's value. */
export async function pool<T>(
  count: number,
  concurrency: number,
  job: (i: number) => Promise<T>,
): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) out.push(await job(next++));
    }),
  );
  return out;
}

/**
 * `node --import tsx bench/<module>.ts` runs one module alone: its JSON on stdout, a failure's
 * stack on stderr and exit code 1. `moduleUrl` is the caller's import.meta.url.
 */
export function runWhenMain(moduleUrl: string, run: () => Promise<unknown>): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  run().then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
