import { describe, expect, it } from 'vitest';
import { expired, internalError } from '../api/errors';
import { Registry } from '../api/metrics';
import { R } from '../api/resources';
import type { KubeList, KubeObject, WatchEvent } from '../api/types';
import { diffAgainstCache } from './cache-diff';
import { createInformer, jitteredBackoff } from './informer';
import { createInformerMetrics } from './informer-metrics';
import type { ApiClient, WatchOptions } from './types';

const pod = (name: string, rv: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: 'ns', name, resourceVersion: rv },
});

/**
 * A scripted apiserver behind the ApiClient interface: each list() answers the next scripted list
 * (or throws it), each watch() gets the next scripted stream of events, then ends (or fails).
 */
function scriptedClient(script: {
  lists: (KubeObject[] | Error)[];
  watches: { events: WatchEvent[]; fail?: Error }[];
}) {
  const watchedFrom: string[] = [];
  const client = {
    baseUrl: 'fake',
    async list() {
      const next = script.lists.shift();
      if (!next) return new Promise(() => {});
      if (next instanceof Error) throw next;
      const rv = String(Math.max(0, ...next.map((o) => Number(o.metadata?.resourceVersion))));
      return {
        apiVersion: 'v1',
        kind: 'PodList',
        metadata: { resourceVersion: rv },
        items: structuredClone(next),
      } as KubeList;
    },
    watch(_r: unknown, o: WatchOptions, onEvent: (ev: WatchEvent) => void) {
      watchedFrom.push(o.resourceVersion ?? '');
      const next = script.watches.shift();
      if (!next)
        return {
          stop() {},
          done: new Promise<void>((resolve) => o.signal?.addEventListener('abort', () => resolve())),
        };
      for (const ev of next.events) onEvent(structuredClone(ev));
      return { stop() {}, done: next.fail ? Promise.reject(next.fail) : Promise.resolve() };
    },
  } as unknown as ApiClient;
  return { client, watchedFrom };
}

function record() {
  const seen: string[] = [];
  return {
    seen,
    handler: {
      add: (o: KubeObject) => seen.push(`add ${o.metadata?.name}@${o.metadata?.resourceVersion}`),
      update: (a: KubeObject, b: KubeObject) =>
        seen.push(
          `update ${b.metadata?.name}@${a.metadata?.resourceVersion}->${b.metadata?.resourceVersion}`,
        ),
      delete: (o: KubeObject) => seen.push(`delete ${o.metadata?.name}@${o.metadata?.resourceVersion}`),
    },
  };
}

const quiet = { info() {}, error() {} };
const noDelay = async () => {};

