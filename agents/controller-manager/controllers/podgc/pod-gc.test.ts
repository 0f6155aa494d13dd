import { describe, expect, it } from 'vitest';
import { R } from '../../../api/resources';
import { pod } from '../../testing/builders';
import { fakeContext, summarize } from '../../testing/fakes';
import { gcReason, newPodGcController } from './pod-gc';

const node = (name: string, taints: any[] = []) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  spec: { taints },
});

describe('gcReason', () => {
  it.each([
    ['running on a live node', pod('p', { node: 'n1' }), node('n1'), undefined],
    ['bound to a node that is gone', pod('p', { node: 'n9' }), undefined, 'orphaned'],
    [
      'terminating on an out-of-service node',
      pod('p', { node: 'n1', deleting: true }),
      node('n1', [{ key: 'node.kubernetes.io/out-of-service', effect: 'NoExecute' }]),
      'out-of-service',
    ],
    [
      'terminating on a merely unreachable node',
      pod('p', { node: 'n1', deleting: true }),
      node('n1', [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }]),
      undefined,
    ],
    ['terminating, never scheduled', pod('p', { deleting: true }), undefined, 'unscheduled-terminating'],
    ['pending, never scheduled', pod('p', {}), undefined, undefined],
  ])('%s → %s', (_name, p, n, want) => {
    expect(gcReason(p, n as any)).toBe(want);
  });
});

describe('pod GC sync', () => {
  it('force-deletes pods of a deleted node, after checking the node is really gone', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.nodes, [node('n1')]);
    ctx.informers.seed(R.pods, [
      pod('alive', { node: 'n1' }),
      pod('orphan', { node: 'n2' }),
      pod('lagging', { node: 'n3' }),
    ]);
    ctx.client.objects.set('nodes', new Map([['n3', node('n3')]]));
    await newPodGcController(ctx).sync('sweep');
    expect(summarize(ctx.client.actions)).toEqual(['delete pods default/orphan']);
    expect(ctx.client.actions[0].body).toMatchObject({ gracePeriodSeconds: 0 });
  });
});
