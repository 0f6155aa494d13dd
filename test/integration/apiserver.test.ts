// API semantics against the real apiserver on a real etcd: storage guards, watch resume and
// selectors, graceful deletion and finalizers, subresources, namespace lifecycle, allocations.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ControlPlane, startControlPlane } from '../support/apiserver';
import { api, configMap, pod, watch } from './apiserver-http';

let cp: ControlPlane;
let http: ReturnType<typeof api>;
const CM = '/api/v1/namespaces/default/configmaps';
const PODS = '/api/v1/namespaces/default/pods';

beforeAll(async () => {
  cp = await startControlPlane({
    name: 'apiserver-semantics',
    flags: ['--watch-bookmark-interval-seconds=1'],
  });
  http = api(cp.url);
});
afterAll(async () => {
  await cp?.stop();
});

describe('storage', () => {
  it('create sets uid, creationTimestamp and a resourceVersion; duplicates are AlreadyExists', async () => {
    const r = await http.post(CM, configMap('s1', { a: '1' }));
    expect(r.status).toBe(201);
    expect(r.body.metadata).toMatchObject({ name: 's1', namespace: 'default' });
    expect(r.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(r.body.metadata.resourceVersion)).toBeGreaterThan(0);
    const dup = await http.post(CM, configMap('s1'));
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({
      kind: 'Status',
      reason: 'AlreadyExists',
      message: 'configmaps "s1" already exists',
    });
  });

  it('update with a stale resourceVersion is a Conflict; without one it wins', async () => {
    const first = (await http.get(`${CM}/s1`)).body;
    expect((await http.put(`${CM}/s1`, { ...first, data: { a: '2' } })).status).toBe(200);
    const stale = await http.put(`${CM}/s1`, { ...first, data: { a: '3' } });
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
    const { resourceVersion: _rv, ...meta } = first.metadata;
    const unconditional = await http.put(`${CM}/s1`, { ...first, metadata: meta, data: { a: '4' } });
    expect(unconditional.status).toBe(200);
    expect(unconditional.body.data.a).toBe('4');
  });

  it('generation moves on spec changes only; status writes keep the spec', async () => {
    const d = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'g1' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'g1' } },
        template: { metadata: { labels: { app: 'g1' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
      },
    };
    const path = '/apis/apps/v1/namespaces/default/deployments';
    expect((await http.post(path, d)).body.metadata.generation).toBe(1);
    expect(
      (await http.patch(`${path}/g1`, { metadata: { labels: { x: 'y' } } })).body.metadata.generation,
    ).toBe(1);
    expect((await http.patch(`${path}/g1`, { spec: { replicas: 2 } })).body.metadata.generation).toBe(2);
    const st = await http.patch(`${path}/g1/status`, {
      spec: { replicas: 9 },
      status: { replicas: 2, observedGeneration: 2 },
    });
    expect(st.body.spec.replicas).toBe(2);
    expect(st.body.status).toMatchObject({ replicas: 2, observedGeneration: 2 });
    const main = await http.patch(`${path}/g1`, { status: { replicas: 0 } });
    expect(main.body.status.replicas).toBe(2);
  });

  it('accepts YAML bodies (YAML 1.1, as kubectl writes them) and honours dryRun', async () => {
    const yaml =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  mode: "0755"\n  flag: "yes"\n';
    const r = await http.post(CM, yaml, 'application/yaml');
    expect(r.status).toBe(201);
    expect(r.body.data).toEqual({ mode: '0755', flag: 'yes' });
    const dry = await http.post(`${CM}?dryRun=All`, configMap('dry-only'));
    expect(dry.status).toBe(201);
    expect(dry.body.metadata.uid).toBeTruthy();
    expect((await http.get(`${CM}/dry-only`)).status).toBe(404);
  });

  it('generateName makes a unique name', async () => {
    const r = await http.post(CM, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { generateName: 'gen-' },
    });
    expect(r.status).toBe(201);
    expect(r.body.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
  });

  it('objects live under /registry/<resource>/<namespace>/<name> without a stored resourceVersion', async () => {
    const etcd = new Etcd3({ hosts: cp.etcd.url });
    try {
      const raw = await etcd.get('/registry/configmaps/default/s1').string();
      expect(JSON.parse(raw ?? '{}')).toMatchObject({
        kind: 'ConfigMap',
        metadata: { name: 's1' },
        data: { a: '4' },
      });
      expect(JSON.parse(raw ?? '{}').metadata.resourceVersion).toBeUndefined();
    } finally {
      etcd.close();
    }
  });
});

