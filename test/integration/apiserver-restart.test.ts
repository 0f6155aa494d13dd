// kill -9 the apiserver in the middle of a stream of writes, start it again, and check the two
// promises storage makes: no acknowledged write is lost, and a watch resumed from the last
// resourceVersion it saw misses no event (and repeats none).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ControlPlane, startControlPlane } from '../support/apiserver';
import { api, configMap, watch } from './apiserver-http';

let cp: ControlPlane;
const CM = '/api/v1/namespaces/default/configmaps';

beforeAll(async () => {
  cp = await startControlPlane({ name: 'apiserver-restart' });
});
afterAll(async () => {
  await cp?.stop();
});

it('survives kill -9 without losing acknowledged writes or watch events', async () => {
  const http = api(cp.url);
  const nodePortSvc = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { type: 'NodePort', selector: { a: 'b' }, ports: [{ port: 80, nodePort: 31000 }] },
  });
  expect((await http.post('/api/v1/namespaces/default/services', nodePortSvc('before'))).status).toBe(201);
  const startRv = (await http.get(CM)).body.metadata.resourceVersion;
  const first = watch(cp.url, `${CM}?watch=true&resourceVersion=${startRv}&labelSelector=run%3Dr1`);

  // A writer that creates configmaps one after another and remembers which were acknowledged.
  const acknowledged: string[] = [];
  let writing = true;
  const writer = (async () => {
    for (let i = 0; writing; i++) {
      try {
        const r = await http.post(CM, configMap(`w-${i}`, { i: String(i) }, { run: 'r1' }));
        if (r.status === 201) acknowledged.push(`w-${i}`);
      } catch {
        await new Promise((res) => setTimeout(res, 50)); // server down: keep trying
      }
    }
  })();

  await expect.poll(() => acknowledged.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(20);
  await cp.apiserver.kill();
  const ackedBeforeKill = acknowledged.length;
  await first.ended;
  await cp.restartApiserver();
  await expect
    .poll(() => acknowledged.length, { timeout: 30_000 })
    .toBeGreaterThanOrEqual(ackedBeforeKill + 20);
  writing = false;
  await writer;

  // Allocations live in etcd with the Services: the restarted server still knows 31000 is taken.
  const again = await http.post('/api/v1/namespaces/default/services', nodePortSvc('after'));
  expect(again.status).toBe(422);
  expect(again.body.message).toMatch(/provided port is already allocated/);

  // Every acknowledged write is there.
  const names = new Set(
    (await http.get(`${CM}?labelSelector=run%3Dr1`)).body.items.map((i: any) => i.metadata.name),
  );
  for (const n of acknowledged) expect(names.has(n), `${n} was acknowledged`).toBe(true);

  // Resume from the last event the first watch saw: together the two streams hold each
  // stored object's ADDED exactly once, in resourceVersion order.
  const lastSeen = first.events.at(-1)?.object.metadata.resourceVersion ?? startRv;
  const resumed = watch(cp.url, `${CM}?watch=true&resourceVersion=${lastSeen}&labelSelector=run%3Dr1`);
  try {
    await expect
      .poll(() => first.events.length + resumed.events.length, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(names.size);
    const all = [...first.events, ...resumed.events];
    expect(all.every((e) => e.type === 'ADDED')).toBe(true);
    const added = all.map((e) => e.object.metadata.name);
    expect(new Set(added).size).toBe(added.length);
    expect(new Set(added)).toEqual(names);
    const rvs = all.map((e) => Number(e.object.metadata.resourceVersion));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
  } finally {
    resumed.stop();
  }
});
