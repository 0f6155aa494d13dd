// The rate-limited work queue of object keys (client-go util/workqueue: queue.go,
// default_rate_limiters.go, delaying_queue.go). Three sets carry the whole contract:
//   queue       keys waiting, in order, each at most once
//   dirty       keys that need processing (waiting, or re-added while a worker holds them)
//   processing  keys a worker holds right now
// A key re-added while it is processing is only marked dirty; done() puts it back in line, so
// no key ever reaches two workers at once and no change is lost.

import type { WorkQueue } from './types';

export interface WorkQueueOptions {
  /** First retry delay (upstream's ItemExponentialFailureRateLimiter: 5 ms). */
  baseDelayMs?: number;
  /** Ceiling of the per-key back-off (upstream: 1000 s). */
  maxDelayMs?: number;
  /** Injected timer, so tests can step time; returns a cancel function. */
  schedule?: (fn: () => void, ms: number) => () => void;
}

const realSchedule = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  t.unref?.();
  return () => clearTimeout(t);
};

/** Per-key exponential back-off: 5 ms, 10, 20, … capped at 1000 s after ~18 failures. */
export function backoffDelay(failures: number, baseDelayMs = 5, maxDelayMs = 1_000_000): number {
  return Math.min(maxDelayMs, baseDelayMs * 2 ** failures);
}

export interface NamedWorkQueue extends WorkQueue {
  readonly name: string;
}

export function createWorkQueue(name: string, opts: WorkQueueOptions = {}): NamedWorkQueue {
  const { baseDelayMs = 5, maxDelayMs = 1_000_000, schedule = realSchedule } = opts;
  let queue: string[] = [];
  let head = 0;
  const dirty = new Set<string>();
  const processing = new Set<string>();
  const failures = new Map<string, number>();
  const timers = new Set<() => void>();
  const waiters: ((key: string | undefined) => void)[] = [];
  let shuttingDown = false;

  function push(key: string): void {
    const waiter = waiters.shift();
    if (waiter) {
      processing.add(key);
      dirty.delete(key);
      waiter(key);
      return;
    }
    queue.push(key);
  }

  function take(): string {
    const key = queue[head++];
    // Compact now and then so a long-lived queue does not keep every key it ever saw.
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    processing.add(key);
    dirty.delete(key);
    return key;
  }

  const self: NamedWorkQueue = {
    name,
    add(key) {
      if (shuttingDown || dirty.has(key)) return;
      dirty.add(key);
      if (processing.has(key)) return;
      push(key);
    },
    addAfter(key, delayMs) {
      if (shuttingDown) return;
      if (delayMs <= 0) return self.add(key);
      const cancel = schedule(() => {
        timers.delete(cancel);
        self.add(key);
      }, delayMs);
      timers.add(cancel);
    },
    addRateLimited(key) {
      const n = failures.get(key) ?? 0;
      failures.set(key, n + 1);
      self.addAfter(key, backoffDelay(n, baseDelayMs, maxDelayMs));
    },
    forget(key) {
      failures.delete(key);
    },
    numRequeues: (key) => failures.get(key) ?? 0,
    get() {
      if (head < queue.length) return Promise.resolve(take());
      if (shuttingDown) return Promise.resolve(undefined);
      return new Promise((resolve) => waiters.push(resolve));
    },
    done(key) {
      processing.delete(key);
      if (dirty.has(key)) push(key);
    },
    len: () => queue.length - head,
    shutDown() {
      shuttingDown = true;
      for (const cancel of timers) cancel();
      timers.clear();
      for (const w of waiters.splice(0)) w(undefined);
    },
  };
  return self;
}