describe('events', () => {
  it('expire an hour after their last write, by an etcd lease', async () => {
    const ev = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'ev1' },
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
      reason: 'Testing',
      message: 'hello',
      type: 'Normal',
      count: 1,
    };
    expect((await http.post('/api/v1/namespaces/default/events', ev)).status).toBe(201);
    const etcd = new Etcd3({ hosts: cp.etcd.url });
    try {
      const kv = (await etcd.kv.range({ key: Buffer.from('/registry/events/default/ev1') })).kvs[0];
      expect(kv.lease).not.toBe('0');
      const ttl = await etcd.leaseClient.leaseTimeToLive({ ID: kv.lease });
      expect(Number(ttl.TTL)).toBeGreaterThan(3500);
      expect(Number(ttl.TTL)).toBeLessThanOrEqual(3660);
    } finally {
      etcd.close();
    }
  });
});

describe('events, which have no watch cache (as upstream)', () => {
  const EV = '/api/v1/namespaces/evns/events';
  const event = (name: string, pod: string) => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name },
    involvedObject: { kind: 'Pod', name: pod, namespace: 'evns' },
    reason: 'Testing',
    message: `about ${pod}`,
    type: 'Normal',
    count: 1,
  });

  it('lists, selects, watches and deletes them from etcd', async () => {
    await http.post('/api/v1/namespaces', { metadata: { name: 'evns' } });
    for (const [name, pod] of [
      ['e1', 'a'],
      ['e2', 'b'],
      ['e3', 'a'],
    ])
      expect((await http.post(EV, event(name, pod))).status).toBe(201);

    const all = await http.get(EV);
    expect(all.body.items.map((i: any) => i.metadata.name)).toEqual(['e1', 'e2', 'e3']);
    expect(Number(all.body.metadata.resourceVersion)).toBeGreaterThanOrEqual(
      Number(all.body.items[2].metadata.resourceVersion),
    );
    // kubectl describe pod a: its events by field selector.
    const aboutA = await http.get(`${EV}?fieldSelector=${encodeURIComponent('involvedObject.name=a')}`);
    expect(aboutA.body.items.map((i: any) => i.metadata.name)).toEqual(['e1', 'e3']);
    const page = await http.get(`${EV}?limit=2`);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.metadata.remainingItemCount).toBe(1);
    const everywhere = await http.get('/api/v1/events');
    expect(everywhere.body.items.map((i: any) => i.metadata.name)).toEqual(
      expect.arrayContaining(['e1', 'e2', 'e3']),
    );

    const fromNow = watch(
      cp.url,
      `${EV}?watch=true&fieldSelector=${encodeURIComponent('involvedObject.name=a')}`,
    );
    const fromRv = watch(cp.url, `${EV}?watch=true&resourceVersion=${all.body.metadata.resourceVersion}`);
    try {
      await expect
        .poll(() => fromNow.events.map((e) => `${e.type} ${e.object.metadata.name}`))
        .toEqual(['ADDED e1', 'ADDED e3']);
      await http.patch(`${EV}/e1`, { count: 2 });
      await http.post(EV, event('e4', 'b'));
      await http.del(`${EV}/e3`);
      await expect
        .poll(() => fromNow.events.map((e) => `${e.type} ${e.object.metadata.name}`), { timeout: 10_000 })
        .toEqual(['ADDED e1', 'ADDED e3', 'MODIFIED e1', 'DELETED e3']);
      await expect
        .poll(() => fromRv.events.map((e) => `${e.type} ${e.object.metadata.name}`), { timeout: 10_000 })
        .toEqual(['MODIFIED e1', 'ADDED e4', 'DELETED e3']);
      expect(fromNow.events[2].object.count).toBe(2);
    } finally {
      fromNow.stop();
      fromRv.stop();
    }

    const deleted = await http.del(EV);
    expect(deleted.status).toBe(200);
    expect(deleted.body.items.map((i: any) => i.metadata.name)).toEqual(['e1', 'e2', 'e4']);
    expect((await http.get(EV)).body.items).toEqual([]);
  });
});

