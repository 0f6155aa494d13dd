import { describe, expect, it } from 'vitest';
import { R } from '../../../api/resources';
import { fakeContext, summarize } from '../../testing/fakes';
import type { PodObj, StatefulSetObj } from '../common/objects';
import { newStatefulSetController } from './statefulset';

function sts(extra: Partial<StatefulSetObj['spec']> = {}, status?: StatefulSetObj['status']): StatefulSetObj {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', uid: 'sts-uid', generation: 1, resourceVersion: '3' },
    spec: {
      replicas: 2,
      serviceName: 'nginx',
      selector: { matchLabels: { app: 'web' } },
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] },
      },
      ...extra,
    },
    status,
  };
}

/** What the apiserver and a kubelet would make of a created pod: Running and Ready. */
function running(created: PodObj): PodObj {
  return {
    ...created,
    metadata: { ...created.metadata, resourceVersion: '9', creationTimestamp: '2025-12-31T23:00:00Z' },
    spec: { ...created.spec!, nodeName: 'n1' },
    status: {
      phase: 'Running',
      podIP: '10.244.1.5',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-12-31T23:30:00Z' }],
    },
  };
}

describe('StatefulSet sync', () => {
  it('creates web-0 with its identity and a revision, then web-1 only after web-0 is Ready', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.statefulsets, [sts()]);
    const c = newStatefulSetController(ctx);
    await c.sync('default/web');
    expect(summarize(ctx.client.actions)).toEqual([
      expect.stringMatching(/^create controllerrevisions default\/web-[a-z0-9]+$/),
      'create pods default/web-0',
      'update statefulsets/status default/web',
    ]);
    const rev = ctx.client.actions[0].body;
    const pod0 = ctx.client.actions[1].body as PodObj;
    expect(rev).toMatchObject({
      revision: 1,
      metadata: {
        labels: { app: 'web', 'controller-revision-hash': rev.metadata.name.slice('web-'.length) },
      },
      data: { spec: { template: { $patch: 'replace', metadata: { labels: { app: 'web' } } } } },
    });
    expect(pod0.metadata?.labels).toEqual({
      app: 'web',
      'statefulset.kubernetes.io/pod-name': 'web-0',
      'apps.kubernetes.io/pod-index': '0',
      'controller-revision-hash': rev.metadata.name,
    });
    expect(pod0.spec).toMatchObject({ hostname: 'web-0', subdomain: 'nginx' });
    expect(pod0.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'StatefulSet',
      uid: 'sts-uid',
      controller: true,
    });

    // The informers catch up: web-0 exists but is Pending → nothing but (unchanged) status.
    ctx.informers.seed(R.controllerrevisions, [rev]);
    ctx.informers.seed(R.pods, [{ ...pod0, status: { phase: 'Pending' } }]);
    ctx.informers.seed(R.statefulsets, [sts({}, ctx.client.actions[2].body.status)]);
    ctx.client.actions.length = 0;
    await c.sync('default/web');
    expect(summarize(ctx.client.actions)).toEqual(['update statefulsets/status default/web']);
    expect(ctx.client.actions[0].body.status).toMatchObject({ replicas: 1, readyReplicas: 0 });

    // web-0 Running and Ready → web-1.
    ctx.informers.seed(R.pods, [running(pod0)]);
    ctx.client.actions.length = 0;
    await c.sync('default/web');
    expect(summarize(ctx.client.actions)).toEqual([
      'create pods default/web-1',
      'update statefulsets/status default/web',
    ]);
    expect(ctx.client.actions[1].body.status).toEqual({
      observedGeneration: 1,
      replicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      currentReplicas: 1,
      updatedReplicas: 1,
      currentRevision: rev.metadata.name,
      updateRevision: rev.metadata.name,
      collisionCount: 0,
    });
  });

  it('a new template gets a second revision and replaces the highest ordinal first', async () => {
    const ctx = fakeContext();
    const c = newStatefulSetController(ctx);
    ctx.informers.seed(R.statefulsets, [sts()]);
    await c.sync('default/web');
    const oldRev = ctx.client.actions[0].body;
    ctx.informers.seed(R.controllerrevisions, [oldRev]);
    const pod0 = running(ctx.client.actions[1].body);
    const pod1 = running({
      ...pod0,
      metadata: { ...pod0.metadata, name: 'web-1', uid: 'p1' },
    } as PodObj);
    ctx.informers.seed(R.pods, [pod0, pod1]);
    const changed = sts({}, { replicas: 2, currentRevision: oldRev.metadata.name });
    changed.spec!.template.spec!.containers[0].image = 'nginx:1.26';
    ctx.informers.seed(R.statefulsets, [changed]);
    ctx.client.actions.length = 0;
    await c.sync('default/web');
    expect(summarize(ctx.client.actions)).toEqual([
      expect.stringMatching(/^create controllerrevisions default\/web-/),
      'delete pods default/web-1',
      'update statefulsets/status default/web',
    ]);
    expect(ctx.client.actions[0].body.revision).toBe(2);
    expect(ctx.client.actions[2].body.status).toMatchObject({
      currentRevision: oldRev.metadata.name,
      updateRevision: ctx.client.actions[0].body.metadata.name,
      currentReplicas: 2,
      updatedReplicas: 0,
    });
  });

  it('adopts an orphan named like its pods (then replaces it: it has no revision), ignores a foreign name', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.statefulsets, [sts({ replicas: 1 })]);
    const orphan = running({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-0', namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [] },
    });
    const stranger = { ...orphan, metadata: { ...orphan.metadata, name: 'cache' } };
    ctx.informers.seed(R.pods, [orphan, stranger]);
    await newStatefulSetController(ctx).sync('default/web');
    expect(summarize(ctx.client.actions)).toEqual([
      'patch pods default/web-0',
      expect.stringMatching(/^create controllerrevisions/),
      'delete pods default/web-0',
      'update statefulsets/status default/web',
    ]);
  });
});

