// @kubernetes/client-node (the official JavaScript client) against the apiserver: typed list,
// create, a raw watch, and an informer, which is list + watch + cache the way controllers use it.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ControlPlane, startControlPlane } from '../support/apiserver';

let cp: ControlPlane;
let kc: k8s.KubeConfig;

beforeAll(async () => {
  cp = await startControlPlane({ name: 'apiserver-client-node' });
  kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'nodekube', server: cp.url, skipTLSVerify: true }],
    users: [{ name: 'admin' }],
    contexts: [{ name: 'nodekube', cluster: 'nodekube', user: 'admin' }],
    currentContext: 'nodekube',
  });
});
afterAll(async () => {
  await cp?.stop();
});

it('lists namespaces with typed models', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const list = await core.listNamespace();
  expect(list.items.map((n) => n.metadata?.name).sort()).toEqual([
    'default',
    'kube-node-lease',
    'kube-public',
    'kube-system',
  ]);
  expect(list.items[0].metadata?.creationTimestamp).toBeInstanceOf(Date);
});

it('creates objects and watches them arrive', async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const seen: string[] = [];
  const w = new k8s.Watch(kc);
  const ctl = await w.watch(
    '/api/v1/namespaces/default/configmaps',
    { labelSelector: 'from=client-node' },
    (phase, obj) => seen.push(`${phase} ${obj.metadata.name}`),
    () => undefined,
  );
  try {
    const created = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'cn-1', labels: { from: 'client-node' } }, data: { a: 'b' } },
    });
    expect(created.metadata?.uid).toBeTruthy();
    await core.patchNamespacedConfigMap({
      namespace: 'default',
      name: 'cn-1',
      body: [{ op: 'add', path: '/data/c', value: 'd' }],
    });
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'cn-1' });
    await expect
      .poll(() => seen, { timeout: 15_000 })
      .toEqual(['ADDED cn-1', 'MODIFIED cn-1', 'DELETED cn-1']);
  } finally {
    ctl.abort();
  }
});

it('an informer lists, watches and keeps its cache', async () => {
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const informer = k8s.makeInformer(kc, '/apis/apps/v1/namespaces/default/deployments', () =>
    apps.listNamespacedDeployment({ namespace: 'default' }),
  );
  await informer.start();
  try {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'cn-web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'cn-web' } },
          template: {
            metadata: { labels: { app: 'cn-web' } },
            spec: { containers: [{ name: 'c', image: 'nginx' }] },
          },
        },
      },
    });
    await expect.poll(() => informer.get('cn-web', 'default')?.spec?.replicas, { timeout: 15_000 }).toBe(2);
    await apps.patchNamespacedDeploymentScale(
      { namespace: 'default', name: 'cn-web', body: { spec: { replicas: 4 } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await expect.poll(() => informer.get('cn-web', 'default')?.spec?.replicas, { timeout: 15_000 }).toBe(4);
  } finally {
    await informer.stop();
  }
});