describe('lists', () => {
  it('filter by label and field selectors and page with limit/continue', async () => {
    for (const i of [1, 2, 3, 4, 5])
      await http.post(CM, configMap(`l${i}`, {}, { set: 'l', parity: i % 2 ? 'odd' : 'even' }));
    const odd = await http.get(`${CM}?labelSelector=${encodeURIComponent('set=l,parity in (odd)')}`);
    expect(odd.body.kind).toBe('ConfigMapList');
    expect(odd.body.items.map((i: any) => i.metadata.name)).toEqual(['l1', 'l3', 'l5']);
    const byName = await http.get(`${CM}?fieldSelector=metadata.name%3Dl2`);
    expect(byName.body.items.map((i: any) => i.metadata.name)).toEqual(['l2']);
    const page1 = await http.get(`${CM}?labelSelector=set%3Dl&limit=2`);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.metadata.remainingItemCount).toBe(3);
    const page2 = await http.get(
      `${CM}?labelSelector=set%3Dl&limit=2&continue=${page1.body.metadata.continue}`,
    );
    const page3 = await http.get(
      `${CM}?labelSelector=set%3Dl&limit=2&continue=${page2.body.metadata.continue}`,
    );
    expect(
      [...page1.body.items, ...page2.body.items, ...page3.body.items].map((i: any) => i.metadata.name),
    ).toEqual(['l1', 'l2', 'l3', 'l4', 'l5']);
    expect(page3.body.metadata.continue).toBeUndefined();
    const bad = await http.get(`${CM}?fieldSelector=spec.nodeName%3Dx`);
    expect(bad.status).toBe(400);
  });
});

describe('watch', () => {
  it('resourceVersion=0 replays the current state as ADDED, then streams changes', async () => {
    const w = watch(cp.url, `${CM}?watch=true&resourceVersion=0&labelSelector=set%3Dl`);
    try {
      await expect.poll(() => w.events.length, { timeout: 10_000 }).toBe(5);
      expect(w.events.every((e) => e.type === 'ADDED')).toBe(true);
      await http.patch(`${CM}/l1`, { data: { k: 'v' } });
      await expect
        .poll(() => w.events.at(-1), { timeout: 10_000 })
        .toMatchObject({ type: 'MODIFIED', object: { metadata: { name: 'l1' } } });
    } finally {
      w.stop();
    }
  });

  it('resumes from a resourceVersion without missing or repeating events', async () => {
    const start = (await http.get(CM)).body.metadata.resourceVersion;
    await http.post(CM, configMap('w1'));
    await http.patch(`${CM}/w1`, { data: { x: '1' } });
    await http.del(`${CM}/w1`);
    const w = watch(cp.url, `${CM}?watch=true&resourceVersion=${start}`);
    try {
      await expect
        .poll(() => w.events.map((e) => `${e.type} ${e.object.metadata.name}`), { timeout: 10_000 })
        .toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
    } finally {
      w.stop();
    }
  });

  it('a selector watcher sees objects enter as ADDED and leave as DELETED', async () => {
    await http.post(CM, configMap('sel1', {}, { stage: 'a' }));
    const rv = (await http.get(CM)).body.metadata.resourceVersion;
    const w = watch(cp.url, `${CM}?watch=true&resourceVersion=${rv}&labelSelector=stage%3Db`);
    try {
      await http.patch(`${CM}/sel1`, { metadata: { labels: { stage: 'b' } } });
      await http.patch(`${CM}/sel1`, { metadata: { labels: { stage: 'c' } } });
      await expect.poll(() => w.events.map((e) => e.type), { timeout: 10_000 }).toEqual(['ADDED', 'DELETED']);
    } finally {
      w.stop();
    }
  });

  it('honours timeoutSeconds, and sends BOOKMARKs only when asked', async () => {
    const w = watch(
      cp.url,
      `${CM}?watch=true&resourceVersion=0&timeoutSeconds=1&fieldSelector=metadata.name%3Ds1`,
    );
    await w.ended;
    expect(w.events.map((e) => e.type)).toEqual(['ADDED']);
  });

  it('sends BOOKMARKs carrying the current resourceVersion when allowed', async () => {
    const rv = Number((await http.get(CM)).body.metadata.resourceVersion);
    const w = watch(
      cp.url,
      `${CM}?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=3&labelSelector=none%3Dsuch`,
    );
    await w.ended;
    expect(w.events.length).toBeGreaterThanOrEqual(1);
    for (const e of w.events) {
      expect(e).toMatchObject({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1' } });
      expect(Number(e.object.metadata.resourceVersion)).toBeGreaterThanOrEqual(rv);
    }
  });

  it('a compacted resourceVersion gets an ERROR event with 410 Expired', async () => {
    const old = (await http.get(CM)).body.metadata.resourceVersion;
    await http.post(CM, configMap('compact-1'));
    await http.post(CM, configMap('compact-2'));
    const etcd = new Etcd3({ hosts: cp.etcd.url });
    try {
      const current = Number((await http.get(CM)).body.metadata.resourceVersion);
      await etcd.kv.compact({ revision: current });
    } finally {
      etcd.close();
    }
    // The watch cache still remembers every change since it started; after a restart it does
    // not, so only etcd could answer — and etcd compacted that history away.
    await cp.restartApiserver();
    const w = watch(cp.url, `${CM}?watch=true&resourceVersion=${old}`);
    await w.ended;
    expect(w.events).toHaveLength(1);
    expect(w.events[0]).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    });
  });

  it('Table watches carry columnDefinitions on the first event only', async () => {
    const w = watch(cp.url, `${CM}?watch=true&resourceVersion=0&labelSelector=set%3Dl`, {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    });
    try {
      await expect.poll(() => w.events.length, { timeout: 10_000 }).toBe(5);
      expect(w.events[0].object.kind).toBe('Table');
      expect(w.events[0].object.columnDefinitions.length).toBeGreaterThan(0);
      expect(w.events[1].object.columnDefinitions).toBeUndefined();
      expect(w.events[1].object.rows[0].cells[0]).toBe('l2');
    } finally {
      w.stop();
    }
  });
});

