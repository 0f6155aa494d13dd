// The other controllers end to end, driven by the real kubectl: ReplicationController,
// endpoints and EndpointSlices, garbage collection, namespace deletion, default ServiceAccounts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, deploymentYaml, getJson, run, startCluster, waitUntil } from './controller-cluster';

let c: Cluster;

beforeAll(async () => {
  c = await startCluster({ name: 'ctrl', nodes: ['node-a', 'node-b'] });
  await waitUntil('2 nodes', async () => (await getJson(c.k, ['get', 'nodes'])).items.length === 2);
});
afterAll(async () => {
  await c?.stop();
});

const live = (items: any[]) => items.filter((p) => !p.metadata.deletionTimestamp);
const podNames = async (selector: string, ns = 'default') =>
  live((await getJson(c.k, ['get', 'pods', '-n', ns, '-l', selector])).items)
    .map((p: any) => p.metadata.name)
    .sort();

describe('controllers', () => {
  it('a ReplicationController replaces a deleted pod', async () => {
    await run(
      c.k,
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: ReplicationController
metadata: {name: nginx}
spec:
  replicas: 2
  selector: {app: nginx}
  template:
    metadata: {labels: {app: nginx}}
    spec: {containers: [{name: nginx, image: nginx}]}
`,
    );
    await expect.poll(() => podNames('app=nginx'), { timeout: 60_000 }).toHaveLength(2);
    const [victim] = await podNames('app=nginx');
    await run(c.k, ['delete', 'pod', victim, '--wait=false']);
    await expect
      .poll(
        async () => {
          const names = await podNames('app=nginx');
          return names.length === 2 && !names.includes(victim);
        },
        { timeout: 60_000 },
      )
      .toBe(true);
    const rc = await getJson(c.k27, ['get', 'rc', 'nginx']);
    await expect
      .poll(async () => (await getJson(c.k27, ['get', 'rc', 'nginx'])).status.readyReplicas, {
        timeout: 30_000,
      })
      .toBe(2);
    expect(rc.status.replicas).toBe(2);
  });

  it('Endpoints and EndpointSlices follow the ready pods behind a service; describe shows them', async () => {
    await run(c.k, ['expose', 'rc', 'nginx', '--port=80']);
    await expect
      .poll(
        async () => {
          const ep = await getJson(c.k, ['get', 'endpoints', 'nginx']);
          return (ep.subsets?.[0]?.addresses ?? []).length;
        },
        { timeout: 30_000 },
      )
      .toBe(2);
    const slices = (await getJson(c.k, ['get', 'endpointslices', '-l', 'kubernetes.io/service-name=nginx']))
      .items;
    expect(slices).toHaveLength(1);
    expect(slices[0].endpoints.filter((e: any) => e.conditions.ready)).toHaveLength(2);
    for (const k of [c.k, c.k27]) {
      const out = await run(k, ['describe', 'service', 'nginx']);
      expect(out).toMatch(/Endpoints:\s+\d+\.\d+\.\d+\.\d+:80,\d+\.\d+\.\d+\.\d+:80/);
    }
    // Scale down: the endpoints shrink with it.
    await run(c.k, ['scale', 'rc', 'nginx', '--replicas=1']);
    await expect
      .poll(
        async () =>
          ((await getJson(c.k, ['get', 'endpoints', 'nginx'])).subsets?.[0]?.addresses ?? []).length,
        { timeout: 30_000 },
      )
      .toBe(1);
  });

  it('deleting a deployment removes its ReplicaSets and pods (garbage collector)', async () => {
    await run(c.k, ['apply', '-f', '-'], deploymentYaml('gc', 3, 'nginx:1.25'));
    await expect.poll(() => podNames('app=gc'), { timeout: 60_000 }).toHaveLength(3);
    await run(c.k, ['delete', 'deployment', 'gc']);
    await expect
      .poll(async () => (await getJson(c.k, ['get', 'rs', '-l', 'app=gc'])).items.length, { timeout: 60_000 })
      .toBe(0);
    await expect.poll(() => podNames('app=gc'), { timeout: 60_000 }).toEqual([]);
  });

  it('kubectl delete --cascade=orphan leaves the pods, without owner', async () => {
    await run(c.k, ['apply', '-f', '-'], deploymentYaml('keep', 2, 'nginx:1.25'));
    await expect.poll(() => podNames('app=keep'), { timeout: 60_000 }).toHaveLength(2);
    await run(c.k, ['delete', 'deployment', 'keep', '--cascade=orphan']);
    await expect
      .poll(
        async () =>
          (await getJson(c.k, ['get', 'rs', '-l', 'app=keep'])).items.every(
            (rs: any) => !rs.metadata.ownerReferences?.length,
          ),
        { timeout: 30_000 },
      )
      .toBe(true);
    await run(c.k, ['delete', 'rs', '-l', 'app=keep', '--cascade=orphan']);
    await expect
      .poll(async () => (await getJson(c.k, ['get', 'rs', '-l', 'app=keep'])).items.length, {
        timeout: 30_000,
      })
      .toBe(0);
    const pods = live((await getJson(c.k, ['get', 'pods', '-l', 'app=keep'])).items);
    expect(pods).toHaveLength(2);
    await expect
      .poll(
        async () =>
          live((await getJson(c.k, ['get', 'pods', '-l', 'app=keep'])).items).every(
            (p: any) => !p.metadata.ownerReferences?.length,
          ),
        { timeout: 30_000 },
      )
      .toBe(true);
  });

  it('a new namespace gets a default ServiceAccount; deleting it removes everything inside', async () => {
    await run(
      c.k,
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: Namespace
metadata: {name: team}
`,
    );
    await expect
      .poll(async () => (await c.k(['get', 'serviceaccount', 'default', '-n', 'team'])).code, {
        timeout: 30_000,
      })
      .toBe(0);
    await run(c.k, ['apply', '-n', 'team', '-f', '-'], deploymentYaml('app', 2, 'nginx:1.25'));
    await run(
      c.k,
      ['apply', '-n', 'team', '-f', '-'],
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: b}\n',
    );
    await expect.poll(() => podNames('app=app', 'team'), { timeout: 60_000 }).toHaveLength(2);
    await run(c.k, ['delete', 'namespace', 'team', '--wait=false']);
    await expect
      .poll(async () => (await c.k(['get', 'namespace', 'team'])).code, { timeout: 90_000, interval: 1000 })
      .not.toBe(0);
    const gone = await c.k(['get', 'namespace', 'team']);
    expect(gone.stderr).toContain('NotFound');
  });
});