describe('StatefulSet volumeClaimTemplates', () => {
  const template = {
    metadata: { name: 'data', labels: { tier: 'db' } },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  };
  const withClaims = (policy?: object, replicas = 2) =>
    sts({ replicas, volumeClaimTemplates: [template], persistentVolumeClaimRetentionPolicy: policy });

  it('creates data-web-0 before web-0, whose volume "data" points at it; Retain sets no owner', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.statefulsets, [withClaims()]);
    await newStatefulSetController(ctx).sync('default/web');
    expect(summarize(ctx.client.actions)).toEqual([
      expect.stringMatching(/^create controllerrevisions/),
      'create persistentvolumeclaims default/data-web-0',
      'create pods default/web-0',
      'update statefulsets/status default/web',
    ]);
    const claim = ctx.client.actions[1].body;
    expect(claim.metadata).toMatchObject({
      name: 'data-web-0',
      namespace: 'default',
      labels: { tier: 'db', app: 'web' },
    });
    expect(claim.metadata.ownerReferences).toBeUndefined();
    expect(claim.spec).toEqual(template.spec);
    expect(ctx.client.actions[2].body.spec.volumes).toEqual([
      { name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } },
    ]);
  });

  it('an existing claim is reused (a replacement web-0 gets the same data)', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.statefulsets, [withClaims()]);
    ctx.informers.seed(R.persistentvolumeclaims, [
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data-web-0', namespace: 'default' },
      },
    ]);
    await newStatefulSetController(ctx).sync('default/web');
    expect(summarize(ctx.client.actions)).not.toContain('create persistentvolumeclaims default/data-web-0');
    expect(summarize(ctx.client.actions)).toContain('create pods default/web-0');
  });

  it('whenDeleted: Delete → the new claim is owned by the set', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.statefulsets, [withClaims({ whenDeleted: 'Delete', whenScaled: 'Retain' })]);
    await newStatefulSetController(ctx).sync('default/web');
    expect(ctx.client.actions[1].body.metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'sts-uid' },
    ]);
  });

  it('whenScaled: Delete → on scale 2 → 1 the claim of web-1 is owned by web-1 before web-1 is deleted', async () => {
    const ctx = fakeContext();
    const c = newStatefulSetController(ctx);
    ctx.informers.seed(R.statefulsets, [withClaims({ whenScaled: 'Delete' }, 1)]);
    await c.sync('default/web');
    const rev = ctx.client.actions[0].body;
    ctx.informers.seed(R.controllerrevisions, [rev]);
    const pod0 = running(ctx.client.actions[2].body);
    const pod1 = running({ ...pod0, metadata: { ...pod0.metadata, name: 'web-1', uid: 'p1' } } as PodObj);
    const claim = (name: string) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name, namespace: 'default', resourceVersion: '4' },
    });
    ctx.informers.seed(R.pods, [pod0, pod1]);
    ctx.informers.seed(R.persistentvolumeclaims, [claim('data-web-0'), claim('data-web-1')]);
    ctx.client.actions.length = 0;
    await c.sync('default/web');
    expect(summarize(ctx.client.actions).slice(0, 2)).toEqual([
      'patch persistentvolumeclaims default/data-web-1',
      'delete pods default/web-1',
    ]);
    expect(ctx.client.actions[0].body).toEqual({
      metadata: {
        ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: 'p1' }],
        resourceVersion: '4',
      },
    });
  });
});