describe('deletion', () => {
  it('unscheduled pods go at once; bound pods terminate gracefully until deleted with grace 0', async () => {
    expect((await http.post(PODS, pod('p-unbound'))).status).toBe(201);
    expect((await http.del(`${PODS}/p-unbound`)).status).toBe(200);
    expect((await http.get(`${PODS}/p-unbound`)).status).toBe(404);

    await http.post(PODS, pod('p-bound'));
    const bind = await http.post(`${PODS}/p-bound/binding`, {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'p-bound' },
      target: { kind: 'Node', name: 'n1' },
    });
    expect(bind.status).toBe(201);
    const rebind = await http.post(`${PODS}/p-bound/binding`, {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'p-bound' },
      target: { kind: 'Node', name: 'n2' },
    });
    expect(rebind.status).toBe(409);
    const bound = (await http.get(`${PODS}/p-bound`)).body;
    expect(bound.spec.nodeName).toBe('n1');
    expect(bound.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'PodScheduled', status: 'True' }),
    );

    const graceful = await http.del(`${PODS}/p-bound`);
    expect(graceful.body.metadata.deletionTimestamp).toBeTruthy();
    expect(graceful.body.metadata.deletionGracePeriodSeconds).toBe(30);
    expect((await http.get(`${PODS}/p-bound`)).status).toBe(200);
    await http.del(`${PODS}/p-bound`, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 });
    expect((await http.get(`${PODS}/p-bound`)).status).toBe(404);
  });

  it('eviction deletes gracefully and answers 201 Success', async () => {
    await http.post(PODS, pod('p-evict'));
    const r = await http.post(`${PODS}/p-evict/eviction`, {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'p-evict', namespace: 'default' },
      deleteOptions: {},
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ kind: 'Status', status: 'Success' });
    expect((await http.get(`${PODS}/p-evict`)).status).toBe(404);
  });

  it('finalizers hold the object until the last one is removed; propagationPolicy is recorded', async () => {
    await http.post(CM, { ...configMap('fin'), metadata: { name: 'fin', finalizers: ['example.com/hold'] } });
    const del = await http.del(`${CM}/fin`, { propagationPolicy: 'Foreground' });
    expect(del.body.metadata.deletionTimestamp).toBeTruthy();
    expect(del.body.metadata.finalizers).toEqual(['example.com/hold', 'foregroundDeletion']);
    await http.patch(`${CM}/fin`, { metadata: { finalizers: ['foregroundDeletion'] } });
    expect((await http.get(`${CM}/fin`)).status).toBe(200);
    await http.patch(`${CM}/fin`, { metadata: { finalizers: null } });
    expect((await http.get(`${CM}/fin`)).status).toBe(404);

    await http.post(CM, configMap('orph'));
    const orphan = await http.del(`${CM}/orph`, { propagationPolicy: 'Orphan' });
    expect(orphan.body.metadata.finalizers).toEqual(['orphan']);
  });

  it('namespace deletion is Terminating until /finalize clears its finalizers', async () => {
    await http.post('/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'doomed' },
    });
    const del = await http.del('/api/v1/namespaces/doomed');
    expect(del.body.status.phase).toBe('Terminating');
    const refused = await http.post('/api/v1/namespaces/doomed/configmaps', configMap('late'));
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(
      /unable to create new content in namespace doomed because it is being terminated/,
    );
    const ns = (await http.get('/api/v1/namespaces/doomed')).body;
    const fin = await http.put('/api/v1/namespaces/doomed/finalize', { ...ns, spec: { finalizers: [] } });
    expect(fin.status).toBe(200);
    expect((await http.get('/api/v1/namespaces/doomed')).status).toBe(404);
    expect((await http.post('/api/v1/namespaces/nowhere/configmaps', configMap('x'))).body).toMatchObject({
      code: 404,
      message: 'namespaces "nowhere" not found',
    });
  });
});

