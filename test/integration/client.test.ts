// The shared client against the real apiserver and etcd: REST verbs and their Status errors,
// the informer's list + watch, and its relist after etcd compacted the history it was watching
// from (nothing lost, nothing delivered twice).
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlreadyExists, isConflict, isNotFound } from '../../agents/api/errors';
import { R } from '../../agents/api/resources';
import type { KubeObject } from '../../agents/api/types';
import { type ApiClient, createClient, createInformer } from '../../agents/client';
import { type ControlPlane, startControlPlane } from '../support/apiserver';
import { freePort } from '../support/ports';
import { type Started, startAgent, waitForHttpOk } from '../support/process';

const cm = (name: string, data: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data,
});
const names = (objs: KubeObject[]) => objs.map((o) => o.metadata?.name).sort();
const quiet = { info() {}, error() {} };

let cp: ControlPlane;
let client: ApiClient;

beforeAll(async () => {
  cp = await startControlPlane({ name: 'apiserver-client-test' });
  client = createClient({ baseUrl: cp.url, userAgent: 'client-test' });
});
afterAll(async () => {
  await cp?.stop();
});

describe('REST client', () => {
  it('creates, reads, updates, patches and deletes, with upstream Status errors', async () => {
    const created = await client.create<KubeObject>(R.configmaps, cm('rest-1', { a: '1' }));
    expect(created.metadata?.resourceVersion).toBeTruthy();
    expect(await client.get(R.configmaps, 'default', 'rest-1')).toMatchObject({ data: { a: '1' } });

    await expect(client.create(R.configmaps, cm('rest-1'))).rejects.toSatisfy(isAlreadyExists);
    await expect(client.get(R.configmaps, 'default', 'missing')).rejects.toSatisfy(isNotFound);

    const updated = await client.update(R.configmaps, { ...created, data: { a: '2' } });
    expect(updated.data).toEqual({ a: '2' });
    // The first version again: its resourceVersion is stale now.
    await expect(client.update(R.configmaps, { ...created, data: { a: '3' } })).rejects.toSatisfy(isConflict);

    const patched = await client.patch(R.configmaps, 'default', 'rest-1', 'merge', { data: { b: 'x' } });
    expect(patched.data).toEqual({ a: '2', b: 'x' });

    const list = await client.list(R.configmaps, { namespace: 'default' });
    expect(names(list.items)).toContain('rest-1');

    await client.delete(R.configmaps, 'default', 'rest-1');
    await expect(client.get(R.configmaps, 'default', 'rest-1')).rejects.toSatisfy(isNotFound);
  });

  it('watches from a resourceVersion, staying open while idle', async () => {
    const list = await client.list(R.configmaps, { namespace: 'default' });
    const seen: string[] = [];
    const w = client.watch(
      R.configmaps,
      { namespace: 'default', resourceVersion: list.metadata.resourceVersion },
      (ev) => {
        seen.push(`${ev.type} ${ev.object.metadata?.name}`);
      },
    );
    // Longer than the client's 4 s idle-socket timeout: an idle watch must stay open.
    await new Promise((r) => setTimeout(r, 5000));
    await client.create(R.configmaps, cm('watch-1'));
    await client.delete(R.configmaps, 'default', 'watch-1');
    await expect.poll(() => seen, { timeout: 10_000 }).toEqual(['ADDED watch-1', 'DELETED watch-1']);
    w.stop();
    await w.done;
  });
});

describe('informer against the apiserver', () => {
  it('lists, watches, and after etcd compaction relists without losing or duplicating objects', async () => {
    for (const n of ['inf-a', 'inf-b', 'inf-c']) await client.create(R.configmaps, cm(n, { v: '1' }));
    const events: string[] = [];
    const informer = createInformer<KubeObject>(client, R.configmaps, {
      namespace: 'default',
      log: quiet,
      delayFn: (ms, signal) =>
        new Promise((r) => {
          const t = setTimeout(r, Math.min(ms, 300));
          signal.addEventListener('abort', () => {
            clearTimeout(t);
            r();
          });
        }),
    });
    informer.addEventHandler({
      add: (o) => o.metadata?.name?.startsWith('inf-') && events.push(`add ${o.metadata.name}`),
      update: (a, b) =>
        b.metadata?.name?.startsWith('inf-') && a !== b && events.push(`update ${b.metadata.name}`),
      delete: (o) => o.metadata?.name?.startsWith('inf-') && events.push(`delete ${o.metadata.name}`),
    });
    informer.start();
    await informer.waitForSync();
    expect(events.sort()).toEqual(['add inf-a', 'add inf-b', 'add inf-c']);

    // Live watch: a change arrives as one update.
    events.length = 0;
    await client.patch(R.configmaps, 'default', 'inf-a', 'merge', { data: { v: '2' } });
    await expect.poll(() => events, { timeout: 10_000 }).toEqual(['update inf-a']);

    // Take the informer's apiserver away, change things through a second apiserver on the same
    // etcd, compact etcd past the informer's resourceVersion, then bring the first one back.
    events.length = 0;
    await cp.apiserver.kill();
    const port = await freePort();
    let other: Started | undefined = startAgent(`apiserver-client-test-b-${port}`, 'apiserver', [
      `--etcd-servers=${cp.etcd.url}`,
      '--bind-address=127.0.0.1',
      `--port=${port}`,
    ]);
    const etcd = new Etcd3({ hosts: cp.etcd.url });
    try {
      await waitForHttpOk(`http://127.0.0.1:${port}/healthz`, 60_000, other.logFile);
      const b = createClient({ baseUrl: `http://127.0.0.1:${port}` });
      await b.delete(R.configmaps, 'default', 'inf-b');
      await b.patch(R.configmaps, 'default', 'inf-c', 'merge', { data: { v: '3' } });
      await b.create(R.configmaps, cm('inf-d'));
      const latest = await b.list(R.configmaps, { namespace: 'default' });
      expect(latest.metadata.resourceVersion).toBeTruthy();
      // Compact at etcd's current revision (the KV service's Compact RPC).
      const head = await etcd.get('/registry/').exec();
      await etcd.kv.compact({ revision: head.header.revision, physical: true });
      // An old resourceVersion is now answered with 410, which is what the informer will meet.
      const err = await new Promise<unknown>((resolve) => {
        const w = b.watch(R.configmaps, { namespace: 'default', resourceVersion: '2' }, (ev) => {
          if (ev.type === 'ERROR') resolve(Object.assign(new Error('watch error'), { status: ev.object }));
        });
        w.done.then(() => resolve(undefined), resolve);
        setTimeout(() => w.stop(), 5000);
      });
      expect((err as { status?: { code?: number } }).status?.code).toBe(410);
      await other.stop();
      other = undefined;
      await cp.restartApiserver();

      // The restarted apiserver's watch cache is empty, so the informer's resume goes to etcd,
      // which has compacted that revision: a 410, and the informer relists.
      await expect
        .poll(() => names(informer.list().filter((o) => o.metadata?.name?.startsWith('inf-'))), {
          timeout: 60_000,
        })
        .toEqual(['inf-a', 'inf-c', 'inf-d']);
      expect([cp.apiserver.proc.exitCode, cp.apiserver.proc.signalCode]).toEqual([null, null]);
      await expect
        .poll(() => [...events].sort(), { timeout: 10_000 })
        .toEqual(['add inf-d', 'delete inf-b', 'update inf-c']);
      expect(informer.get('default/inf-c')?.data).toEqual({ v: '3' });
    } finally {
      informer.stop();
      etcd.close();
      await other?.stop();
    }
  });
});
