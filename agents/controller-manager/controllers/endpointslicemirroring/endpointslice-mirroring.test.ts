import { describe, expect, it } from 'vitest';
import { R } from '../../../api/resources';
import { fakeContext, summarize } from '../../testing/fakes';
import type { EndpointsObj } from '../common/objects';
import { newEndpointSliceMirroringController } from './endpointslice-mirroring';
import { MIRRORING_MANAGED_BY, mirroredSlices } from './mirroring-math';

const svc = (selector?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'db', namespace: 'default', uid: 'svc-db' },
  spec: { selector, ports: [{ port: 5432 }] },
});

const endpoints = (subsets: any[], labels?: Record<string, string>): EndpointsObj => ({
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: {
    name: 'db',
    namespace: 'default',
    uid: 'ep-db',
    labels,
    annotations: { team: 'data', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
  },
  subsets,
});

const pgPorts = [{ name: 'pg', port: 5432, protocol: 'TCP' }];

describe('mirroredSlices', () => {
  it('one slice per address type and port set; ready and not-ready addresses; owner is the Endpoints', () => {
    const out = mirroredSlices(
      endpoints([
        {
          addresses: [{ ip: '192.0.2.10', hostname: 'pg-0' }],
          notReadyAddresses: [{ ip: '192.0.2.11' }],
          ports: pgPorts,
        },
        // Same ports again: merges into the first slice (192.0.2.10 is not repeated).
        { addresses: [{ ip: '192.0.2.12' }, { ip: '192.0.2.10' }], ports: pgPorts },
        { addresses: [{ ip: '2001:db8::1' }], ports: pgPorts },
        { addresses: [{ ip: '192.0.2.20' }], ports: [{ port: 9187 }] },
      ]),
    );
    expect(
      out.map((s) => [s.addressType, s.ports, s.endpoints.map((e) => [e.addresses[0], e.conditions?.ready])]),
    ).toEqual([
      [
        'IPv4',
        pgPorts,
        [
          ['192.0.2.10', true],
          ['192.0.2.11', false],
          ['192.0.2.12', true],
        ],
      ],
      ['IPv6', pgPorts, [['2001:db8::1', true]]],
      ['IPv4', [{ name: '', port: 9187, protocol: 'TCP' }], [['192.0.2.20', true]]],
    ]);
    expect(out[0].endpoints[0].hostname).toBe('pg-0');
    expect(out[0].metadata).toMatchObject({
      generateName: 'db-',
      labels: {
        'kubernetes.io/service-name': 'db',
        'endpointslice.kubernetes.io/managed-by': MIRRORING_MANAGED_BY,
      },
      annotations: { team: 'data' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name: 'db', uid: 'ep-db', controller: true }],
    });
  });
});

describe('EndpointSlice mirroring sync', () => {
  it('creates, then updates, then deletes the mirror as the Endpoints change', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.services, [svc()]);
    ctx.informers.seed(R.endpoints, [endpoints([{ addresses: [{ ip: '192.0.2.10' }], ports: pgPorts }])]);
    const c = newEndpointSliceMirroringController(ctx);
    await c.sync('default/db');
    expect(summarize(ctx.client.actions)).toEqual(['create endpointslices default/db-']);
    const created = ctx.client.actions[0].body;

    // The informer now holds the slice; in step with the Endpoints, a sync writes nothing.
    ctx.informers.seed(R.endpointslices, [created]);
    ctx.client.actions.length = 0;
    await c.sync('default/db');
    expect(ctx.client.actions).toEqual([]);

    // A second address: the same slice is updated.
    ctx.informers.seed(R.endpoints, [
      endpoints([{ addresses: [{ ip: '192.0.2.10' }, { ip: '192.0.2.11' }], ports: pgPorts }]),
    ]);
    await c.sync('default/db');
    expect(summarize(ctx.client.actions)).toEqual([`update endpointslices default/${created.metadata.name}`]);
    expect(ctx.client.actions[0].body.endpoints.map((e: any) => e.addresses[0])).toEqual([
      '192.0.2.10',
      '192.0.2.11',
    ]);

    // The Endpoints are deleted: so is the mirror.
    ctx.informers.informer(R.endpoints).remove(endpoints([]));
    ctx.client.actions.length = 0;
    await c.sync('default/db');
    expect(summarize(ctx.client.actions)).toEqual([`delete endpointslices default/${created.metadata.name}`]);
  });

  it('does not mirror for a Service with a selector, a missing Service, or skip-mirror', async () => {
    for (const [service, labels] of [
      [svc({ app: 'db' }), undefined],
      [undefined, undefined],
      [svc(), { 'endpointslice.kubernetes.io/skip-mirror': 'true' }],
    ] as const) {
      const ctx = fakeContext();
      if (service) ctx.informers.seed(R.services, [service]);
      ctx.informers.seed(R.endpoints, [
        endpoints([{ addresses: [{ ip: '192.0.2.10' }], ports: pgPorts }], labels),
      ]);
      await newEndpointSliceMirroringController(ctx).sync('default/db');
      expect(ctx.client.actions).toEqual([]);
    }
  });

  it('leaves slices of the EndpointSlice controller alone', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.services, [svc()]);
    ctx.informers.seed(R.endpointslices, [
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: 'db-abc',
          namespace: 'default',
          labels: {
            'kubernetes.io/service-name': 'db',
            'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
          },
        },
        addressType: 'IPv4',
        endpoints: [],
      },
    ]);
    await newEndpointSliceMirroringController(ctx).sync('default/db');
    expect(ctx.client.actions).toEqual([]);
  });
});