describe('the controller-manager process', () => {
  it('componentstatuses shows it Healthy, and /metrics counts its syncs', async () => {
    const out = await run(c.k27, ['get', 'componentstatuses']);
    expect(out).toMatch(/controller-manager\s+Healthy/);
    const metrics = await (await fetch(`http://127.0.0.1:${c.cmPort}/metrics`)).text();
    expect(metrics).toMatch(
      /controller_manager_syncs_total\{controller="replicaset",result="success"\} [1-9]/,
    );
  });

  it('a second controller-manager waits for the Lease and takes over when the leader dies', async () => {
    const holder = async () =>
      (await getJson(c.k, ['get', 'lease', '-n', 'kube-system', 'kube-controller-manager'])).spec
        .holderIdentity;
    const first = await holder();
    expect(first).toBeTruthy();
    const standby = c.startControllerManager('standby');
    await new Promise((r) => setTimeout(r, 3000));
    expect(await holder()).toBe(first);
    await c.cm.kill(); // a crash: the Lease is not released, the standby waits out its duration
    await expect.poll(holder, { timeout: 45_000, interval: 1000 }).not.toBe(first);
    // The new leader runs the controllers: a scale is carried out.
    await run(c.k, ['scale', 'rc', 'nginx', '--replicas=3']);
    await expect.poll(() => podNames('app=nginx'), { timeout: 60_000 }).toHaveLength(3);
    await standby.stop();
  });
});
