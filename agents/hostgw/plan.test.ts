import { describe, expect, it } from 'vitest';
import type { Node } from '../api/types';
import { clusterRoutes, planRoutes } from './plan';

function node(name: string, ip?: string, podCIDR?: string): Node {
  return {
    metadata: { name },
    spec: podCIDR ? { podCIDR } : {},
    status: {
      addresses: ip
        ? [
            { type: 'InternalIP', address: ip },
            { type: 'Hostname', address: name },
          ]
        : [],
    },
  };
}

const m1 = node('minion1', '192.168.200.101', '10.244.1.0/24');
const m2 = node('minion2', '192.168.200.102', '10.244.2.0/24');
const m3 = node('minion3', '192.168.200.103', '10.244.3.0/24');
const r2 = { dst: '10.244.2.0/24', via: '192.168.200.102' };
const r3 = { dst: '10.244.3.0/24', via: '192.168.200.103' };

describe('planRoutes (as seen from minion1)', () => {
  it.each([
    [
      'a new cluster: a route to each other node, none to itself',
      [m1, m2, m3],
      [],
      { add: [r2, r3], del: [] },
    ],
    ['nothing changed: nothing to do', [m1, m2, m3], [r2, r3], { add: [], del: [] }],
    ['minion3 left: its route goes', [m1, m2], [r2, r3], { add: [], del: [r3] }],
    [
      'minion2 came back with a new address: replaced',
      [m1, node('minion2', '192.168.200.112', '10.244.2.0/24'), m3],
      [r2, r3],
      { add: [{ dst: '10.244.2.0/24', via: '192.168.200.112' }], del: [] },
    ],
    [
      'a node without a pod CIDR yet: no route',
      [m1, node('minion4', '192.168.200.104')],
      [],
      { add: [], del: [] },
    ],
    [
      'a node without an InternalIP: no route',
      [m1, node('minion4', undefined, '10.244.4.0/24')],
      [],
      { add: [], del: [] },
    ],
    ['this node alone: stale routes all go', [m1], [r2], { add: [], del: [r2] }],
  ])('%s', (_name, nodes, current, want) => {
    expect(planRoutes(nodes, 'minion1', current)).toEqual(want);
  });
});

describe('clusterRoutes: the cluster networks never leave through the default route', () => {
  it('makes the pod range unreachable and sends the service range to lo from the node address', () => {
    expect(
      clusterRoutes({ clusterCIDR: '10.244.0.0/16', serviceCIDR: '10.96.0.0/12', nodeIP: '192.168.200.100' }),
    ).toEqual([
      ['unreachable', '10.244.0.0/16', 'proto', '201'],
      ['10.96.0.0/12', 'dev', 'lo', 'src', '192.168.200.100', 'proto', '201'],
    ]);
  });

  it('without a service range only the pod range is held back', () => {
    expect(clusterRoutes({ clusterCIDR: '10.244.0.0/16' })).toEqual([
      ['unreachable', '10.244.0.0/16', 'proto', '201'],
    ]);
  });
});
