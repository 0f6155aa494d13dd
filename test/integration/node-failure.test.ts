// The classic failure walk-through, shortened: a node's kubelet dies (its hollow-node process
// is killed), the node lifecycle controller marks it NotReady after the grace period, taints it
// unreachable:NoExecute, its pods are evicted when their toleration (5 s here, 300 s by default)
// runs out, and the Deployment rebuilds them on the surviving nodes. Flags are shortened
// (--node-monitor-grace-period=10s, --default-unreachable-toleration-seconds=5) so the test
// takes seconds; the measured timings are printed and written to
// .nodekube/test-logs/node-failure-timings.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_DIR } from '../support/process';
import { type Cluster, deploymentYaml, getJson, run, startCluster, waitUntil } from './controller-cluster';

let c: Cluster;
const GRACE_S = 10;
const TOLERATION_S = 5;

beforeAll(async () => {
  c = await startCluster({
    name: 'nodefail',
    nodes: ['node-a', 'node-b', 'node-c'],
    cmFlags: [`--node-monitor-grace-period=${GRACE_S}s`, '--node-monitor-period=1s'],
    apiFlags: [`--default-unreachable-toleration-seconds=${TOLERATION_S}`],
  });
  await waitUntil('3 nodes', async () => (await getJson(c.k, ['get', 'nodes'])).items.length === 3);
});
afterAll(async () => {
  await c?.stop();
});

const api = async (path: string) => (await (await fetch(`${c.cp.url}${path}`)).json()) as any;
const livePods = async () =>
  (await api('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).items.filter(
    (p: any) => !p.metadata.deletionTimestamp,
  );
const readyOf = (node: any) => node.status?.conditions?.find((x: any) => x.type === 'Ready')?.status;

describe('node failure', () => {
  it('a dead node goes NotReady, its pods are evicted and rebuilt elsewhere, the deployment recovers', async () => {
    await run(c.k, ['apply', '-f', '-'], deploymentYaml('web', 6, 'nginx:1.25'));
    expect(await run(c.k, ['rollout', 'status', 'deployment/web', '--timeout=90s'])).toContain(
      'successfully rolled out',
    );
    const onC = (await livePods())
      .filter((p: any) => p.spec.nodeName === 'node-c')
      .map((p: any) => p.metadata.name);
    expect(onC.length).toBeGreaterThan(0);

    const t0 = Date.now();
    await c.killNode('node-c');
    const at: Record<string, number> = {};
    const mark = (k: string) => {
      at[k] ??= (Date.now() - t0) / 1000;
    };

    await expect
      .poll(async () => readyOf(await api('/api/v1/nodes/node-c')), {
        timeout: (GRACE_S + 20) * 1000,
        interval: 250,
      })
      .toBe('Unknown');
    mark('notReadySeconds');
    // The taint is a second write after the status one: poll for it.
    await expect
      .poll(
        async () =>
          ((await api('/api/v1/nodes/node-c')).spec.taints ?? []).map((t: any) => `${t.key}:${t.effect}`),
        { timeout: 10_000, interval: 250 },
      )
      .toContain('node.kubernetes.io/unreachable:NoExecute');
    expect((await run(c.k, ['get', 'node', 'node-c'])).split('\n')[1]).toMatch(/NotReady/);

    await expect
      .poll(async () => (await livePods()).filter((p: any) => p.spec.nodeName === 'node-c').length, {
        timeout: (TOLERATION_S + 20) * 1000,
        interval: 250,
      })
      .toBe(0);
    mark('evictedSeconds');

    await expect
      .poll(
        async () => {
          const pods = await livePods();
          const ready = pods.filter(
            (p: any) =>
              p.spec.nodeName &&
              p.status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True'),
          );
          return ready.length === 6 && ready.every((p: any) => p.spec.nodeName !== 'node-c');
        },
        { timeout: 60_000, interval: 250 },
      )
      .toBe(true);
    mark('rescheduledSeconds');
    await expect
      .poll(
        async () => (await api('/apis/apps/v1/namespaces/default/deployments/web')).status.availableReplicas,
        { timeout: 30_000, interval: 250 },
      )
      .toBe(6);
    mark('deploymentAvailableSeconds');

    const timings = { graceSeconds: GRACE_S, tolerationSeconds: TOLERATION_S, ...at };
    console.log(`node-failure timings: ${JSON.stringify(timings)}`);
    mkdirSync(LOG_DIR, { recursive: true });
    writeFileSync(join(LOG_DIR, 'node-failure-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
    // Detection cannot be earlier than the grace period; eviction not earlier than the toleration after it.
    expect(at.notReadySeconds).toBeGreaterThanOrEqual(GRACE_S - 2);
    expect(at.evictedSeconds).toBeGreaterThanOrEqual(at.notReadySeconds);

    // The node comes back: Ready again, taints gone.
    await c.addNode('node-c');
    await expect
      .poll(async () => readyOf(await api('/api/v1/nodes/node-c')), { timeout: 60_000, interval: 500 })
      .toBe('True');
    await expect
      .poll(async () => ((await api('/api/v1/nodes/node-c')).spec.taints ?? []).length, {
        timeout: 30_000,
        interval: 500,
      })
      .toBe(0);
  });
});
