import { describe, expect, it } from 'vitest';
import { R } from '../../../api/resources';
import { fakeContext, summarize } from '../../testing/fakes';
import { newServiceAccountController } from '../serviceaccount/serviceaccount';
import { newNamespaceController } from './namespace';

const ns = (name: string, terminating: boolean) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, ...(terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: terminating ? 'Terminating' : 'Active' },
});

describe('namespace controller', () => {
  it('deletes what is inside, waits, then finalizes the empty namespace', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.namespaces, [ns('team', true)]);
    ctx.client.objects.set(
      'configmaps',
      new Map([['team/cfg', { metadata: { name: 'cfg', namespace: 'team' } }]]),
    );
    const c = newNamespaceController(ctx);
    await c.sync('team');
    expect(summarize(ctx.client.actions)).toEqual(['delete configmaps team/cfg']);
    expect(ctx.queue.delayed).toEqual([{ key: 'team', delayMs: 1000 }]);
    ctx.client.actions.length = 0;
    await c.sync('team');
    expect(summarize(ctx.client.actions)).toEqual(['update namespaces/finalize team']);
    expect(ctx.client.actions[0].body.spec.finalizers).toEqual([]);
  });

  it('leaves an active namespace alone', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.namespaces, [ns('team', false)]);
    await newNamespaceController(ctx).sync('team');
    expect(ctx.client.actions).toEqual([]);
  });
});

describe('service account controller', () => {
  it('creates the default ServiceAccount in an active namespace that lacks one', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.namespaces, [ns('team', false), ns('old', true)]);
    const c = newServiceAccountController(ctx);
    await c.sync('team');
    await c.sync('old');
    expect(summarize(ctx.client.actions)).toEqual(['create serviceaccounts team/default']);
    ctx.informers.seed(R.serviceaccounts, [{ metadata: { name: 'default', namespace: 'team' } }]);
    await c.sync('team');
    expect(ctx.client.actions).toHaveLength(1);
  });
});
