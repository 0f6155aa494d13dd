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

describe('StatefulSet', () => {
  const pods = async () =>
    (await getJson(c.k, ['get', 'pods', '-l', 'app=web'])).items.filter(
      (p: any) => !p.metadata.deletionTimestamp,
    );
  const readyAt = (p: any) =>
    Date.parse(
      p.status?.conditions?.find((x: any) => x.type === 'Ready' && x.status === 'True')?.lastTransitionTime,
    );

  it('creates web-0, web-1, web-2 in order, each after the previous is Ready; rollout status completes', async () => {
    await run(
      c.k,
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: Service
metadata: {name: web}
spec: {clusterIP: None, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: "nginx:1.25"}]}
`,
    );
    expect(await run(c.k, ['rollout', 'status', 'statefulset/web', '--timeout=90s'])).toContain(
      'partitioned roll out complete: 3 new pods have been updated',
    );
    const byName = new Map<string, any>((await pods()).map((p: any) => [p.metadata.name, p]));
    expect([...byName.keys()].sort()).toEqual(['web-0', 'web-1', 'web-2']);
    for (const [prev, next] of [
      ['web-0', 'web-1'],
      ['web-1', 'web-2'],
    ]) {
      // RFC 3339 seconds: created no earlier than the second its predecessor became Ready.
      expect(Date.parse(byName.get(next).metadata.creationTimestamp)).toBeGreaterThanOrEqual(
        readyAt(byName.get(prev)),
      );
    }
    const web1 = byName.get('web-1');
    expect(web1.spec).toMatchObject({ hostname: 'web-1', subdomain: 'web' });
    expect(web1.metadata.labels['statefulset.kubernetes.io/pod-name']).toBe('web-1');
    const sts = await getJson(c.k, ['get', 'statefulset', 'web']);
    expect(sts.status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      observedGeneration: 1,
    });
    expect(sts.status.currentRevision).toBe(sts.status.updateRevision);
    expect(web1.metadata.labels['controller-revision-hash']).toBe(sts.status.updateRevision);
  });

  it('rolls a new image out from the highest ordinal down; history and undo go through ControllerRevisions', async () => {
    const before = new Map((await pods()).map((p: any) => [p.metadata.name, p.metadata.uid]));
    await run(c.k, ['set', 'image', 'statefulset/web', 'nginx=nginx:1.26']);
    expect(await run(c.k, ['rollout', 'status', 'statefulset/web', '--timeout=120s'])).toContain(
      'partitioned roll out complete: 3 new pods have been updated',
    );
    const after = await pods();
    expect(after.map((p: any) => p.spec.containers[0].image)).toEqual([
      'nginx:1.26',
      'nginx:1.26',
      'nginx:1.26',
    ]);
    // Replaced highest first: web-2 was recreated before web-1, web-1 before web-0.
    const created = (n: string) =>
      Date.parse(after.find((p: any) => p.metadata.name === n).metadata.creationTimestamp);
    expect(created('web-2')).toBeLessThanOrEqual(created('web-1'));
    expect(created('web-1')).toBeLessThanOrEqual(created('web-0'));
    expect(after.every((p: any) => before.get(p.metadata.name) !== p.metadata.uid)).toBe(true);

    const history = await run(c.k, ['rollout', 'history', 'statefulset/web']);
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+\S+\n2\s+\S+/);
    await run(c.k, ['rollout', 'undo', 'statefulset/web']);
    await expect
      .poll(async () => (await pods()).map((p: any) => p.spec.containers[0].image).join(','), {
        timeout: 120_000,
      })
      .toBe('nginx:1.25,nginx:1.25,nginx:1.25');
    const sts = await getJson(c.k, ['get', 'statefulset', 'web']);
    const revs = (await getJson(c.k, ['get', 'controllerrevisions', '-l', 'app=web'])).items;
    // Undo made revision 1's template revision 3, the newest; no third object appeared.
    expect(revs.map((r: any) => r.revision).sort()).toEqual([2, 3]);
    expect(revs.find((r: any) => r.revision === 3).metadata.name).toBe(sts.status.updateRevision);
  });

  it('partition 2 updates only web-2; scaling down removes the highest ordinal first', async () => {
    await run(c.k, [
      'patch',
      'statefulset',
      'web',
      '--type=merge',
      '-p',
      '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}},"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}}',
    ]);
    await expect
      .poll(
        async () =>
          (await pods()).map((p: any) => `${p.metadata.name}=${p.spec.containers[0].image}`).join(','),
        {
          timeout: 60_000,
        },
      )
      .toBe('web-0=nginx:1.25,web-1=nginx:1.25,web-2=nginx:1.27');
    expect(await run(c.k, ['rollout', 'status', 'statefulset/web', '--timeout=60s'])).toContain(
      'partitioned roll out complete: 1 new pods have been updated',
    );
    const status = (await getJson(c.k, ['get', 'statefulset', 'web'])).status;
    expect([status.currentReplicas, status.updatedReplicas]).toEqual([2, 1]);

    await run(c.k, ['scale', 'statefulset', 'web', '--replicas=1']);
    const seen: string[] = [];
    await expect
      .poll(
        async () => {
          const names = (await pods()).map((p: any) => p.metadata.name).join(',');
          if (seen.at(-1) !== names) seen.push(names);
          return names;
        },
        { timeout: 60_000, interval: 200 },
      )
      .toBe('web-0');
    // web-2 went first; web-1 never went while web-2 was still there.
    expect(seen).not.toContain('web-0,web-2');
  });

  it('Parallel starts every pod at once; OnDelete replaces a pod only when it is deleted', async () => {
    await run(
      c.k,
      ['apply', '-f', '-'],
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: par}
spec:
  serviceName: par
  replicas: 3
  podManagementPolicy: Parallel
  updateStrategy: {type: OnDelete}
  selector: {matchLabels: {app: par}}
  template:
    metadata: {labels: {app: par}}
    spec: {containers: [{name: c, image: "busybox:1.36"}]}
`,
    );
    const parPods = async () =>
      (await getJson(c.k, ['get', 'pods', '-l', 'app=par'])).items.filter(
        (p: any) => !p.metadata.deletionTimestamp,
      );
    await expect
      .poll(async () => (await parPods()).filter((p: any) => readyAt(p)).length, { timeout: 60_000 })
      .toBe(3);
    const first = await parPods();
    // All three were created before any of them became Ready.
    const lastCreated = Math.max(...first.map((p: any) => Date.parse(p.metadata.creationTimestamp)));
    expect(lastCreated).toBeLessThanOrEqual(Math.min(...first.map(readyAt)));

    await run(c.k, ['set', 'image', 'statefulset/par', 'c=busybox:1.37']);
    await expect
      .poll(async () => (await getJson(c.k, ['get', 'statefulset', 'par'])).status?.observedGeneration, {
        timeout: 30_000,
      })
      .toBe(2);
    const images = async () =>
      (await parPods()).map((p: any) => `${p.metadata.name}=${p.spec.containers[0].image}`);
    expect(await images()).toEqual(['par-0=busybox:1.36', 'par-1=busybox:1.36', 'par-2=busybox:1.36']);
    await run(c.k, ['delete', 'pod', 'par-1']);
    await expect
      .poll(images, { timeout: 60_000 })
      .toEqual(['par-0=busybox:1.36', 'par-1=busybox:1.37', 'par-2=busybox:1.36']);
    const status = (await getJson(c.k, ['get', 'statefulset', 'par'])).status;
    expect([status.currentReplicas, status.updatedReplicas]).toEqual([2, 1]);
  });
});
