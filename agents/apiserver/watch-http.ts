// Watches on the wire (upstream: apiserver/pkg/endpoints/handlers/watch.go).
//
// HTTP: 200, chunked, one `{"type":…,"object":…}` JSON line per event, flushed as it happens.
// WebSocket: the same JSON, one text message per event. The stream starts from:
//   resourceVersion unset or "0" → synthetic ADDED events for the current state, then changes
//   resourceVersion N            → every change after N (from the cache's ring, or straight from
//                                  etcd if the ring is too short); 410 Expired if etcd compacted N
// It ends after timeoutSeconds (watchTimeoutSeconds), when the client goes away, or when the
// watcher falls too far behind (its buffered bytes pass a limit; the client's reflector then
// re-lists).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { expired } from '../api/errors';
import type { Logger } from '../api/log';
import { groupVersion, type ResourceInfo, storagePrefix } from '../api/resources';
import type { KubeObject, WatchEventType } from '../api/types';
import type { Predicate } from './list';
import type { EtcdStore } from './storage/etcd-store';
import type { Change } from './storage/etcd-watch';
import { isCompacted, watchPrefix } from './storage/etcd-watch';
import { jsonOf } from './storage/json-cache';
import type { WatchCache } from './storage/watch-cache';
import { visibleChange } from './watch-filter';

/** Where events go: an HTTP response or a WebSocket. */
export interface WatchSink {
  /** One event as a JSON line (newline included). false when too much is queued: the watcher is dropped. */
  send(line: Buffer): boolean;
  end(): void;
  onClose(cb: () => void): void;
}

const MAX_BUFFERED = 16 * 1024 * 1024;

/**
 * How long a watch runs (upstream: endpoints/handlers/get.go ListResource): the client's
 * timeoutSeconds, else a random time between --min-request-timeout and twice that (1800 s: 30–60
 * minutes), so the watches of many clients do not all reconnect at once. 0 means no end.
 */
export function watchTimeoutSeconds(
  requested: number | undefined,
  minRequestTimeoutSeconds: number,
  rand: () => number = Math.random,
): number {
  if (requested !== undefined && requested > 0) return requested;
  return minRequestTimeoutSeconds * (1 + rand());
}

export function httpSink(req: IncomingMessage, res: ServerResponse): WatchSink {
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache, private',
  });
  res.flushHeaders();
  let corked = false;
  return {
    send(line) {
      // Events that arrive together (one etcd response, or several read at once) go out in one
      // write: cork until the I/O phase is over, as upstream flushes only once its queue is empty.
      if (!corked) {
        corked = true;
        res.cork();
        setImmediate(() => {
          corked = false;
          res.uncork();
        });
      }
      res.write(line);
      return res.writableLength < MAX_BUFFERED;
    },
    end: () => res.end(),
    onClose: (cb) => {
      res.on('close', cb);
      req.on('close', cb);
    },
  };
}

export function wsSink(ws: WebSocket): WatchSink {
  return {
    send(line) {
      ws.send(line.subarray(0, line.length - 1), { binary: false });
      return ws.bufferedAmount < MAX_BUFFERED;
    },
    end: () => ws.close(1000),
    onClose: (cb) => ws.on('close', cb),
  };
}

export interface WatchParams {
  r: ResourceInfo;
  /** The resource's watch cache; none for events, which are watched in etcd (see index.ts). */
  cache?: WatchCache;
  store: EtcdStore;
  match: Predicate;
  resourceVersion?: string;
  allowBookmarks: boolean;
  /** How often a watcher that allows them gets a BOOKMARK (upstream: about once a minute). */
  bookmarkIntervalMs: number;
  /** From watchTimeoutSeconds; 0: the watch ends only when the client or the server goes. */
  timeoutSeconds: number;
  /** Turns an event's object into what is sent (a Table row for `as=Table`), else the object. */
  render?: (obj: KubeObject, first: boolean) => unknown;
  log: Logger;
}

