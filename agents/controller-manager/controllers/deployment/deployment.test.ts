import { describe, expect, it } from 'vitest';
import { R } from '../../../api/resources';
import { fakeContext, summarize } from '../../testing/fakes';
import { newDeploymentController } from './deployment';
import { podTemplateHash } from './pod-template-hash';

const template = (image: string) => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image }] },
});

function deployment(replicas: number, image: string, extra: Record<string, any> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'd-uid',
      generation: 2,
      annotations: {} as Record<string, string>,
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: template(image),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      ...extra,
    },
    status: {},
  };
}

function replicaSet(
  image: string,
  revision: number,
  replicas: number,
  available: number,
  created = '2025-12-01T00:00:00Z',
) {
  const hash = podTemplateHash(template(image));
  const t = template(image);
  t.metadata.labels = { app: 'web', 'pod-template-hash': hash } as any;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${hash}`,
      namespace: 'default',
      uid: `rs-${image}`,
      creationTimestamp: created,
      labels: t.metadata.labels,
      annotations: {
        'deployment.kubernetes.io/revision': String(revision),
        'deployment.kubernetes.io/desired-replicas': '6',
        'deployment.kubernetes.io/max-replicas': '7',
      },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true },
      ],
    },
    spec: { replicas, selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } }, template: t },
    status: { replicas, readyReplicas: available, availableReplicas: available },
  };
}

describe('Deployment sync', () => {
  it('creates the first ReplicaSet at full size, named by the pod-template-hash, revision 1', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.deployments, [deployment(3, 'nginx:1.25')]);
    await newDeploymentController(ctx).sync('default/web');
    const hash = podTemplateHash(template('nginx:1.25'));
    expect(summarize(ctx.client.actions)).toEqual([
      `create replicasets default/web-${hash}`,
      'patch deployments default/web',
      'update deployments/status default/web',
    ]);
    const rs = ctx.client.actions[0].body;
    expect(rs.spec.replicas).toBe(3);
    expect(rs.spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec.template.metadata.labels['pod-template-hash']).toBe(hash);
    expect(rs.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    expect(ctx.client.actions[1].body).toEqual({
      metadata: { annotations: { 'deployment.kubernetes.io/revision': '1' } },
    });
    expect(ctx.recorder.events.map((e) => e.message)).toEqual([
      `Scaled up replica set web-${hash} from 0 to 3`,
    ]);
  });

  it('maxSurge 1 / maxUnavailable 0: first adds one new pod, never removing an old one', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.deployments, [deployment(6, 'nginx:1.26')]);
    ctx.informers.seed(R.replicasets, [replicaSet('nginx:1.25', 1, 6, 6)]);
    await newDeploymentController(ctx).sync('default/web');
    const creates = ctx.client.actions.filter((a) => a.verb === 'create');
    expect(creates).toHaveLength(1);
    expect(creates[0].body.spec.replicas).toBe(1);
    expect(creates[0].body.metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');
    expect(ctx.client.actions.filter((a) => a.resource === 'replicasets' && a.verb === 'update')).toEqual([]);
  });

  it('once the new pod is available, removes one old pod, then adds the next new one', async () => {
    // 6 old + 1 new, all available: 7 = 6 + maxSurge, so the old ReplicaSet gives up one pod.
    const ctx = fakeContext();
    ctx.informers.seed(R.deployments, [deployment(6, 'nginx:1.26')]);
    const oldRS = replicaSet('nginx:1.25', 1, 6, 6);
    const newRS = replicaSet('nginx:1.26', 2, 1, 1, '2025-12-02T00:00:00Z');
    ctx.informers.seed(R.replicasets, [oldRS, newRS]);
    await newDeploymentController(ctx).sync('default/web');
    const scaled = ctx.client.actions.filter((a) => a.resource === 'replicasets' && a.verb === 'update');
    expect(scaled.map((a) => [a.name, a.body.spec.replicas])).toEqual([[oldRS.metadata.name, 5]]);
    expect(ctx.recorder.events.map((e) => e.message)).toEqual([
      `Scaled down replica set ${oldRS.metadata.name} from 6 to 5`,
    ]);

    // 5 old + 1 new: room for one more new pod.
    const ctx2 = fakeContext();
    ctx2.informers.seed(R.deployments, [deployment(6, 'nginx:1.26')]);
    ctx2.informers.seed(R.replicasets, [replicaSet('nginx:1.25', 1, 5, 5), newRS]);
    await newDeploymentController(ctx2).sync('default/web');
    const scaled2 = ctx2.client.actions.filter((a) => a.resource === 'replicasets' && a.verb === 'update');
    expect(scaled2.map((a) => [a.name, a.body.spec.replicas])).toEqual([[newRS.metadata.name, 2]]);
  });

  it('a scale with one active ReplicaSet resizes it and records the new desired count', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.deployments, [deployment(3, 'nginx:1.25')]);
    ctx.informers.seed(R.replicasets, [replicaSet('nginx:1.25', 1, 6, 6)]);
    await newDeploymentController(ctx).sync('default/web');
    const update = ctx.client.actions.find((a) => a.resource === 'replicasets' && a.verb === 'update')!;
    expect(update.body.spec.replicas).toBe(3);
    expect(update.body.metadata.annotations['deployment.kubernetes.io/desired-replicas']).toBe('3');
  });

  it('a paused Deployment with a new template creates nothing', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.deployments, [deployment(6, 'nginx:1.26', { paused: true })]);
    ctx.informers.seed(R.replicasets, [replicaSet('nginx:1.25', 1, 6, 6)]);
    await newDeploymentController(ctx).sync('default/web');
    expect(summarize(ctx.client.actions)).toEqual(['update deployments/status default/web']);
    expect(
      ctx.client.actions[0].body.status.conditions.find((c: any) => c.type === 'Progressing').reason,
    ).toBe('DeploymentPaused');
  });

  it('reports a complete rollout so kubectl rollout status can finish', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.deployments, [deployment(6, 'nginx:1.25', {})]);
    ctx.informers.seed(R.replicasets, [
      {
        ...replicaSet('nginx:1.25', 1, 6, 6),
        metadata: {
          ...replicaSet('nginx:1.25', 1, 6, 6).metadata,
          annotations: {
            'deployment.kubernetes.io/revision': '1',
            'deployment.kubernetes.io/desired-replicas': '6',
            'deployment.kubernetes.io/max-replicas': '7',
          },
        },
      },
    ]);
    await newDeploymentController(ctx).sync('default/web');
    const status = ctx.client.actions.find((a) => a.subresource === 'status')!.body.status;
    expect(status).toMatchObject({
      observedGeneration: 2,
      replicas: 6,
      updatedReplicas: 6,
      readyReplicas: 6,
      availableReplicas: 6,
      unavailableReplicas: 0,
    });
    expect(status.conditions.map((c: any) => [c.type, c.status, c.reason])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);
  });

  it('keeps revisionHistoryLimit old ReplicaSets scaled to zero and deletes older ones', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.deployments, [deployment(6, 'v4', { revisionHistoryLimit: 1 })]);
    ctx.informers.seed(R.replicasets, [
      replicaSet('v1', 1, 0, 0, '2025-12-01T00:00:00Z'),
      replicaSet('v2', 2, 0, 0, '2025-12-02T00:00:00Z'),
      replicaSet('v3', 3, 0, 0, '2025-12-03T00:00:00Z'),
      { ...replicaSet('v4', 4, 6, 6, '2025-12-04T00:00:00Z') },
    ]);
    await newDeploymentController(ctx).sync('default/web');
    const deleted = ctx.client.actions.filter((a) => a.verb === 'delete').map((a) => a.name);
    expect(deleted).toEqual([
      `web-${podTemplateHash(template('v1'))}`,
      `web-${podTemplateHash(template('v2'))}`,
    ]);
  });

  it('an undo to an old template gives that ReplicaSet the next revision', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.deployments, [deployment(6, 'v1')]);
    ctx.informers.seed(R.replicasets, [
      replicaSet('v1', 1, 0, 0, '2025-12-01T00:00:00Z'),
      replicaSet('v2', 2, 6, 6, '2025-12-02T00:00:00Z'),
    ]);
    await newDeploymentController(ctx).sync('default/web');
    const first = ctx.client.actions[0];
    expect(first.verb).toBe('update');
    expect(first.body.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
  });
});

describe('Recreate', () => {
  const recreate = (image: string) => deployment(6, image, { strategy: { type: 'Recreate' } });

  it('first scales every old ReplicaSet to zero, creating nothing', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.deployments, [recreate('v2')]);
    ctx.informers.seed(R.replicasets, [replicaSet('v1', 1, 6, 6)]);
    await newDeploymentController(ctx).sync('default/web');
    const writes = ctx.client.actions.filter((a) => a.resource === 'replicasets');
    expect(writes.map((a) => [a.verb, a.body.spec.replicas])).toEqual([['update', 0]]);
  });

  it('waits while old pods still run, then creates the new ReplicaSet at full size', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.deployments, [recreate('v2')]);
    ctx.informers.seed(R.replicasets, [replicaSet('v1', 1, 0, 0)]);
    const oldPod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'old',
        namespace: 'default',
        uid: 'p1',
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: 'rs-v1', controller: true },
        ],
      },
      spec: { nodeName: 'n1', containers: [] },
      status: { phase: 'Running' },
    };
    ctx.informers.seed(R.pods, [oldPod]);
    const c = newDeploymentController(ctx);
    await c.sync('default/web');
    expect(ctx.client.actions.filter((a) => a.verb === 'create')).toEqual([]);
    ctx.informers.informer(R.pods).remove(oldPod);
    await c.sync('default/web');
    const created = ctx.client.actions.filter((a) => a.verb === 'create');
    expect(created.map((a) => a.body.spec.replicas)).toEqual([6]);
  });
});

describe('progress deadline', () => {
  it('a rollout without progress for progressDeadlineSeconds is reported as ProgressDeadlineExceeded', async () => {
    const ctx = fakeContext();
    const d = deployment(6, 'v2', { progressDeadlineSeconds: 60 });
    const newRS = replicaSet('v2', 2, 1, 0, '2025-12-31T23:00:00Z');
    const oldRS = replicaSet('v1', 1, 6, 6);
    d.status = {
      observedGeneration: 2,
      replicas: 7,
      updatedReplicas: 1,
      readyReplicas: 6,
      availableReplicas: 6,
      unavailableReplicas: 1,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
          lastUpdateTime: '2025-12-31T23:00:00Z',
          lastTransitionTime: '2025-12-31T23:00:00Z',
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'ReplicaSetUpdated',
          message: `ReplicaSet "${newRS.metadata.name}" is progressing.`,
          lastUpdateTime: '2025-12-31T23:58:00Z',
          lastTransitionTime: '2025-12-31T23:00:00Z',
        },
      ],
    } as any;
    ctx.informers.seed(R.deployments, [d]);
    ctx.informers.seed(R.replicasets, [oldRS, newRS]);
    await newDeploymentController(ctx).sync('default/web');
    const status = ctx.client.actions.find((a) => a.subresource === 'status')!.body.status;
    expect(status.conditions.find((x: any) => x.type === 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${newRS.metadata.name}" has timed out progressing.`,
    });
  });
});