describe('informer', () => {
  it('lists, then watches from the list resourceVersion, applying events to the cache', async () => {
    const { client, watchedFrom } = scriptedClient({
      lists: [[pod('a', '1'), pod('b', '2')]],
      watches: [
        {
          events: [
            { type: 'MODIFIED', object: pod('a', '3') },
            { type: 'DELETED', object: pod('b', '4') },
            { type: 'ADDED', object: pod('c', '5') },
          ],
        },
      ],
    });
    const inf = createInformer(client, R.pods, { log: quiet, delayFn: noDelay });
    const { seen, handler } = record();
    inf.addEventHandler(handler);
    inf.start();
    await inf.waitForSync();
    await expect.poll(() => seen.length).toBe(5);
    inf.stop();
    expect(seen).toEqual(['add a@1', 'add b@2', 'update a@1->3', 'delete b@2', 'add c@5']);
    expect(watchedFrom.slice(0, 2)).toEqual(['2', '5']);
    expect(
      inf
        .list()
        .map((o) => o.metadata?.name)
        .sort(),
    ).toEqual(['a', 'c']);
    expect(Object.isFrozen(inf.get('ns/a')?.metadata)).toBe(true);
  });

  it('stores and hands out what its transform keeps, of listed and watched objects alike', async () => {
    const labelled = (name: string, rv: string): KubeObject => ({
      ...pod(name, rv),
      metadata: { ...pod(name, rv).metadata, annotations: { big: 'x'.repeat(100) }, labels: { app: 'web' } },
    });
    const { client } = scriptedClient({
      lists: [[labelled('a', '1')]],
      watches: [{ events: [{ type: 'ADDED', object: labelled('b', '2') }] }],
    });
    const withoutAnnotations = (o: KubeObject): KubeObject => ({
      ...o,
      metadata: { ...o.metadata, annotations: undefined },
    });
    const inf = createInformer(client, R.pods, {
      log: quiet,
      delayFn: noDelay,
      transform: withoutAnnotations,
    });
    const handed: KubeObject[] = [];
    inf.addEventHandler({ add: (o) => handed.push(o) });
    inf.start();
    await expect.poll(() => handed.length).toBe(2);
    inf.stop();
    for (const o of [...handed, inf.get('ns/a'), inf.get('ns/b')]) {
      expect(o?.metadata?.annotations).toBeUndefined();
      expect(o?.metadata?.labels).toEqual({ app: 'web' });
    }
  });

  it('on a 410 ERROR event relists and turns the difference into events, without duplicates', async () => {
    const gone = {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
      message: 'too old resource version: 2 (10)',
    };
    const { client } = scriptedClient({
      lists: [
        [pod('a', '1'), pod('b', '2')],
        // while we were away: a unchanged, b deleted, c created
        [pod('a', '1'), pod('c', '9')],
      ],
      watches: [{ events: [{ type: 'ERROR', object: gone as KubeObject }] }],
    });
    const registry = new Registry();
    const metrics = createInformerMetrics(registry);
    const inf = createInformer(client, R.pods, { log: quiet, delayFn: noDelay, metrics });
    const { seen, handler } = record();
    inf.addEventHandler(handler);
    inf.start();
    await expect.poll(() => seen.length).toBe(4);
    inf.stop();
    expect(seen).toEqual(['add a@1', 'add b@2', 'add c@9', 'delete b@2']);
    expect([metrics.lists.get({ resource: 'pods' }), metrics.relists.get({ resource: 'pods' })]).toEqual([
      2, 1,
    ]);
    expect(registry.render()).toContain('informer_relists_total{resource="pods"} 1');
  });

  it('also relists when the watch call itself fails with 410', async () => {
    const { client } = scriptedClient({
      lists: [[pod('a', '1')], [pod('a', '7')]],
      watches: [{ events: [], fail: expired('too old') }],
    });
    const inf = createInformer(client, R.pods, { log: quiet, delayFn: noDelay });
    const { seen, handler } = record();
    inf.addEventHandler(handler);
    inf.start();
    await expect.poll(() => seen).toEqual(['add a@1', 'update a@1->7']);
    inf.stop();
  });

  it('backs off with growing jittered delays on other errors and keeps retrying', async () => {
    const delays: number[] = [];
    const errors: string[] = [];
    const { client } = scriptedClient({
      lists: [
        internalError(new Error('etcd down')),
        internalError(new Error('etcd down')),
        new Error('ECONNREFUSED'),
        [pod('a', '1')],
      ],
      watches: [],
    });
    const inf = createInformer(client, R.pods, {
      log: { info() {}, error: (m) => errors.push(m) },
      randFn: () => 0.5,
      delayFn: async (ms) => {
        delays.push(ms);
      },
    });
    inf.start();
    await inf.waitForSync();
    inf.stop();
    expect(delays).toEqual([1200, 2400, 4800]);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toContain('etcd down');
  });

  it('caps the back-off at 30 s', () => {
    expect(jitteredBackoff(1, 0)).toBe(800);
    expect(jitteredBackoff(20, 0.99)).toBe(30_000);
  });

  it('resync re-delivers every cached object as update(old, old)', async () => {
    let release: () => void = () => {};
    const { client } = scriptedClient({ lists: [[pod('a', '1')]], watches: [] });
    const inf = createInformer(client, R.pods, {
      log: quiet,
      resyncMs: 1000,
      delayFn: (ms, signal) =>
        ms === 1000
          ? new Promise<void>((resolve) => {
              release = resolve;
              signal.addEventListener('abort', () => resolve());
            })
          : Promise.resolve(),
    });
    const { seen, handler } = record();
    inf.addEventHandler(handler);
    inf.start();
    await inf.waitForSync();
    release();
    await expect.poll(() => seen).toEqual(['add a@1', 'update a@1->1']);
    inf.stop();
  });
});

describe('diffAgainstCache', () => {
  it('adds, updates by resourceVersion, deletes what is gone, ignores what is unchanged', () => {
    const cache = new Map([
      ['ns/a', pod('a', '1')],
      ['ns/b', pod('b', '2')],
      ['ns/d', pod('d', '4')],
    ]);
    const deltas = diffAgainstCache(cache, [pod('a', '1'), pod('b', '5'), pod('c', '6')]);
    expect(deltas.map((d) => `${d.type} ${d.obj.metadata?.name}`)).toEqual(['update b', 'add c', 'delete d']);
  });
});
