// The event recorder (client-go tools/record: event.go, events_cache.go). `kubectl describe`
// shows what components did through core/v1 Events: involvedObject, reason, message, type,
// source.component, and for repeats a count with first/last timestamps. The same event again
// (same object, type, reason, message, source) patches `count` instead of creating a new object.
//
// Recording is fire-and-forget: event() returns at once, writes happen in the background, and a
// failure is logged, never thrown into a sync path. Like upstream's broadcaster (one goroutine
// draining a channel of 1000), a few writers drain a bounded queue, so events never crowd out the
// writes that matter (a scheduler's bindings); past MAX_PENDING queued, new events are dropped (logged).

import type { Event, ObjectReference } from 'kubernetes-types/core/v1';
import { isNotFound } from '../api/errors';
import { R } from '../api/resources';
import type { KubeObject } from '../api/types';
import { defaultLogger, type Logger } from './logger';
import type { ApiClient, EventRecorder } from './types';

export interface EventRecorderOptions {
  component: string;
  host?: string;
  nowFn?: () => number;
  log?: Logger;
}

export const MAX_PENDING = 1000;
const WRITERS = 4;
const MAX_REMEMBERED = 4096;

interface Remembered {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

/** The object an event is about, as a reference. */
export function referenceTo(obj: KubeObject): ObjectReference {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata?.namespace,
    name: obj.metadata?.name,
    uid: obj.metadata?.uid,
    resourceVersion: obj.metadata?.resourceVersion,
  };
}

/** Pure: the Event object for a first occurrence. Cluster-scoped objects' events live in `default`. */
export function buildEvent(
  obj: KubeObject,
  type: string,
  reason: string,
  message: string,
  source: { component: string; host?: string },
  name: string,
  now: string,
): Event {
  const namespace = obj.metadata?.namespace || 'default';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace },
    involvedObject: referenceTo(obj),
    reason,
    message,
    type,
    source: source.host
      ? { component: source.component, host: source.host }
      : { component: source.component },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    reportingComponent: source.component,
    reportingInstance: source.host ?? '',
  };
}

/** `<object name>.<nanoseconds in hex>`, upstream's event naming. */
export function eventName(objName: string, nowMs: number, seq: number): string {
  return `${objName}.${(BigInt(nowMs) * 1_000_000n + BigInt(seq % 1_000_000)).toString(16)}`;
}

export function createEventRecorder(client: ApiClient, opts: EventRecorderOptions): EventRecorder {
  const { nowFn = Date.now } = opts;
  const log = opts.log ?? defaultLogger(`events ${opts.component}`);
  const remembered = new Map<string, Remembered>();
  let pending = 0;
  let dropped = 0;
  let seq = 0;

  async function write(obj: KubeObject, type: string, reason: string, message: string): Promise<void> {
    const ref = referenceTo(obj);
    const aggKey = [ref.kind, ref.namespace, ref.name, ref.uid, type, reason, message].join('\u0000');
    const nowMs = nowFn();
    const now = new Date(nowMs).toISOString().replace(/\.\d+Z$/, 'Z');
    const prior = remembered.get(aggKey);
    if (prior) {
      try {
        prior.count++;
        await client.patch(R.events, prior.namespace, prior.name, 'merge', {
          count: prior.count,
          lastTimestamp: now,
        });
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        remembered.delete(aggKey);
      }
    }
    const ev = buildEvent(
      obj,
      type,
      reason,
      message,
      { component: opts.component, host: opts.host },
      eventName(ref.name ?? 'unknown', nowMs, seq++),
      now,
    );
    await client.create(R.events, ev as Event & KubeObject);
    remembered.set(aggKey, {
      name: ev.metadata?.name ?? '',
      namespace: ev.metadata?.namespace ?? 'default',
      count: 1,
      firstTimestamp: now,
    });
    if (remembered.size > MAX_REMEMBERED) remembered.delete(remembered.keys().next().value as string);
  }

  const queue: (() => Promise<void>)[] = [];
  let writing = 0;

  function drain(): void {
    while (writing < WRITERS && queue.length > 0) {
      const task = queue.shift() as () => Promise<void>;
      writing++;
      void task().finally(() => {
        writing--;
        pending--;
        drain();
      });
    }
  }

  return {
    event(obj, type, reason, message) {
      if (pending >= MAX_PENDING) {
        if (dropped++ % 1000 === 0)
          log.error(`dropping events: ${pending} queued (${dropped} dropped so far)`);
        return;
      }
      pending++;
      queue.push(() =>
        write(obj, type, reason, message).catch((err) =>
          log.error(
            `could not record event ${reason} for ${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}: ${(err as Error).message}`,
          ),
        ),
      );
      drain();
    },
  };
}
