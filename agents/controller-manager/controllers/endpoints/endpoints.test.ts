import { describe, expect, it } from 'vitest';
import { R } from '../../../api/resources';
import { pod } from '../../testing/builders';
import { fakeContext, summarize } from '../../testing/fakes';
import { newEndpointsController } from './endpoints';
import { newEndpointSliceController } from './endpointslice';

const svc = (selector: Record<string, string> | undefined, name = 'web', ns = 'default') => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns, uid: `svc-${name}` },
  spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
});

function servingPod(name: string, ip: string, ready: boolean, extra: Record<string, any> = {}) {
  const p = pod(name, { labels: { app: 'web' }, node: 'n1', ready, ip, ...extra });
  (p.spec as any).containers = [
    { name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] },
  ];
  return p;
}

describe('Endpoints sync', () => {
  it('lists ready pods in addresses and the rest in notReadyAddresses, with the named port resolved', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.services, [svc({ app: 'web' })]);
    ctx.informers.seed(R.pods, [
      servingPod('b', '10.244.1.12', true),
      servingPod('a', '10.244.1.3', true),
      servingPod('c', '10.244.2.4', false),
      servingPod('gone', '10.244.2.5', true, { deleting: true }),
      pod('no-ip', { labels: { app: 'web' }, node: 'n1', ready: true }),
      pod('other', { labels: { app: 'db' }, node: 'n1', ready: true, ip: '10.244.1.9' }),
    ]);
    await newEndpointsController(ctx).sync('default/web');
    expect(summarize(ctx.client.actions)).toEqual(['create endpoints default/web']);
    const [subset] = ctx.client.actions[0].body.subsets;
    expect(subset.addresses.map((a: any) => a.ip)).toEqual(['10.244.1.3', '10.244.1.12']);
    expect(subset.notReadyAddresses.map((a: any) => a.ip)).toEqual(['10.244.2.4']);
    expect(subset.addresses[0]).toMatchObject({
      nodeName: 'n1',
      targetRef: { kind: 'Pod', name: 'a', namespace: 'default' },
    });
    expect(subset.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(ctx.client.actions[0].body.metadata.labels).toEqual({
      'endpointslice.kubernetes.io/skip-mirror': 'true',
    });
  });

  it('leaves services without a selector and default/kubernetes alone', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.services, [
      svc(undefined, 'external'),
      svc({ component: 'apiserver' }, 'kubernetes'),
    ]);
    const c = newEndpointsController(ctx);
    await c.sync('default/external');
    await c.sync('default/kubernetes');
    expect(ctx.client.actions).toEqual([]);
  });

  it('deletes the Endpoints of a deleted Service', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.endpoints, [
      { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' } },
    ]);
    await newEndpointsController(ctx).sync('default/web');
    expect(summarize(ctx.client.actions)).toEqual(['delete endpoints default/web']);
  });
});

describe('EndpointSlice sync', () => {
  it('creates one labelled slice owned by the Service with ready/serving/terminating conditions', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.services, [svc({ app: 'web' })]);
    ctx.informers.seed(R.pods, [servingPod('a', '10.244.1.3', true), servingPod('c', '10.244.2.4', false)]);
    await newEndpointSliceController(ctx).sync('default/web');
    expect(summarize(ctx.client.actions)).toEqual(['create endpointslices default/web-']);
    const slice = ctx.client.actions[0].body;
    expect(slice.metadata.labels).toEqual({
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    expect(slice.metadata.ownerReferences[0]).toMatchObject({
      kind: 'Service',
      name: 'web',
      controller: true,
    });
    expect(slice.addressType).toBe('IPv4');
    expect(slice.endpoints.map((e: any) => [e.addresses[0], e.conditions.ready])).toEqual([
      ['10.244.1.3', true],
      ['10.244.2.4', false],
    ]);
    expect(slice.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
  });
});

describe('hostnames of a governing service (StatefulSet pods)', () => {
  const statefulPod = (name: string, ip: string, subdomain: string) => {
    const p = servingPod(name, ip, true);
    Object.assign(p.spec as object, { hostname: name, subdomain });
    return p;
  };

  it('names the endpoint after the pod only in the service its subdomain names', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.services, [svc({ app: 'web' }), svc({ app: 'web' }, 'other')]);
    ctx.informers.seed(R.pods, [
      statefulPod('web-0', '10.244.1.3', 'web'),
      servingPod('x', '10.244.2.4', true),
    ]);
    await newEndpointSliceController(ctx).sync('default/web');
    await newEndpointSliceController(ctx).sync('default/other');
    await newEndpointsController(ctx).sync('default/web');
    const [web, other, endpoints] = ctx.client.actions.map((a) => a.body);
    expect(web.endpoints.map((e: any) => [e.addresses[0], e.hostname])).toEqual([
      ['10.244.1.3', 'web-0'],
      ['10.244.2.4', undefined],
    ]);
    expect(other.endpoints.every((e: any) => e.hostname === undefined)).toBe(true);
    expect(endpoints.subsets[0].addresses[0]).toMatchObject({ ip: '10.244.1.3', hostname: 'web-0' });
  });
});
