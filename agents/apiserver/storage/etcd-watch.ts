// etcd watch events → the apiserver's own event shape. Used by the watch cache (one watch per
// resource) and by the rare watcher whose resourceVersion is older than the cache's ring buffer
// (a direct etcd watch from that revision, the way upstream's cacher falls back to storage).

import type { Etcd3, IEvent, IWatchResponse, Watcher } from 'etcd3';
import type { KubeObject } from '../../api/types';
import { PLAIN_VALUES, type ValueTransform } from './encryption/providers';
import { decodeKv } from './etcd-store';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change {
  type: ChangeType;
  key: string;
  /** The object after the change (for DELETED: its last state, stamped with the delete revision). */
  obj: KubeObject;
  /** The object before the change, when there was one: watchers need it to see selector exits. */
  prev?: KubeObject;
  revision: number;
}

/** The object a key held before an event, from memory (see `watchPrefix`'s `previous`). */
export type PreviousLookup = (key: string) => KubeObject | undefined;

/**
 * One etcd event as a Change; `null` for a delete whose previous value is unknown. The previous
 * object comes from `previous` when given, else from the event's prev_kv.
 */
export function toChange(
  ev: IEvent,
  values: ValueTransform = PLAIN_VALUES,
  previous?: PreviousLookup,
): Change | null {
  const key = ev.kv.key.toString();
  const revision = Number(ev.kv.mod_revision);
  const prev = previous
    ? previous(key)
    : ev.prev_kv?.value.length
      ? decodeKv(ev.prev_kv, values).obj
      : undefined;
  if (ev.type === 'Delete') {
    if (!prev) return null;
    // Upstream stamps a deleted object with the revision of the delete.
    const obj = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(revision) } };
    return { type: 'DELETED', key, obj, prev, revision };
  }
  const { obj } = decodeKv(ev.kv, values);
  const type: ChangeType = ev.kv.create_revision === ev.kv.mod_revision ? 'ADDED' : 'MODIFIED';
  return { type, key, obj, prev, revision };
}

/**
 * A response's events in order. With `previous`, a key changed twice in one response gets the
 * first change's object as the second one's prev: `previous` only knows what came before.
 */
export function toChanges(events: IEvent[], values: ValueTransform, previous?: PreviousLookup): Change[] {
  const inThisResponse = new Map<string, KubeObject | undefined>();
  const prevOf: PreviousLookup | undefined = previous
    ? (key) => (inThisResponse.has(key) ? inThisResponse.get(key) : previous(key))
    : undefined;
  const changes: Change[] = [];
  for (const ev of events) {
    const c = toChange(ev, values, prevOf);
    if (!c) continue;
    if (previous) inThisResponse.set(c.key, c.type === 'DELETED' ? undefined : c.obj);
    changes.push(c);
  }
  return changes;
}

export interface EtcdWatch {
  stop(): void;
}

/**
 * Watch every key under `prefix` from `startRevision` on. `onError` gets compaction ("Watcher
 * canceled"), a value that cannot be decoded, and other fatal errors; the etcd3 client itself
 * reconnects after an etcd restart and resumes at the last revision + 1, so no event is lost then.
 * `values` must be the store's (EtcdStore.values), so watched objects decode as read ones do.
 *
 * `previous`: the watch cache knows every key's object as of the revision before each event, so
 * it does not ask etcd for prev_kv. That spares etcd sending every object twice and us decoding
 * it twice, and the ring buffer then holds each version once (a change's `prev` is the object
 * of the change before it) instead of a second copy of every older version.
 */
export function watchPrefix(
  client: Etcd3,
  prefix: string,
  startRevision: number,
  onChanges: (changes: Change[]) => void,
  onError: (err: Error) => void,
  values: ValueTransform = PLAIN_VALUES,
  previous?: PreviousLookup,
): EtcdWatch {
  // watcher() attaches at once; create() would attach our listeners only after 'connected',
  // and a watch on a compacted revision is cancelled in the same breath (its error then lost).
  const builder = client.watch().prefix(prefix).startRevision(String(startRevision));
  const watcher: Watcher = (previous ? builder : builder.withPreviousKV()).watcher();
  let stopped = false;
  watcher.on('data', (res: IWatchResponse) => {
    if (stopped) return;
    let changes: Change[];
    try {
      changes = toChanges(res.events, values, previous);
    } catch (err) {
      // A throw here would escape etcd3's stream handler and end the process.
      onError(err as Error);
      return;
    }
    if (changes.length) onChanges(changes);
  });
  let failed = false;
  watcher.on('error', (err: Error) => {
    // etcd already dropped this watch: cancelling it again makes etcd3 throw
    // "Failed to find watcher for IWatchResponse" from inside its stream handler.
    failed = true;
    if (!stopped) onError(err);
  });
  return {
    stop() {
      stopped = true;
      if (!failed) void watcher.cancel().catch(() => undefined);
    },
  };
}

/**
 * Whether etcd has compacted `revision` away. Asked before a direct watch from an old revision:
 * a watch whose creation etcd cancels (compacted) leaves etcd3 1.1.2's queue of pending watchers
 * out of step, and its next response then throws "Failed to find watcher for IWatchResponse"
 * from inside the gRPC stream handler, which ends the process. A one-key read at that revision
 * answers the same question without creating a watch.
 */
export async function isCompacted(client: Etcd3, revision: number): Promise<boolean> {
  try {
    await client.kv.range({ key: Buffer.from('\0'), revision: String(revision), limit: 1 });
    return false;
  } catch (err) {
    if (err instanceof Error && /compacted/i.test(err.message)) return true;
    // A revision etcd has not reached yet is not compacted: the watch waits for it.
    if (err instanceof Error && /future revision/i.test(err.message)) return false;
    throw err;
  }
}
