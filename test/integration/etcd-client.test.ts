// The apiserver's own etcd client (agents/apiserver/storage/etcd-client.ts, and etcd-watch.ts on
// top of its Watch stream) against a real etcd: the guarded transactions EtcdStore sends, ranges,
// leases with ids beyond 2^53, compaction, watches, and what happens when the connection is
// lost, refused or silent, or etcd restarts under a watch.
import net from 'node:net';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWatchResponse, EtcdClient, type WatchEvent } from '../../agents/apiserver/storage/etcd-client';
import { prefixEnd } from '../../agents/apiserver/storage/etcd-store';
import { watchPrefix } from '../../agents/apiserver/storage/etcd-watch';
import { startEtcd, type TestEtcd } from '../support/etcd';
import { freePort } from '../support/ports';

let etcd: TestEtcd;
let kv: EtcdClient;
let etcd3: Etcd3;

beforeAll(async () => {
  etcd = await startEtcd('etcd-client');
  kv = new EtcdClient([etcd.url]);
  etcd3 = new Etcd3({ hosts: etcd.url });
});
afterAll(async () => {
  kv?.close();
  etcd3?.close();
  await etcd?.stop();
});

const createIfAbsent = (key: string, value: string, client = kv) =>
  client.txn({
    compare: [{ key, target: 'create', equals: 0 }],
    success: [{ put: { key, value: Buffer.from(value) } }],
    failure: [{ range: { key } }],
  });

