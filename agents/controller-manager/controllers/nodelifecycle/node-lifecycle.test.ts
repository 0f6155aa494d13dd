import { describe, expect, it } from 'vitest';
import { R } from '../../../api/resources';
import { pod } from '../../testing/builders';
import { fakeContext, summarize } from '../../testing/fakes';
import { newNodeLifecycleController } from './node-lifecycle';

const node = (name: string, ready = 'True') => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, uid: `node-${name}` },
  spec: {},
  status: { conditions: [{ type: 'Ready', status: ready, lastHeartbeatTime: '2025-12-31T23:59:50Z' }] },
});

describe('node lifecycle sync', () => {
  it('a node silent past the grace period goes Unknown, its pods not ready, tainted, and untolerating pods evicted', async () => {
    const ctx = fakeContext({ nodeMonitorGracePeriod: '10s' });
    ctx.informers.seed(R.nodes, [node('n1')]);
    const tolerant = pod('tolerant', { node: 'n1', ready: true });
    (tolerant.spec as any).tolerations = [
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 5,
      },
    ];
    ctx.informers.seed(R.pods, [
      tolerant,
      pod('bare', { node: 'n1', ready: true }),
      pod('elsewhere', { node: 'n2', ready: true }),
    ]);
    const c = newNodeLifecycleController(ctx);

    await c.sync('n1'); // first look: the clock starts now
    expect(ctx.client.actions).toEqual([]);
    ctx.clock.now += 11_000;
    await c.sync('n1');
    expect(summarize(ctx.client.actions)).toEqual([
      'update nodes/status n1',
      'update pods/status default/tolerant',
      'update pods/status default/bare',
      'update nodes n1',
      'delete pods default/bare',
    ]);
    expect(ctx.client.actions[0].body.status.conditions[0]).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
    });
    expect(ctx.client.actions[1].body.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'False' });
    expect(ctx.client.actions[3].body.spec.taints.map((t: any) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/unreachable:NoSchedule',
    ]);
    expect(ctx.recorder.events.map((e) => e.reason)).toEqual(['NodeNotReady', 'TaintManagerEviction']);
    // The tolerant pod comes back for eviction 5 s after the taint was added.
    expect(ctx.queue.delayed).toEqual([{ key: 'n1', delayMs: 5_100 }]);
  });

  it('a cordoned node gets the unschedulable taint', async () => {
    const ctx = fakeContext();
    const n = node('n1');
    (n.spec as any).unschedulable = true;
    ctx.informers.seed(R.nodes, [n]);
    await newNodeLifecycleController(ctx).sync('n1');
    expect(summarize(ctx.client.actions)).toEqual(['update nodes n1']);
    expect(ctx.client.actions[0].body.spec.taints).toEqual([
      { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
    ]);
  });
});
