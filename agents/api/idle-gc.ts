// One full garbage collection when an agent goes quiet, so the memory a burst of work grew is
// given back to the OS while the cluster sits at rest, which is most of its life.
//
// Go, which the upstream components are written in, forces a collection every two minutes
// (runtime.forcegcperiod) and its scavenger then returns the freed pages. V8's memory reducer
// does the same only when it notices the allocation rate fall, and it does not always notice: a
// minute after 10k pods were Running, the scheduler was at 109 MiB in one bench run and still at
// 187 MiB in the next (bench/results, `controlPlaneRssMiBAfterIdle`).
//
// Quiet means: over the last period, the event loop ran JavaScript less than IDLE_UTILIZATION of
// the time. One collection per quiet spell; a busy period starts a new spell. The collection
// pauses the process once, at a moment when it has next to nothing to do; the log line says for
// how long.

import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How often the event loop's utilization is looked at. */
export const IDLE_CHECK_MS = 20_000;
/** At or above this share of a period running JavaScript, the agent was busy. */
export const IDLE_UTILIZATION = 0.1;

export interface QuietSpells {
  /** Given the last period's utilization: true when a collection should run now. */
  next(utilization: number): boolean;
}

/** The decision alone: collect once, in the first quiet period after a busy one. */
export function quietSpells(): QuietSpells {
  let collected = true; // a fresh process has nothing to give back
  return {
    next(utilization) {
      if (utilization >= IDLE_UTILIZATION) {
        collected = false;
        return false;
      }
      if (collected) return false;
      collected = true;
      return true;
    },
  };
}

export interface Collected {
  utilization: number;
  pauseMs: number;
  heapUsedMiB: { before: number; after: number };
  rssMiB: { before: number; after: number };
}

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

/** Start watching the event loop; the timer never keeps the process alive. */
export function collectGarbageWhenIdle(
  onCollected: (c: Collected) => void = () => {},
  periodMs = IDLE_CHECK_MS,
): { stop(): void } {
  // `gc` exists only with --expose-gc; the flag set at run time exposes it to new contexts.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const spells = quietSpells();
  let since = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, since);
    since = now;
    if (!spells.next(utilization)) return;
    const before = process.memoryUsage();
    const started = performance.now();
    gc();
    const pauseMs = Math.round(performance.now() - started);
    const after = process.memoryUsage();
    onCollected({
      utilization: Number(utilization.toFixed(3)),
      pauseMs,
      heapUsedMiB: { before: mib(before.heapUsed), after: mib(after.heapUsed) },
      rssMiB: { before: mib(before.rss), after: mib(after.rss) },
    });
  }, periodMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