describe('subresources and allocation', () => {
  it('scale answers autoscaling/v1 Scale for GET, PUT and PATCH', async () => {
    const path = '/apis/apps/v1/namespaces/default/deployments/g1/scale';
    const s = await http.get(path);
    expect(s.body).toMatchObject({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      spec: { replicas: 2 },
      status: { selector: 'app=g1' },
    });
    expect((await http.patch(path, { spec: { replicas: 5 } })).body).toMatchObject({
      kind: 'Scale',
      spec: { replicas: 5 },
    });
    expect(
      (
        await http.put(path, {
          ...s.body,
          metadata: { name: 'g1', namespace: 'default' },
          spec: { replicas: 6 },
        })
      ).body.spec.replicas,
    ).toBe(6);
    expect((await http.get('/apis/apps/v1/namespaces/default/deployments/g1')).body.spec.replicas).toBe(6);
  });

  it('the kubernetes Service has the first ClusterIP and endpoints at this apiserver', async () => {
    expect((await http.get('/api/v1/namespaces/default/services/kubernetes')).body.spec.clusterIP).toBe(
      '10.96.0.1',
    );
    const ep = (await http.get('/api/v1/namespaces/default/endpoints/kubernetes')).body;
    expect(ep.subsets[0]).toMatchObject({ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: cp.port }] });
  });

  it('NodePorts are unique, persisted, and released on delete', async () => {
    const svc = (name: string, nodePort?: number) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: {
        type: 'NodePort',
        selector: { app: name },
        ports: [{ port: 80, ...(nodePort ? { nodePort } : {}) }],
      },
    });
    const a = await http.post('/api/v1/namespaces/default/services', svc('np-a', 30080));
    expect(a.body.spec.ports[0].nodePort).toBe(30080);
    const b = await http.post('/api/v1/namespaces/default/services', svc('np-b', 30080));
    expect(b.status).toBe(422);
    expect(b.body.message).toBe(
      'Service "np-b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
    const etcd = new Etcd3({ hosts: cp.etcd.url });
    try {
      expect(
        JSON.parse((await etcd.get('/registry/ranges/servicenodeports').string()) ?? '{}').allocated,
      ).toContain(30080);
      await http.del('/api/v1/namespaces/default/services/np-a');
      expect(
        JSON.parse((await etcd.get('/registry/ranges/servicenodeports').string()) ?? '{}').allocated,
      ).not.toContain(30080);
    } finally {
      etcd.close();
    }
    expect((await http.post('/api/v1/namespaces/default/services', svc('np-b', 30080))).status).toBe(201);
  });

  it('64 Services created 16 at a time all succeed, each with its own ClusterIP and NodePort', async () => {
    // 16 lanes of 4 creates each: 16 requests in flight, all rewriting the same range keys.
    const lanes = await Promise.all(
      Array.from({ length: 16 }, async (_, lane) => {
        const out: { status: number; ip: string; port: number }[] = [];
        for (let i = 0; i < 4; i++) {
          const name = `burst-${lane}-${i}`;
          const r = await http.post('/api/v1/namespaces/default/services', {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name },
            spec: { type: 'NodePort', selector: { app: name }, ports: [{ port: 80 }] },
          });
          out.push({ status: r.status, ip: r.body.spec?.clusterIP, port: r.body.spec?.ports?.[0]?.nodePort });
        }
        return out;
      }),
    );
    const all = lanes.flat();
    expect(all.map((c) => c.status)).toEqual(Array(64).fill(201));
    expect(new Set(all.map((c) => c.ip)).size).toBe(64);
    expect(new Set(all.map((c) => c.port)).size).toBe(64);
  });

  it('discovery lists subresources with their groups, and /openapi/v2 answers 200', async () => {
    const core = (await http.get('/api/v1')).body;
    expect(core.resources).toContainEqual(
      expect.objectContaining({ name: 'pods/eviction', group: 'policy', version: 'v1', kind: 'Eviction' }),
    );
    const apps = (await http.get('/apis/apps/v1')).body;
    expect(apps.resources).toContainEqual(
      expect.objectContaining({ name: 'deployments/scale', group: 'autoscaling', kind: 'Scale' }),
    );
    expect(apps.resources).toContainEqual(
      expect.objectContaining({ name: 'deployments', shortNames: ['deploy'], categories: ['all'] }),
    );
    expect((await http.get('/openapi/v2')).status).toBe(200);
    for (const probe of ['/healthz', '/livez', '/readyz']) expect((await http.get(probe)).text).toBe('ok');
    // kubectl 1.32+ asks for protobuf first: the answer is JSON, never 406.
    const proto = await http.get('/api/v1/namespaces', {
      accept: 'application/vnd.kubernetes.protobuf, application/json',
    });
    expect(proto.status).toBe(200);
    expect(proto.body.kind).toBe('NamespaceList');
    const metrics = (await http.get('/metrics')).text;
    expect(metrics).toMatch(
      /apiserver_request_total\{verb="GET",resource="",code="200"\}|apiserver_request_total\{verb="LIST",resource="configmaps",code="200"\} \d+/,
    );
  });
});

