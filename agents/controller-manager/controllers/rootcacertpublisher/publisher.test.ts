import { describe, expect, it } from 'vitest';
import { forbidden } from '../../../api/errors';
import { R } from '../../../api/resources';
import { fakeContext, summarize } from '../../testing/fakes';
import {
  DESCRIPTION,
  DESCRIPTION_ANNOTATION,
  decideRootCaConfigMap,
  newRootCaPublisher,
  ROOT_CA_CONFIGMAP,
} from './publisher';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB…\n-----END CERTIFICATE-----\n';
const ns = (name: string, phase = 'Active') => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, ...(phase === 'Terminating' ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  status: { phase },
});
const cm = (namespace: string, data: Record<string, string>, annotations?: Record<string, string>) => ({
  apiVersion: 'v1' as const,
  kind: 'ConfigMap' as const,
  metadata: { name: ROOT_CA_CONFIGMAP, namespace, resourceVersion: '7', labels: { keep: 'me' }, annotations },
  data,
});
const described = { [DESCRIPTION_ANNOTATION]: DESCRIPTION };

describe('decideRootCaConfigMap', () => {
  it.each([
    ['missing', undefined, 'create'],
    ['as wanted', cm('demo', { 'ca.crt': CA }, described), 'none'],
    ['ca.crt edited', cm('demo', { 'ca.crt': 'evil' }, described), 'update'],
    ['a key added', cm('demo', { 'ca.crt': CA, extra: 'x' }, described), 'update'],
    ['the description removed', cm('demo', { 'ca.crt': CA }), 'update'],
  ])('%s → %s', (_n, current, want) => {
    expect(decideRootCaConfigMap('demo', current, CA).action).toBe(want);
  });

  it('an update keeps metadata (resourceVersion, labels) and sets exactly {ca.crt}', () => {
    const d = decideRootCaConfigMap('demo', cm('demo', { 'ca.crt': 'evil', extra: 'x' }), CA);
    expect(d).toMatchObject({
      action: 'update',
      obj: {
        metadata: { resourceVersion: '7', labels: { keep: 'me' }, annotations: described },
        data: { 'ca.crt': CA },
      },
    });
  });
});

describe('root-ca-cert-publisher', () => {
  it('creates kube-root-ca.crt in an active namespace, not in a terminating one', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.namespaces, [ns('demo'), ns('old', 'Terminating')]);
    const c = newRootCaPublisher(ctx, CA);
    await c.sync('demo');
    await c.sync('old');
    await c.sync('gone');
    expect(summarize(ctx.client.actions)).toEqual(['create configmaps demo/kube-root-ca.crt']);
    expect(ctx.client.actions[0].body).toMatchObject({
      metadata: { name: ROOT_CA_CONFIGMAP, namespace: 'demo', annotations: described },
      data: { 'ca.crt': CA },
    });
  });

  it('puts an edited one back, and leaves a correct one alone', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.namespaces, [ns('a'), ns('b')]);
    ctx.informers.seed(R.configmaps, [
      cm('a', { 'ca.crt': 'evil' }, described),
      cm('b', { 'ca.crt': CA }, described),
    ]);
    const c = newRootCaPublisher(ctx, CA);
    await c.sync('a');
    await c.sync('b');
    expect(summarize(ctx.client.actions)).toEqual(['update configmaps a/kube-root-ca.crt']);
  });

  it('wakes the namespace when its configmap is edited or deleted, not for other configmaps', () => {
    const ctx = fakeContext();
    newRootCaPublisher(ctx, CA);
    const cms = ctx.informers.informer(R.configmaps);
    cms.set(cm('a', { 'ca.crt': CA }));
    cms.set(cm('a', { 'ca.crt': 'evil' }));
    cms.remove(cm('a', {}));
    cms.set({ metadata: { name: 'other', namespace: 'b' } });
    cms.set({ metadata: { name: 'other', namespace: 'b' }, data: { x: '1' } });
    ctx.informers.informer(R.namespaces).set(ns('c'));
    expect(ctx.queue.added).toEqual(['a', 'a', 'c']);
  });

  it('a namespace that starts terminating under it refuses the create: nothing to retry', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.namespaces, [ns('demo')]);
    ctx.client.failOn(
      'create',
      'configmaps',
      forbidden({ group: '', resource: 'configmaps' }, ROOT_CA_CONFIGMAP, 'terminating'),
    );
    await expect(newRootCaPublisher(ctx, CA).sync('demo')).resolves.toBeUndefined();
  });
});
