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
// how long. A component given a HeapGrowing (agents/main.ts: the three of the control plane)
// has its heap held closer to what is live while quiet, since there the heartbeats' garbage
// would fill any headroom.

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

/**
 * How far the old generation may grow past what the last full GC left live (V8's
 * --heap-growing-percent), while busy and while quiet. A component that sets one has V8 follow
 * it: growing far is cheap CPU in a burst; at rest the same headroom only fills with the garbage
 * of heartbeats, and is RSS for nothing.
 */
export interface HeapGrowing {
  busyPercent: number;
  quietPercent: number;
}

/**
 * The heap growing of the three control-plane components. Busy: 100 % past what the last full
 * GC left live, as Go's default GOGC=100 gives kube-apiserver, kube-scheduler and
 * kube-controller-manager. V8's own factor adapts up to 4× for a process allocating this fast:
 * after a burst of writes the apiserver's heap stayed reserved at ~2.7× what was live (10k pods:
 * 290 MiB heap for ~110 MiB live, ~410 MiB RSS; with 100 %: ~190 MiB heap, ~280 MiB RSS), and
 * its write path got cheaper, not dearer (CPU per pod create 613 µs against 815 µs; 30 % cost
 * 943 µs): bench/results/2026-12-02-vm-heap-growing.json. Quiet, the apiserver still takes
 * heartbeats, whose garbage filled the 100 % to the brim (10k pods at rest: 183 MiB of heap for
 * 96 MiB in use); there a GC costs little, so the heap may grow only 25 %. The scheduler and the
 * controller-manager follow the same figures with the young generation installer/units.ts gives
 * them (bench/results/2026-12-03-vm-scheduler-cm-heap.json). agents/main.ts hands this to the
 * idle collector of those three.
 */
export const CONTROL_PLANE_HEAP_GROWING: HeapGrowing = { busyPercent: 100, quietPercent: 25 };

/** The growing percent for a period's utilization. */
export const heapGrowingPercentFor = (utilization: number, g: HeapGrowing): number =>
  utilization >= IDLE_UTILIZATION ? g.busyPercent : g.quietPercent;

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
  growing?: HeapGrowing,
): { stop(): void } {
  // `gc` exists only with --expose-gc; the flag set at run time exposes it to new contexts.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // V8 reads the growing percent each time it sets the next limit, so setting it now holds from
  // the first collection on; a fresh process starts as if busy (its caches are about to fill).
  let growingPercent = growing?.busyPercent;
  if (growingPercent !== undefined) setFlagsFromString(`--heap-growing-percent=${growingPercent}`);
  const spells = quietSpells();
  let since = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, since);
    since = now;
    // Before the collection below, so the limit it sets already uses the quiet percent.
    const percent = growing && heapGrowingPercentFor(utilization, growing);
    if (percent !== undefined && percent !== growingPercent) {
      growingPercent = percent;
      setFlagsFromString(`--heap-growing-percent=${percent}`);
    }
    if (!spells.next(utilization)) return;
    const before = process.memoryUsage();
    const started = performance.now();
    // Compacting: a full GC frees objects but keeps every page that still holds one live object,
    // so after a burst the old generation stayed at 115 MiB for 71 MiB in use (the apiserver with
    // 10k pods); moving the survivors together lets V8 give the emptied pages back.
    setFlagsFromString('--compact-on-every-full-gc');
    gc();
    setFlagsFromString('--no-compact-on-every-full-gc');
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
