import { objectKey } from '../../../api/types';
import type { ResourceEventHandler } from '../../../client/types';

// Expectations (controller_utils.go ControllerExpectations): after a sync creates 3 pods, the
// informer has not seen them yet, and a second sync reading the cache would create 3 more. So a
// controller records what it expects to observe and skips manageReplicas until the informer has
// caught up, or until the record is 5 minutes old (a lost watch event must not wedge it forever).

const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

interface Record_ {
  adds: number;
  /** Keys of pods we asked to delete: observing one twice (deletionTimestamp, then DELETED) is harmless. */
  dels: Set<string>;
  at: number;
}

export class Expectations {
  private records = new Map<string, Record_>();
  constructor(private now: () => number = Date.now) {}

  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    return (r.adds <= 0 && r.dels.size === 0) || this.now() - r.at > EXPECTATIONS_TTL_MS;
  }

  expectCreations(key: string, n: number): void {
    this.records.set(key, { adds: n, dels: new Set(), at: this.now() });
  }

  expectDeletions(key: string, podKeys: string[]): void {
    this.records.set(key, { adds: 0, dels: new Set(podKeys), at: this.now() });
  }

  creationObserved(key: string, n = 1): void {
    const r = this.records.get(key);
    if (r) r.adds -= n;
  }

  deletionObserved(key: string, podKey: string): void {
    this.records.get(key)?.dels.delete(podKey);
  }

  forget(key: string): void {
    this.records.delete(key);
  }
}

/**
 * The pod event handler of a controller that creates pods and tracks them with expectations
 * (Job, DaemonSet): each event of an owned pod settles one expectation of its owner and wakes
 * the owner. `ownerKey` names the owner's queue key, or undefined for pods it does not own.
 */
export function ownedPodHandler<
  P extends { metadata?: { namespace?: string; name?: string; deletionTimestamp?: string } },
>(
  ownerKey: (pod: P) => string | undefined,
  expectations: Expectations,
  queue: { add(key: string): void },
): ResourceEventHandler<P> {
  return {
    add(p) {
      const k = ownerKey(p);
      if (!k) return;
      expectations.creationObserved(k);
      queue.add(k);
    },
    update(_old, p) {
      const k = ownerKey(p);
      if (!k) return;
      if (p.metadata?.deletionTimestamp) expectations.deletionObserved(k, objectKey(p));
      queue.add(k);
    },
    delete(p) {
      const k = ownerKey(p);
      if (!k) return;
      expectations.deletionObserved(k, objectKey(p));
      queue.add(k);
    },
  };
}
