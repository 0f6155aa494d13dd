import { describe, expect, it } from 'vitest';
import { R } from '../../../api/resources';
import { pod } from '../../testing/builders';
import { fakeContext, summarize } from '../../testing/fakes';
import { newDisruptionController } from './disruption';

const pdb = (spec: Record<string, unknown>, status?: unknown) => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web', namespace: 'default', uid: 'pdb-uid', generation: 2 },
  spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
  status,
});

// A Deployment of 4 whose pods sit in two ReplicaSets (mid-rollout): its scale counts once.
function seedDeployment(ctx: ReturnType<typeof fakeContext>) {
  ctx.informers.seed(R.deployments, [
    { metadata: { name: 'web', namespace: 'default', uid: 'd-uid' }, spec: { replicas: 4 } },
  ]);
  const rsOf = (name: string) => ({
    metadata: {
      name,
      namespace: 'default',
      uid: `${name}-uid`,
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true },
      ],
    },
    spec: { replicas: 2 },
  });
  ctx.informers.seed(R.replicasets, [rsOf('web-old'), rsOf('web-new')]);
  const owner = (rs: string) => ({ kind: 'ReplicaSet', name: rs, uid: `${rs}-uid` });
  ctx.informers.seed(R.pods, [
    pod('web-old-a', { labels: { app: 'web' }, owner: owner('web-old'), node: 'n1', ready: true }),
    pod('web-old-b', { labels: { app: 'web' }, owner: owner('web-old'), node: 'n1', ready: true }),
    pod('web-new-a', { labels: { app: 'web' }, owner: owner('web-new'), node: 'n1', ready: true }),
    pod('web-new-b', { labels: { app: 'web' }, owner: owner('web-new'), node: 'n1', ready: false }),
    pod('db', { labels: { app: 'db' }, node: 'n1', ready: true }),
  ]);
}

describe('disruption sync', () => {
  it('maxUnavailable 1 of a Deployment of 4 with 3 ready → 1 disruption allowed', async () => {
    const ctx = fakeContext();
    seedDeployment(ctx);
    ctx.informers.seed(R.poddisruptionbudgets, [pdb({ maxUnavailable: 1 })]);
    await newDisruptionController(ctx).sync('default/web');
    expect(summarize(ctx.client.actions)).toEqual(['update poddisruptionbudgets/status default/web']);
    expect(ctx.client.actions[0].body.status).toMatchObject({
      expectedPods: 4,
      desiredHealthy: 3,
      currentHealthy: 3,
      disruptionsAllowed: 0,
      observedGeneration: 2,
      conditions: [{ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' }],
    });
  });

  it('minAvailable 2 over bare pods counts the pods; writes nothing when the status holds', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.pods, [
      pod('a', { labels: { app: 'web' }, node: 'n1', ready: true }),
      pod('b', { labels: { app: 'web' }, node: 'n1', ready: true }),
      pod('c', { labels: { app: 'web' }, node: 'n1', ready: true }),
    ]);
    ctx.informers.seed(R.poddisruptionbudgets, [pdb({ minAvailable: 2 })]);
    const c = newDisruptionController(ctx);
    await c.sync('default/web');
    const written = ctx.client.actions[0].body;
    expect(written.status).toMatchObject({
      expectedPods: 3,
      desiredHealthy: 2,
      currentHealthy: 3,
      disruptionsAllowed: 1,
      conditions: [{ status: 'True', reason: 'SufficientPods' }],
    });
    ctx.informers.seed(R.poddisruptionbudgets, [written]);
    ctx.client.actions.length = 0;
    await c.sync('default/web');
    expect(ctx.client.actions).toEqual([]);
  });

  it('an evicted pod stops counting until its entry expires, and the PDB is rechecked then', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.pods, [
      pod('a', { labels: { app: 'web' }, node: 'n1', ready: true }),
      pod('b', { labels: { app: 'web' }, node: 'n1', ready: true }),
    ]);
    ctx.informers.seed(R.poddisruptionbudgets, [
      pdb(
        { minAvailable: 1 },
        { disruptedPods: { a: '2025-12-31T23:59:30Z', gone: '2025-12-31T23:59:30Z' } },
      ),
    ]);
    await newDisruptionController(ctx).sync('default/web');
    expect(ctx.client.actions[0].body.status).toMatchObject({
      currentHealthy: 1,
      disruptionsAllowed: 0,
      disruptedPods: { a: '2025-12-31T23:59:30Z' },
    });
    expect(ctx.queue.delayed).toEqual([{ key: 'default/web', delayMs: 90_000 }]);
  });

  it('a percentage over pods of a Job cannot be scaled: fails safe with SyncFailed', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.pods, [
      pod('job-a', {
        labels: { app: 'web' },
        owner: { kind: 'Job', name: 'j', uid: 'j-uid' },
        node: 'n1',
        ready: true,
      }),
    ]);
    ctx.informers.seed(R.poddisruptionbudgets, [pdb({ minAvailable: '50%' })]);
    await newDisruptionController(ctx).sync('default/web');
    expect(ctx.client.actions[0].body.status).toMatchObject({
      disruptionsAllowed: 0,
      conditions: [
        { status: 'False', reason: 'SyncFailed', message: 'found no controllers for pod "job-a"' },
      ],
    });
    expect(ctx.recorder.events.map((e) => e.reason)).toEqual(['CalculateExpectedPodCountFailed']);
  });

  it('a pod event wakes the PDBs that select it', () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.poddisruptionbudgets, [pdb({ minAvailable: 1 })]);
    newDisruptionController(ctx);
    ctx.queue.added.length = 0;
    ctx.informers.seed(R.pods, [pod('x', { labels: { app: 'web' } }), pod('y', { labels: { app: 'db' } })]);
    expect(ctx.queue.added).toEqual(['default/web']);
  });
});