describe('transactions', () => {
  it('creates a key once; the second create fails and reads back the stored value', async () => {
    const first = await createIfAbsent('/t/create/a', 'one');
    expect(first.succeeded).toBe(true);
    expect(first.revision).toBeGreaterThan(0);

    const second = await createIfAbsent('/t/create/a', 'two');
    expect(second.succeeded).toBe(false);
    expect(second.revision).toBe(first.revision);
    const [kv0] = second.responses[0].range?.kvs ?? [];
    expect(kv0.key.toString()).toBe('/t/create/a');
    expect(kv0.value.toString()).toBe('one');
    expect(kv0.create_revision).toBe(first.revision);
    expect(kv0.mod_revision).toBe(first.revision);
    expect(await etcd3.get('/t/create/a').string()).toBe('one');
  });

  it('updates and deletes only at the revision the caller read', async () => {
    const created = await createIfAbsent('/t/update/a', 'v1');
    const guardedPut = (equals: number, value: string) =>
      kv.txn({
        compare: [{ key: '/t/update/a', target: 'mod', equals }],
        success: [{ put: { key: '/t/update/a', value: Buffer.from(value) } }],
        failure: [{ range: { key: '/t/update/a' } }],
      });
    const updated = await guardedPut(created.revision, 'v2');
    expect(updated.succeeded).toBe(true);

    const stale = await guardedPut(created.revision, 'v3');
    expect(stale.succeeded).toBe(false);
    expect(stale.responses[0].range?.kvs[0].value.toString()).toBe('v2');

    const deleted = await kv.txn({
      compare: [{ key: '/t/update/a', target: 'mod', equals: updated.revision }],
      success: [{ deleteRange: { key: '/t/update/a' } }],
      failure: [],
    });
    expect(deleted.succeeded).toBe(true);
    expect(await etcd3.get('/t/update/a').string()).toBeNull();
  });

  it('writes and reads back a 1 MiB value, beyond the windows HTTP/2 opens with', async () => {
    // The request is 16 times the 65,535 bytes a stream may send before etcd's WINDOW_UPDATEs,
    // the answer as many DATA frames: both directions of http2-connection.ts' flow control.
    const big = Buffer.alloc(1024 * 1024); // etcd refuses a request above 1.5 MiB
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    const [created, alongside] = await Promise.all([
      kv.txn({
        compare: [{ key: '/t/big/a', target: 'create', equals: 0 }],
        success: [{ put: { key: '/t/big/a', value: big } }],
        failure: [],
      }),
      createIfAbsent('/t/big/small', 'beside it'),
    ]);
    expect(created.succeeded && alongside.succeeded).toBe(true);
    const read = await kv.range({ key: '/t/big/a' });
    expect(Buffer.compare(read.kvs[0].value, big)).toBe(0);
    expect((await etcd3.get('/t/big/a').buffer())?.length).toBe(big.length);
  });

  it('commits a side write with the object, or neither when one guard fails', async () => {
    await etcd3.put('/t/side/bitmap').value('taken');
    const bitmap = await kv.range({ key: '/t/side/bitmap' });
    const write = (bitmapRevision: number, name: string) =>
      kv.txn({
        compare: [
          { key: `/t/side/${name}`, target: 'create', equals: 0 },
          { key: '/t/side/bitmap', target: 'mod', equals: bitmapRevision },
        ],
        success: [
          { put: { key: `/t/side/${name}`, value: Buffer.from('svc') } },
          { put: { key: '/t/side/bitmap', value: Buffer.from(`taken by ${name}`) } },
        ],
        failure: [{ range: { key: `/t/side/${name}` } }],
      });
    expect((await write(bitmap.kvs[0].mod_revision, 'first')).succeeded).toBe(true);
    // The bitmap moved on: the second service is not written, nor is the bitmap.
    const second = await write(bitmap.kvs[0].mod_revision, 'second');
    expect(second.succeeded).toBe(false);
    expect(second.responses[0].range?.kvs).toEqual([]);
    expect(await etcd3.get('/t/side/second').string()).toBeNull();
    expect(await etcd3.get('/t/side/bitmap').string()).toBe('taken by first');
  });

  it('grants a lease and writes its id beyond 2^53 exactly: revoking that lease deletes the key', async () => {
    const id = await kv.leaseGrant(600);
    expect(BigInt(id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true); // etcd's ids are this large
    expect((await etcd3.leaseClient.leaseTimeToLive({ ID: id })).TTL).not.toBe('-1');
    await kv.txn({
      compare: [{ key: '/t/lease/a', target: 'create', equals: 0 }],
      success: [{ put: { key: '/t/lease/a', value: Buffer.from('x'), lease: id } }],
      failure: [],
    });
    expect(await etcd3.get('/t/lease/a').string()).toBe('x');
    await etcd3.leaseClient.leaseRevoke({ ID: id });
    expect(await etcd3.get('/t/lease/a').string()).toBeNull();
  });
});

describe('ranges', () => {
  beforeAll(async () => {
    for (const name of ['c', 'a', 'b']) await etcd3.put(`/t/range/${name}`).value(name);
    await etcd3.put('/t/rangeX').value('outside the prefix');
  });

  it('lists a prefix in key order, counts it, and reads it at a past revision', async () => {
    const prefix = '/t/range/';
    const all = await kv.range({ key: prefix, rangeEnd: prefixEnd(prefix) });
    expect(all.kvs.map((x) => x.value.toString())).toEqual(['a', 'b', 'c']);
    expect(all.count).toBe(3);
    expect(all.more).toBe(false);

    const counted = await kv.range({ key: prefix, rangeEnd: prefixEnd(prefix), countOnly: true });
    expect(counted).toMatchObject({ kvs: [], count: 3, revision: all.revision });

    const limited = await kv.range({ key: prefix, rangeEnd: prefixEnd(prefix), limit: 2 });
    expect(limited.kvs.length).toBe(2);
    expect(limited.more).toBe(true);

    await etcd3.put('/t/range/a').value('changed');
    const past = await kv.range({ key: '/t/range/a', revision: all.revision });
    expect(past.kvs[0].value.toString()).toBe('a');
    expect((await kv.range({ key: '/t/range/a' })).kvs[0].value.toString()).toBe('changed');
  });

  it('returns no kvs for an absent key, and the current revision', async () => {
    const res = await kv.range({ key: '/t/range/absent' });
    expect(res.kvs).toEqual([]);
    expect(res.revision).toBeGreaterThan(0);
  });

  it("compacts, and names etcd's refusal: a range at a compacted revision", async () => {
    const before = await kv.range({ key: '/t/range/a' });
    await etcd3.put('/t/range/a').value('again');
    const now = await kv.range({ key: '/t/range/a' });
    await kv.compact(now.revision);
    await kv.compact(now.revision); // again: already done, not an error
    await expect(kv.range({ key: '/t/range/a', revision: before.revision })).rejects.toThrow(
      `etcd Range at ${etcd.url}: etcdserver: mvcc: required revision has been compacted`,
    );
  });
});

describe('watches', () => {
  it("delivers a prefix's puts and deletes in order from a past revision, a 1 MiB value whole", async () => {
    const from = (await kv.range({ key: '/t/w1/' })).revision + 1;
    const big = 'x'.repeat(1024 * 1024); // many HTTP/2 DATA frames
    await etcd3.put('/t/w1/a').value('one');
    await etcd3.put('/t/w1/b').value(big);
    await etcd3.put('/t/w1X').value('outside the prefix');
    await etcd3.delete().key('/t/w1/a');
    const events: WatchEvent[] = [];
    const stream = kv.watch(
      { key: '/t/w1/', rangeEnd: prefixEnd('/t/w1/'), startRevision: from, prevKv: true },
      { onMessage: (m) => events.push(...decodeWatchResponse(m).events), onEnd: () => {} },
    );
    try {
      await until(() => events.length >= 3);
      expect(events.map((e) => [e.type, e.kv.key.toString()])).toEqual([
        ['put', '/t/w1/a'],
        ['put', '/t/w1/b'],
        ['delete', '/t/w1/a'],
      ]);
      expect(events[1].kv.value.toString()).toBe(big);
      expect(events[0].kv.create_revision).toBe(events[0].kv.mod_revision);
      expect(events[2].prevKv?.value.toString()).toBe('one');
      expect(events[2].kv.mod_revision).toBeGreaterThan(events[1].kv.mod_revision);
    } finally {
      stream.cancel();
    }
  });

  it('resumes after its connection is cut, without losing or repeating an event', async () => {
    const proxy = await tcpProxy(new URL(etcd.url).port);
    const viaProxy = new EtcdClient([proxy.url]);
    const seen = watchNames(viaProxy, '/t/w2/', (await kv.range({ key: '/t/w2/' })).revision + 1);
    try {
      await putObject('/t/w2/', 'a');
      await until(() => seen.names.length === 1);
      proxy.cutAll();
      await putObject('/t/w2/', 'b');
      await putObject('/t/w2/', 'c');
      await until(() => seen.names.length >= 3);
      await new Promise((r) => setTimeout(r, 300)); // a repeat would come now
      expect(seen.names).toEqual(['ADDED a', 'ADDED b', 'ADDED c']);
      expect(proxy.connections).toBe(2);
      expect(seen.errors).toEqual([]);
    } finally {
      seen.watch.stop();
      viaProxy.close();
      await proxy.close();
    }
  });

  it('resumes after etcd restarts, from the revision after the last event it delivered', async () => {
    const seen = watchNames(kv, '/t/w3/', (await kv.range({ key: '/t/w3/' })).revision + 1);
    try {
      await putObject('/t/w3/', 'a');
      await until(() => seen.names.length === 1);
      await etcd.restart();
      await putObject('/t/w3/', 'a', 'changed');
      await until(() => seen.names.length >= 2, 15_000);
      await new Promise((r) => setTimeout(r, 300));
      expect(seen.names).toEqual(['ADDED a', 'MODIFIED a']);
      expect(seen.errors).toEqual([]);
    } finally {
      seen.watch.stop();
    }
  });

  it("ends with etcd's reason when its start revision has been compacted", async () => {
    const from = (await kv.range({ key: '/t/w4/' })).revision;
    await putObject('/t/w4/', 'a');
    await putObject('/t/w4/', 'a', 'again');
    await kv.compact((await kv.range({ key: '/t/w4/' })).revision);
    const seen = watchNames(kv, '/t/w4/', from);
    try {
      await until(() => seen.errors.length === 1);
      expect(seen.errors[0]).toMatch(/^etcd cancelled the watch on \/t\/w4\/.*compacted/);
      expect(seen.names).toEqual([]);
    } finally {
      seen.watch.stop();
    }
  });
});

/** A JSON object at `prefix` + `name`, as the apiserver stores one. */
async function putObject(prefix: string, name: string, data = 'v') {
  await etcd3
    .put(prefix + name)
    .value(JSON.stringify({ kind: 'ConfigMap', metadata: { name }, data: { v: data } }));
}

/** watchPrefix (the watch cache's) on `prefix`, recording "<TYPE> <name>" per change and errors. */
function watchNames(client: EtcdClient, prefix: string, from: number) {
  const names: string[] = [];
  const errors: string[] = [];
  const watch = watchPrefix(
    client,
    prefix,
    from,
    (changes) => names.push(...changes.map((c) => `${c.type} ${c.obj.metadata?.name}`)),
    (err) => errors.push(err.message),
  );
  return { names, errors, watch };
}

async function until(done: () => boolean, withinMs = 5000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not done within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('connections', () => {
  it('moves to the next server when the first refuses connections, for reads and for writes', async () => {
    const refused = `http://127.0.0.1:${await freePort()}`;
    // Two clients, each starting at the refused server: one reads, one writes.
    const [reader, writer] = [new EtcdClient([refused, etcd.url]), new EtcdClient([refused, etcd.url])];
    try {
      expect((await reader.range({ key: '/t/range/b' })).kvs[0].value.toString()).toBe('b');
      // A write that never reached the refused server is safe to send to the next one.
      expect((await createIfAbsent('/t/conn/a', 'x', writer)).succeeded).toBe(true);
    } finally {
      reader.close();
      writer.close();
    }
  });

  it('dials again after its connection is cut', async () => {
    const proxy = await tcpProxy(new URL(etcd.url).port);
    const viaProxy = new EtcdClient([proxy.url]);
    try {
      expect((await viaProxy.range({ key: '/t/range/b' })).kvs.length).toBe(1);
      proxy.cutAll();
      await new Promise((r) => setTimeout(r, 50));
      expect((await viaProxy.range({ key: '/t/range/b' })).kvs.length).toBe(1);
      expect(proxy.connections).toBe(2);
    } finally {
      viaProxy.close();
      await proxy.close();
    }
  });

  it('gives up on a server that accepts the connection and never answers, at the deadline', async () => {
    const accepted: net.Socket[] = [];
    const silent = net.createServer((s) => accepted.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    const mute = new EtcdClient([`http://127.0.0.1:${port}`], { timeoutMs: 300 });
    const started = Date.now();
    try {
      await expect(mute.range({ key: '/t/x' })).rejects.toThrow(
        `etcd Range at http://127.0.0.1:${port}: /etcdserverpb.KV/Range: no answer within 300 ms`,
      );
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      mute.close();
      for (const s of accepted) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('fails with the server and the cause when every server is down, without hanging', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const none = new EtcdClient([down]);
    const started = Date.now();
    try {
      await expect(none.range({ key: '/t/x' })).rejects.toThrow(
        new RegExp(`^etcd Range at ${down}: .*ECONNREFUSED`),
      );
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      none.close();
    }
  });
});

/** A loopback TCP proxy to `port` whose connections the test can cut. */
async function tcpProxy(port: string) {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((client) => {
    connections++;
    const upstream = net.connect(Number(port), '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    get connections() {
      return connections;
    },
    cutAll: () => {
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise((r) => server.close(r)),
  };
}
