// The scheduling queue (internal/queue/scheduling_queue.go), by keys; the pod itself is read from
// the informer when its turn comes, so a pod is always scheduled as it is NOW.
//   active         pods to try, in arrival order (a WorkQueue: one copy of a key, never two
//                  attempts at once, addAfter for back-off)
//   unschedulable  pods no node could take; they wait for a cluster change that might help
//                  (a node added or changed, a pod removed) or for 60 s, whichever comes first
// Errors (a failed binding) retry with back-off 1 s doubling to 10 s (podInitialBackoff/podMaxBackoff).

import { createWorkQueue, type WorkQueue } from '../client';

export const UNSCHEDULABLE_TIMEOUT_MS = 60_000;
export const INITIAL_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 10_000;

export function errorBackoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
}

export class SchedulingQueue {
  readonly active: WorkQueue = createWorkQueue('scheduler', {
    baseDelayMs: INITIAL_BACKOFF_MS,
    maxDelayMs: MAX_BACKOFF_MS,
  });
  /** key → when it was parked. */
  private readonly unschedulable = new Map<string, number>();
  private readonly attempts = new Map<string, number>();

  constructor(private readonly nowFn: () => number = Date.now) {}

  add(key: string): void {
    this.unschedulable.delete(key);
    this.active.add(key);
  }

  isParked(key: string): boolean {
    return this.unschedulable.has(key);
  }

  /** No node fits: wait for a change in the cluster. */
  park(key: string): void {
    this.unschedulable.set(key, this.nowFn());
  }

  /** Something went wrong (not a fit problem): retry after a growing delay. */
  retryLater(key: string): void {
    const n = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, n);
    this.active.addAfter(key, errorBackoffMs(n));
  }

  /** The pod was scheduled or is gone. */
  forget(key: string): void {
    this.unschedulable.delete(key);
    this.attempts.delete(key);
  }

  /** A node was added or changed, or resources were freed: everything parked gets another try. */
  moveAllToActive(): void {
    for (const key of this.unschedulable.keys()) this.active.add(key);
    this.unschedulable.clear();
  }

  /** Pods parked longer than the timeout go back to active (flushUnschedulablePodsLeftover). */
  flushLeftover(): void {
    const now = this.nowFn();
    for (const [key, since] of this.unschedulable) {
      if (now - since < UNSCHEDULABLE_TIMEOUT_MS) continue;
      this.unschedulable.delete(key);
      this.active.add(key);
    }
  }

  parkedCount(): number {
    return this.unschedulable.size;
  }

  shutDown(): void {
    this.active.shutDown();
  }
}
