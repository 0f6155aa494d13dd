import { describe, expect, it } from 'vitest';
import { R } from '../../../api/resources';
import { pod } from '../../testing/builders';
import { fakeContext, summarize } from '../../testing/fakes';
import { newGarbageCollector } from './garbage-collector';

const rs = (uid: string, extra: Record<string, any> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web', namespace: 'default', uid, ...extra },
  spec: {},
});

describe('garbage collector', () => {
  it('deletes a pod whose owner is gone (confirmed by a live GET), keeps one whose owner lives', async () => {
    const ctx = fakeContext();
    const gc = newGarbageCollector(ctx);
    ctx.informers.seed(R.replicasets, [rs('rs-1')]);
    ctx.informers.seed(R.pods, [
      pod('kept', { owner: { kind: 'ReplicaSet', name: 'web', uid: 'rs-1' } }),
      pod('orphaned', { owner: { kind: 'ReplicaSet', name: 'gone', uid: 'rs-0' } }),
    ]);
    await gc.sync('/pods|default/kept');
    await gc.sync('/pods|default/orphaned');
    expect(summarize(ctx.client.actions)).toEqual(['delete pods default/orphaned']);
    expect(ctx.client.actions[0].body).toMatchObject({ propagationPolicy: 'Background' });
  });

  it('does not delete when the owner exists in the API but not yet in the cache', async () => {
    const ctx = fakeContext();
    const gc = newGarbageCollector(ctx);
    ctx.client.objects.set('replicasets', new Map([['default/new', rs('rs-new', { name: 'new' })]]));
    ctx.informers.seed(R.pods, [pod('p', { owner: { kind: 'ReplicaSet', name: 'new', uid: 'rs-new' } })]);
    await gc.sync('/pods|default/p');
    expect(ctx.client.actions).toEqual([]);
  });

  it('foreground: deletes dependents, and removes the finalizer once the blocking ones are gone', async () => {
    const ctx = fakeContext();
    const gc = newGarbageCollector(ctx);
    const owner = rs('rs-1', {
      deletionTimestamp: '2026-01-01T00:00:00Z',
      finalizers: ['foregroundDeletion'],
    });
    ctx.informers.seed(R.replicasets, [owner]);
    const p = pod('p1', { owner: { kind: 'ReplicaSet', name: 'web', uid: 'rs-1' } });
    (p.metadata!.ownerReferences![0] as any).blockOwnerDeletion = true;
    ctx.informers.seed(R.pods, [p]);
    await gc.sync('apps/replicasets|default/web');
    expect(summarize(ctx.client.actions)).toEqual(['delete pods default/p1']);
    ctx.informers.informer(R.pods).remove(p);
    ctx.client.actions.length = 0;
    await gc.sync('apps/replicasets|default/web');
    expect(summarize(ctx.client.actions)).toEqual(['update replicasets default/web']);
    expect(ctx.client.actions[0].body.metadata.finalizers).toEqual([]);
  });

  it('orphan: strips the owner reference from dependents, then the finalizer', async () => {
    const ctx = fakeContext();
    const gc = newGarbageCollector(ctx);
    ctx.informers.seed(R.replicasets, [
      rs('rs-1', { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['orphan'] }),
    ]);
    ctx.informers.seed(R.pods, [pod('p1', { owner: { kind: 'ReplicaSet', name: 'web', uid: 'rs-1' } })]);
    await gc.sync('apps/replicasets|default/web');
    expect(summarize(ctx.client.actions)).toEqual([
      'patch pods default/p1',
      'update replicasets default/web',
    ]);
    expect(ctx.client.actions[0].body).toEqual({ metadata: { ownerReferences: null } });
  });
});
