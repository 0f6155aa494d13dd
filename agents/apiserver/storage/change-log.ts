// The watch cache's history: the recent changes of one resource, replayed to a watcher that
// resumes from a resourceVersion.
//
// Sized by time, as upstream's is (watch_cache.go): a change is kept while it is younger than
// FRESH_MS, and at least MIN_KEPT of them whatever their age, so a quiet resource can still be
// resumed far back. `--watch-cache-size` caps the count, so a burst cannot hold an unbounded
// number of objects. Upstream resizes its buffer only when a new event arrives, so after a burst
// a resource that goes quiet keeps the burst's objects for good; here `trim` also runs on a
// timer (the watch cache's), and a cluster at rest holds only its last minute or so of history.
//
// Informers resume within the window: a watcher that asked for them gets a BOOKMARK with the
// current revision about once a minute. One that resumes from further back is served by a
// direct etcd watch from its revision (watch-http.ts), as upstream's cacher falls back to storage.

import type { Change } from './etcd-watch';

/** How long a change stays in the history (upstream: eventFreshDuration, 75 s). */
export const FRESH_MS = 75_000;
/** Changes kept whatever their age (upstream: defaultLowerBoundCapacity, 100). */
export const MIN_KEPT = 100;

export interface ChangeLogLimits {
  /** The most changes kept, however fresh. */
  max: number;
  min?: number;
  freshMs?: number;
}

export class ChangeLog {
  /** Dropped slots are emptied at once, so a dropped object is not held until compaction. */
  private changes: Array<Change | undefined> = [];
  private recordedAt: number[] = [];
  /** Index of the oldest change still kept; the arrays are compacted once half is dropped. */
  private head = 0;
  /** Every change with a revision above this one is in the log. */
  private coversAfter: number;
  private readonly max: number;
  private readonly min: number;
  private readonly freshMs: number;

  /** `dropped` hears of each change as it leaves the log. */
  constructor(
    limits: ChangeLogLimits,
    revision: number,
    private readonly dropped: (change: Change) => void = () => {},
  ) {
    this.max = limits.max;
    this.min = Math.min(limits.min ?? MIN_KEPT, limits.max);
    this.freshMs = limits.freshMs ?? FRESH_MS;
    this.coversAfter = revision;
  }

  get length(): number {
    return this.changes.length - this.head;
  }

  add(change: Change, now: number): void {
    this.changes.push(change);
    this.recordedAt.push(now);
    this.trim(now);
  }

  /** Changes after `revision`, oldest first; 'too-old' when the log no longer reaches back to it. */
  since(revision: number): Change[] | 'too-old' {
    if (revision < this.coversAfter) return 'too-old';
    const out: Change[] = [];
    for (let i = this.head; i < this.changes.length; i++) {
      const c = this.changes[i] as Change;
      if (c.revision > revision) out.push(c);
    }
    return out;
  }

  /** Drop what is over the cap, then what is stale beyond the changes kept whatever their age. */
  trim(now: number): void {
    while (
      this.length > this.max ||
      (this.length > this.min && now - this.recordedAt[this.head] > this.freshMs)
    ) {
      const change = this.changes[this.head] as Change;
      this.coversAfter = change.revision;
      this.changes[this.head++] = undefined;
      this.dropped(change);
    }
    if (this.head > 0 && this.head * 2 >= this.changes.length) {
      this.changes = this.changes.slice(this.head);
      this.recordedAt = this.recordedAt.slice(this.head);
      this.head = 0;
    }
  }
}
