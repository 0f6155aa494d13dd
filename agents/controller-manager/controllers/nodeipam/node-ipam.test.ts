import { describe, expect, it } from 'vitest';
import { R } from '../../../api/resources';
import { fakeContext, summarize } from '../../testing/fakes';
import { nextFree, parseCidr, subnetCount } from './cidr-set';
import { newNodeIpamController } from './node-ipam';

describe('cidr-set', () => {
  it.each([
    ['10.244.0.0/16', 24, [], '10.244.0.0/24'],
    ['10.244.0.0/16', 24, ['10.244.0.0/24', '10.244.1.0/24'], '10.244.2.0/24'],
    ['10.244.0.0/16', 24, ['10.244.1.0/24'], '10.244.0.0/24'],
    ['10.0.0.0/30', 31, ['10.0.0.0/31', '10.0.0.2/31'], undefined],
  ])('%s by /%i, used %j → %s', (cluster, size, used, want) => {
    expect(nextFree(parseCidr(cluster), size, new Set(used))).toBe(want);
  });
  it('a /16 holds 256 /24s', () => expect(subnetCount(parseCidr('10.244.0.0/16'), 24)).toBe(256));
});

describe('node IPAM sync', () => {
  const node = (name: string, podCIDR?: string) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: podCIDR ? { podCIDR } : {},
  });
  it('gives a new node the lowest free /24 and respects registered ones', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.nodes, [node('m1', '10.244.0.0/24'), node('m2'), node('m3')]);
    const c = newNodeIpamController(ctx);
    await c.sync('m1');
    await c.sync('m2');
    await c.sync('m3');
    expect(summarize(ctx.client.actions)).toEqual(['patch nodes m2', 'patch nodes m3']);
    expect(ctx.client.actions.map((a) => a.body.spec.podCIDR)).toEqual(['10.244.1.0/24', '10.244.2.0/24']);
  });
});
