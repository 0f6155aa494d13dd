// Controllers for stateful and hand-wired workloads end to end, driven by the real kubectl:
// EndpointSlice mirroring (a selector-less Service with hand-written Endpoints), the disruption
// controller (PodDisruptionBudget status) and the StatefulSet controller, with the
// controller-manager, the scheduler and hollow nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, deploymentYaml, getJson, run, startCluster, waitUntil } from './controller-cluster';

let c: Cluster;

beforeAll(async () => {
  c = await startCluster({ name: 'stateful', nodes: ['node-a', 'node-b'] });
  await waitUntil('2 nodes', async () => (await getJson(c.k, ['get', 'nodes'])).items.length === 2);
});
afterAll(async () => {
  await c?.stop();
});

const mirrored = async () =>
  (
    await getJson(c.k, [
      'get',
      'endpointslices',
      '-l',
      'kubernetes.io/service-name=db,endpointslice.kubernetes.io/managed-by=endpointslicemirroring-controller.k8s.io',
    ])
  ).items;

describe('EndpointSlice mirroring', () => {
  it('mirrors hand-written Endpoints of a selector-less Service; describe svc (1.33) shows them', async () => {
    await run(
      c.k,
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  ports: [{name: pg, port: 5432}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: db}
subsets:
- addresses: [{ip: 192.0.2.10}, {ip: 192.0.2.11}]
  ports: [{name: pg, port: 5432}]
`,
    );
    await expect
      .poll(async () => (await mirrored()).flatMap((s: any) => s.endpoints.map((e: any) => e.addresses[0])), {
        timeout: 30_000,
      })
      .toEqual(['192.0.2.10', '192.0.2.11']);
    const out = await run(c.k, ['describe', 'svc', 'db']);
    expect(out).toMatch(/Endpoints:\s+192\.0\.2\.10:5432,192\.0\.2\.11:5432/);

    // Editing the Endpoints updates the mirror; deleting them deletes it.
    await run(c.k, [
      'patch',
      'endpoints',
      'db',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/subsets/0/addresses","value":[{"ip":"192.0.2.12"}]}]',
    ]);
    await expect
      .poll(async () => (await mirrored()).flatMap((s: any) => s.endpoints.map((e: any) => e.addresses[0])), {
        timeout: 30_000,
      })
      .toEqual(['192.0.2.12']);
    expect(await run(c.k, ['describe', 'svc', 'db'])).toMatch(/Endpoints:\s+192\.0\.2\.12:5432\n/);
    await run(c.k, ['delete', 'endpoints', 'db']);
    await expect.poll(async () => (await mirrored()).length, { timeout: 30_000 }).toBe(0);
  });
});

describe('disruption controller', () => {
  it('writes PodDisruptionBudget status from the Deployment scale and the ready pods', async () => {
    await run(c.k, ['apply', '-f', '-'], deploymentYaml('guarded', 3, 'nginx:1.25'));
    await run(
      c.k,
      ['apply', '-f', '-'],
      `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: guarded}
spec:
  maxUnavailable: 34%
  selector: {matchLabels: {app: guarded}}
`,
    );
    // 34% of 3 rounds up to 2 unavailable: desiredHealthy 1, so 2 disruptions once all 3 are ready.
    const status = async () => (await getJson(c.k, ['get', 'pdb', 'guarded'])).status ?? {};
    await expect.poll(async () => (await status()).disruptionsAllowed, { timeout: 60_000 }).toBe(2);
    expect(await status()).toMatchObject({
      expectedPods: 3,
      desiredHealthy: 1,
      currentHealthy: 3,
      observedGeneration: 1,
      conditions: [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' }],
    });
    // Tighten the budget: the new generation is observed and nothing may be disrupted.
    await run(c.k, ['patch', 'pdb', 'guarded', '--type=merge', '-p', '{"spec":{"maxUnavailable":0}}']);
    await expect
      .poll(
        async () => {
          const s = await status();
          return [s.observedGeneration, s.disruptionsAllowed, s.conditions?.[0]?.reason];
        },
        { timeout: 30_000 },
      )
      .toEqual([2, 0, 'InsufficientPods']);
  });
});