export function serveWatch(sink: WatchSink, p: WatchParams): void {
  let closed = false;
  let first = true;
  const cleanups: Array<() => void> = [];
  const close = (why?: string) => {
    if (closed) return;
    closed = true;
    if (why) p.log.warn('watch closed', { resource: p.r.resource, reason: why });
    for (const c of cleanups) c();
    sink.end();
  };
  sink.onClose(() => close());

  const emit = (type: WatchEventType, obj: KubeObject) => {
    if (closed) return;
    const line = p.render
      ? Buffer.from(`{"type":"${type}","object":${JSON.stringify(p.render(obj, first))}}\n`)
      : eventLine(type, obj);
    first = false;
    if (!sink.send(line)) close('watcher too slow: send buffer full');
  };
  const onChange = (c: Change, from: number) => {
    if (c.revision <= from) return;
    const ev = visibleChange(c, p.match);
    if (ev) emit(ev.type, ev.object);
  };

  const tooOld = (from: number, why: string) => {
    emit('ERROR', expired(`too old resource version: ${from} (${why})`).status as KubeObject);
    close();
  };
  /**
   * Every change after `from`, read from etcd's own history: for a resource without a watch
   * cache, and for a resourceVersion older than the cache's ring (e.g. a client resuming after an
   * apiserver restart) — unless etcd has compacted that revision away: then 410, and the client
   * relists.
   */
  const watchStorage = (from: number) =>
    isCompacted(p.store.etcd, from + 1).then(
      (compacted) => {
        if (closed) return;
        if (compacted) return tooOld(from, 'required revision has been compacted');
        const w = watchPrefix(
          p.store.etcd,
          storagePrefix(p.r),
          from + 1,
          (cs) => {
            for (const c of cs) onChange(c, from);
          },
          (err) => tooOld(from, err.message),
          p.store.values,
        );
        cleanups.push(() => w.stop());
      },
      (err: Error) => tooOld(from, err.message),
    );

  const rv = p.resourceVersion;
  const fromNow = rv === undefined || rv === '' || rv === '0';
  const from = fromNow ? 0 : Number(rv);
  if (!Number.isInteger(from) || from < 0) {
    emit('ERROR', expired(`invalid resource version "${rv}"`).status as KubeObject);
    close();
    return;
  }
  const cache = p.cache;
  if (!cache) {
    // Not cached (events, as upstream): the current state from etcd, then etcd's watch from it.
    if (!fromNow) void watchStorage(from);
    else
      p.store.list(storagePrefix(p.r)).then(
        (list) => {
          if (closed) return;
          for (const s of list.items) if (p.match(s.obj)) emit('ADDED', s.obj);
          void watchStorage(list.revision);
        },
        (err: Error) => close(`cannot list ${p.r.resource} from etcd: ${err.message}`),
      );
  } else {
    const start = fromNow ? cache.revision : from;
    if (fromNow) for (const e of cache.snapshot()) if (p.match(e.obj)) emit('ADDED', e.obj);
    const sub = cache.subscribe(start, { onChange: (c) => onChange(c, start), onReset: (why) => close(why) });
    if (sub === 'too-old') void watchStorage(start);
    else {
      cleanups.push(() => sub.stop());
      if (p.allowBookmarks) {
        const t = setInterval(() => emit('BOOKMARK', bookmark(p.r, cache.revision)), p.bookmarkIntervalMs);
        cleanups.push(() => clearInterval(t));
      }
    }
  }
  if (p.timeoutSeconds > 0) {
    const timer = setTimeout(() => close(), p.timeoutSeconds * 1000);
    cleanups.push(() => clearTimeout(timer));
  }
}

/**
 * The encoded event, built once per (object, type) and written to every watcher that gets it.
 * Only the latest object's lines are kept: a change reaches all of its watchers in one synchronous
 * loop (WatchCache.apply), so that is where the sharing pays. Keeping every cached object's lines
 * for its life cost 8 KiB each, not the line's ~1.5 KiB (a small Buffer pins the whole 8 KiB pool
 * slab it was cut from): 80 MB of the apiserver's RSS with 10k pods.
 */
let lastObj: object | undefined;
let lastLines: Partial<Record<WatchEventType, Buffer>> = {};
function eventLine(type: WatchEventType, obj: KubeObject): Buffer {
  if (obj !== lastObj) {
    lastObj = obj;
    lastLines = {};
  }
  let line = lastLines[type];
  if (!line) {
    line = Buffer.from(`{"type":"${type}","object":${jsonOf(obj)}}\n`);
    lastLines[type] = line;
  }
  return line;
}

function bookmark(r: ResourceInfo, revision: number): KubeObject {
  return { kind: r.kind, apiVersion: groupVersion(r), metadata: { resourceVersion: String(revision) } };
}