describe('streams', () => {
  it('watches over WebSocket, one event per message', async () => {
    const ws = new WebSocket(
      `${cp.url.replace('http', 'ws')}${CM}?watch=true&resourceVersion=0&fieldSelector=metadata.name%3Ds1`,
    );
    const messages: any[] = [];
    ws.on('message', (m) => messages.push(JSON.parse(String(m))));
    try {
      await expect.poll(() => messages.length, { timeout: 10_000 }).toBe(1);
      expect(messages[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 's1' } } });
      await http.patch(`${CM}/s1`, { data: { ws: 'yes' } });
      await expect.poll(() => messages.at(-1)?.type, { timeout: 10_000 }).toBe('MODIFIED');
    } finally {
      ws.close();
    }
  });

  it("pods/log is relayed to the kubelet of the pod's node", async () => {
    // A stand-in for the kubelet's /containerLogs endpoint: the relay is what is under test here.
    const kubelet = createServer((req, res) => res.end(`logs for ${req.url}`));
    await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', () => r()));
    const port = (kubelet.address() as AddressInfo).port;
    try {
      await http.post('/api/v1/nodes', {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'log-node' },
        status: {
          addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
          daemonEndpoints: { kubeletEndpoint: { Port: port } },
        },
      });
      await http.post(PODS, pod('p-logs', { nodeName: 'log-node' }));
      const r = await http.get(`${PODS}/p-logs/log?container=c&tailLines=5`);
      expect(r.status).toBe(200);
      expect(r.text).toBe('logs for /containerLogs/default/p-logs/c?tailLines=5');
      await http.post(PODS, pod('p-nohost'));
      const nohost = await http.get(`${PODS}/p-nohost/log`);
      expect(nohost.status).toBe(400);
      expect(nohost.body.message).toBe('pod p-nohost does not have a host assigned');
    } finally {
      kubelet.close();
    }
  });
});
