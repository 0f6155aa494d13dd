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

const podsOf = async (selector: string) => (await getJson(c.k, ['get', 'pods', '-l', selector])).items as any[];
const running = (pods: any[]) => pods.filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp);

describe('Deployment', () => {
  it('a 6-replica deployment spreads over the 3 nodes and reports itself available', async () => {
    await run(c.k, ['apply', '-f', '-'], deploymentYaml('web', 6, 'nginx:1.25'));
    await expect.poll(async () => running(await podsOf('app=web')).length, { timeout: 60_000, interval: 1000 }).toBe(6);
    const nodes = new Set(running(await podsOf('app=web')).map((p) => p.spec.nodeName));
    expect([...nodes].sort()).toEqual(['node-a', 'node-b', 'node-c']);
    const out = await run(c.k, ['rollout', 'status', 'deployment/web', '--timeout=60s']);
    expect(out).toContain('successfully rolled out');
    const d = await getJson(c.k, ['get', 'deployment', 'web']);
    expect(d.status).toMatchObject({ replicas: 6, updatedReplicas: 6, availableReplicas: 6, observedGeneration: d.metadata.generation });
  });
});
