import { describe, expect, it } from 'vitest';
import { R } from '../../../api/resources';
import { pod } from '../../testing/builders';
import { fakeContext, summarize } from '../../testing/fakes';
import { replicaSetKind, replicationControllerKind } from './kinds';
import { newReplicaSetController } from './replica-set';

function rs(replicas: number, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web', namespace: 'default', uid: 'rs-uid', generation: 2, resourceVersion: '5' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', image: 'nginx' }] },
      },
    },
    status: { replicas: 0 },
    ...extra,
  };
}
const owned = { kind: 'ReplicaSet', name: 'web', uid: 'rs-uid' };

describe('ReplicaSet sync', () => {
  it('creates the missing pods in slow-start batches and records SuccessfulCreate', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.replicasets, [rs(3)]);
    const c = newReplicaSetController(ctx, replicaSetKind);
    await c.sync('default/web');
    expect(summarize(ctx.client.actions)).toEqual([
      'create pods default/web-',
      'create pods default/web-',
      'create pods default/web-',
      'update replicasets/status default/web',
    ]);
    const created = ctx.client.actions[0].body;
    expect(created.metadata.labels).toEqual({ app: 'web' });
    expect(created.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'web',
        uid: 'rs-uid',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(ctx.recorder.events.filter((e) => e.reason === 'SuccessfulCreate')).toHaveLength(3);
  });

  it('does not create again while its creations are unobserved (expectations)', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.replicasets, [rs(2)]);
    const c = newReplicaSetController(ctx, replicaSetKind);
    await c.sync('default/web');
    await c.sync('default/web');
    expect(summarize(ctx.client.actions).filter((a) => a.startsWith('create'))).toHaveLength(2);
    // The informer now sees both pods: the next sync has nothing to do but status.
    ctx.informers.seed(R.pods, [
      pod('web-1', { labels: { app: 'web' }, owner: owned }),
      pod('web-2', { labels: { app: 'web' }, owner: owned }),
    ]);
    ctx.client.actions.length = 0;
    await c.sync('default/web');
    expect(summarize(ctx.client.actions)).toEqual(['update replicasets/status default/web']);
    expect(ctx.client.actions[0].body.status).toMatchObject({
      replicas: 2,
      readyReplicas: 0,
      observedGeneration: 2,
    });
  });

  it('deletes the cheapest pods when over the count', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.replicasets, [rs(1)]);
    ctx.informers.seed(R.pods, [
      pod('web-ready', { labels: { app: 'web' }, owner: owned, node: 'n1', ready: true }),
      pod('web-pending', { labels: { app: 'web' }, owner: owned }),
      pod('web-notready', { labels: { app: 'web' }, owner: owned, node: 'n2', ready: false }),
    ]);
    const c = newReplicaSetController(ctx, replicaSetKind);
    await c.sync('default/web');
    expect(summarize(ctx.client.actions).slice(0, 2).sort()).toEqual([
      'delete pods default/web-notready',
      'delete pods default/web-pending',
    ]);
  });

  it('adopts a matching orphan and releases an owned pod that no longer matches', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.replicasets, [rs(1)]);
    ctx.informers.seed(R.pods, [
      pod('orphan', { labels: { app: 'web' }, node: 'n1', ready: true }),
      pod('relabelled', { labels: { app: 'debug' }, owner: owned, node: 'n1' }),
      pod('someone-elses', {
        labels: { app: 'web' },
        owner: { kind: 'ReplicaSet', name: 'x', uid: 'other' },
      }),
    ]);
    const c = newReplicaSetController(ctx, replicaSetKind);
    await c.sync('default/web');
    expect(summarize(ctx.client.actions)).toEqual([
      'patch pods default/orphan',
      'patch pods default/relabelled',
      'update replicasets/status default/web',
    ]);
    expect(ctx.client.actions[0].body.metadata.ownerReferences[0]).toMatchObject({
      uid: 'rs-uid',
      controller: true,
    });
    expect(ctx.client.actions[1].body.metadata.ownerReferences).toEqual([]);
  });

  it('treats a ReplicationController the same way, with its map selector', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.replicationcontrollers, [
      {
        apiVersion: 'v1',
        kind: 'ReplicationController',
        metadata: { name: 'nginx', namespace: 'default', uid: 'rc-uid', generation: 1 },
        spec: {
          replicas: 2,
          selector: { app: 'nginx' },
          template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [] } },
        },
      },
    ]);
    ctx.informers.seed(R.pods, [
      pod('nginx-a', {
        labels: { app: 'nginx' },
        owner: { kind: 'ReplicationController', name: 'nginx', uid: 'rc-uid' },
      }),
    ]);
    const c = newReplicaSetController(ctx, replicationControllerKind);
    await c.sync('default/nginx');
    expect(summarize(ctx.client.actions)).toEqual([
      'create pods default/nginx-',
      'update replicationcontrollers/status default/nginx',
    ]);
    expect(ctx.client.actions[0].body.metadata.ownerReferences[0]).toMatchObject({
      apiVersion: 'v1',
      kind: 'ReplicationController',
    });
  });

  it('does nothing for a ReplicaSet that is gone', async () => {
    const ctx = fakeContext();
    const c = newReplicaSetController(ctx, replicaSetKind);
    await c.sync('default/missing');
    expect(ctx.client.actions).toEqual([]);
  });
});
