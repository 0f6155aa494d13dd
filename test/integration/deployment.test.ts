// Deployments end to end: the real kubectl (1.33 and 1.27) against the real apiserver, with
// the controller-manager, the scheduler and three hollow nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, deploymentYaml, getJson, run, startCluster, waitUntil } from './controller-cluster';

let c: Cluster;

beforeAll(async () => {
  c = await startCluster({ name: 'deploy', nodes: ['node-a', 'node-b', 'node-c'] });
  await waitUntil('3 nodes', async () => (await getJson(c.k, ['get', 'nodes'])).items.length === 3);
});
afterAll(async () => {
  await c?.stop();
});

const podsOf = async (selector: string) =>
  (await getJson(c.k, ['get', 'pods', '-l', selector])).items as any[];
const running = (pods: any[]) =>
  pods.filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp);

describe('Deployment', () => {
  it('a 6-replica deployment spreads over the 3 nodes and reports itself available', async () => {
    await run(c.k, ['apply', '-f', '-'], deploymentYaml('web', 6, 'nginx:1.25'));
    await expect
      .poll(async () => running(await podsOf('app=web')).length, { timeout: 60_000, interval: 1000 })
      .toBe(6);
    const nodes = new Set(running(await podsOf('app=web')).map((p) => p.spec.nodeName));
    expect([...nodes].sort()).toEqual(['node-a', 'node-b', 'node-c']);
    const out = await run(c.k, ['rollout', 'status', 'deployment/web', '--timeout=60s']);
    expect(out).toContain('successfully rolled out');
    const d = await getJson(c.k, ['get', 'deployment', 'web']);
    expect(d.status).toMatchObject({
      replicas: 6,
      updatedReplicas: 6,
      availableReplicas: 6,
      observedGeneration: d.metadata.generation,
    });
  });
});

/** Ready, not-terminating pods of `app`, straight from the API (faster than a kubectl per sample). */
async function readyCount(app: string): Promise<number> {
  const res = await fetch(`${c.cp.url}/api/v1/namespaces/default/pods?labelSelector=app%3D${app}`);
  const list = (await res.json()) as any;
  return list.items.filter(
    (p: any) =>
      !p.metadata.deletionTimestamp &&
      p.status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True'),
  ).length;
}

const imagesOf = async (app: string) =>
  [...new Set(running(await podsOf(`app=${app}`)).map((p) => p.spec.containers[0].image))].sort();

describe('rollouts with kubectl', () => {
  it('set image rolls with maxSurge 1 / maxUnavailable 0 and never drops below 6 ready pods', async () => {
    await expect.poll(() => readyCount('web'), { timeout: 30_000 }).toBe(6);
    let min = 6;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        min = Math.min(min, await readyCount('web'));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await run(c.k, ['set', 'image', 'deployment/web', 'main=nginx:1.26']);
    const out = await run(c.k, ['rollout', 'status', 'deployment/web', '--timeout=120s']);
    sampling = false;
    await sampler;
    expect(out).toContain('successfully rolled out');
    expect(min).toBeGreaterThanOrEqual(6);
    await expect.poll(() => imagesOf('web'), { timeout: 30_000 }).toEqual(['nginx:1.26']);
    const rss = (await getJson(c.k, ['get', 'rs', '-l', 'app=web'])).items;
    expect(
      rss
        .map((rs: any) => [rs.metadata.annotations['deployment.kubernetes.io/revision'], rs.spec.replicas])
        .sort(),
    ).toEqual([
      ['1', 0],
      ['2', 6],
    ]);
  });

  it('rollout history lists both revisions (kubectl 1.27 and 1.33)', async () => {
    for (const k of [c.k, c.k27]) {
      const out = await run(k, ['rollout', 'history', 'deployment/web']);
      expect(out).toMatch(/^1\s/m);
      expect(out).toMatch(/^2\s/m);
    }
  });

  it('rollout undo --to-revision=1 brings the first template back as revision 3', async () => {
    await run(c.k, ['rollout', 'undo', 'deployment/web', '--to-revision=1']);
    expect(await run(c.k, ['rollout', 'status', 'deployment/web', '--timeout=120s'])).toContain(
      'successfully rolled out',
    );
    await expect.poll(() => imagesOf('web'), { timeout: 30_000 }).toEqual(['nginx:1.25']);
    const d = await getJson(c.k, ['get', 'deployment', 'web']);
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
    // The old ReplicaSet came back; no third one was made for the same template.
    const rss = (await getJson(c.k, ['get', 'rs', '-l', 'app=web'])).items;
    expect(
      rss
        .map((rs: any) => [
          rs.metadata.annotations['deployment.kubernetes.io/revision'],
          rs.spec.template.spec.containers[0].image,
        ])
        .sort(),
    ).toEqual([
      ['2', 'nginx:1.26'],
      ['3', 'nginx:1.25'],
    ]);
    const history = await run(c.k27, ['rollout', 'history', 'deployment/web']);
    expect(history).toMatch(/^2\s/m);
    expect(history).toMatch(/^3\s/m);
  });

  it('a paused deployment does not roll until resumed', async () => {
    await run(c.k, ['rollout', 'pause', 'deployment/web']);
    await run(c.k, ['set', 'image', 'deployment/web', 'main=nginx:1.27']);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await imagesOf('web')).toEqual(['nginx:1.25']);
    expect((await getJson(c.k, ['get', 'rs', '-l', 'app=web'])).items).toHaveLength(2);
    await run(c.k, ['rollout', 'resume', 'deployment/web']);
    expect(await run(c.k, ['rollout', 'status', 'deployment/web', '--timeout=120s'])).toContain(
      'successfully rolled out',
    );
    await expect.poll(() => imagesOf('web'), { timeout: 30_000 }).toEqual(['nginx:1.27']);
  });

  it('kubectl scale resizes it', async () => {
    await run(c.k, ['scale', 'deployment/web', '--replicas=3']);
    await expect.poll(async () => running(await podsOf('app=web')).length, { timeout: 60_000 }).toBe(3);
    await run(c.k27, ['scale', 'deployment/web', '--replicas=5']);
    await expect.poll(async () => running(await podsOf('app=web')).length, { timeout: 60_000 }).toBe(5);
    expect(await run(c.k, ['rollout', 'status', 'deployment/web', '--timeout=60s'])).toContain(
      'successfully rolled out',
    );
  });

  it('kubectl describe deployment shows the ScalingReplicaSet events', async () => {
    const out = await run(c.k, ['describe', 'deployment', 'web']);
    expect(out).toContain('ScalingReplicaSet');
    expect(out).toMatch(/Scaled up replica set web-\w+ from 0 to /);
  });
});
