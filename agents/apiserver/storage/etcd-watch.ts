// etcd watch events → the apiserver's own event shape. Used by the watch cache (one watch per
// resource) and by the rare watcher whose resourceVersion is older than the cache's ring buffer
// (a direct etcd watch from that revision, the way upstream's cacher falls back to storage).

import type { KubeObject } from '../../api/types';
import { PLAIN_VALUES, type ValueTransform } from './encryption/providers';
import { decodeWatchResponse, type EtcdClient, type WatchEvent } from './etcd-client';
import { decodeKv, prefixEnd } from './etcd-store';
import type { GrpcError } from './grpc-channel';

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
  ev: WatchEvent,
  values: ValueTransform = PLAIN_VALUES,
  previous?: PreviousLookup,
): Change | null {
  const key = ev.kv.key.toString();
  const revision = ev.kv.mod_revision;
  const prev = previous
    ? previous(key)
    : ev.prevKv?.value.length
      ? decodeKv(ev.prevKv, values).obj
      : undefined;
  if (ev.type === 'delete') {
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
export function toChanges(events: WatchEvent[], values: ValueTransform, previous?: PreviousLookup): Change[] {
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

/** Waits before opening a watch stream again: doubling from 100 ms up to 3 s, reset by an answer. */
const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 3000;

/**
 * Watch every key under `prefix` from `startRevision` on, over etcd's Watch stream. When the
 * stream ends (etcd restarted, the connection dropped or went silent: grpc-channel.ts' pings),
 * it is opened again from the revision after the last event delivered, so no event is lost or
 * repeated. `onError` gets what cannot be resumed: etcd cancelling the watch (its revision was
 * compacted) and a value that cannot be decoded; the watch is over then.
 * `values` must be the store's (EtcdStore.values), so watched objects decode as read ones do.
 *
 * `previous`: the watch cache knows every key's object as of the revision before each event, so
 * it does not ask etcd for prev_kv. That spares etcd sending every object twice and us decoding
 * it twice, and the ring buffer then holds each version once (a change's `prev` is the object
 * of the change before it) instead of a second copy of every older version.
 */
export function watchPrefix(
  etcd: EtcdClient,
  prefix: string,
  startRevision: number,
  onChanges: (changes: Change[]) => void,
  onError: (err: Error) => void,
  values: ValueTransform = PLAIN_VALUES,
  previous?: PreviousLookup,
): EtcdWatch {
  let next = startRevision;
  let over = false;
  let delay = RECONNECT_FIRST_MS;
  let retry: NodeJS.Timeout | undefined;
  const fail = (err: Error) => {
    if (over) return;
    over = true;
    stream.cancel();
    onError(err);
  };
  const open = () =>
    etcd.watch(
      { key: prefix, rangeEnd: prefixEnd(prefix), startRevision: next, prevKv: !previous },
      {
        onMessage: (message) => {
          if (over) return;
          delay = RECONNECT_FIRST_MS;
          const res = decodeWatchResponse(message);
          if (res.canceled) {
            const compacted = res.compactRevision
              ? `: revision ${next} has been compacted (the oldest left is ${res.compactRevision})`
              : '';
            fail(
              new Error(
                `etcd cancelled the watch on ${prefix}${res.cancelReason ? `: ${res.cancelReason}` : ''}${compacted}`,
              ),
            );
            return;
          }
          if (!res.events.length) return;
          let changes: Change[];
          try {
            changes = toChanges(res.events, values, previous);
          } catch (err) {
            fail(err as Error);
            return;
          }
          next = res.events[res.events.length - 1].kv.mod_revision + 1;
          if (changes.length) onChanges(changes);
        },
        onEnd: (_err: GrpcError) => {
          if (over) return;
          retry = setTimeout(() => {
            retry = undefined;
            if (!over) stream = open();
          }, delay);
          delay = Math.min(delay * 2, RECONNECT_MAX_MS);
        },
      },
    );
  let stream = open();
  return {
    stop() {
      over = true;
      clearTimeout(retry);
      stream.cancel();
    },
  };
}

/**
 * Whether etcd has compacted `revision` away, asked before a direct watch from an old revision so
 * the answer is a clean 410 rather than a watch cancelled as soon as it opens. A one-key read at
 * that revision answers it.
 */
export async function isCompacted(etcd: EtcdClient, revision: number): Promise<boolean> {
  try {
    await etcd.range({ key: '\0', revision, limit: 1 });
    return false;
  } catch (err) {
    if (err instanceof Error && /compacted/i.test(err.message)) return true;
    // A revision etcd has not reached yet is not compacted: the watch waits for it.
    if (err instanceof Error && /future revision/i.test(err.message)) return false;
    throw err;
  }
}
