import { describe, expect, it } from 'vitest';
import { R } from '../../../api/resources';
import { pod } from '../../testing/builders';
import { fakeContext, summarize } from '../../testing/fakes';
import { podTemplateHash } from '../deployment/pod-template-hash';
import { newDaemonSetController } from './daemonset';

const template = {
  metadata: { labels: { app: 'agent' } },
  spec: { containers: [{ name: 'a', image: 'busybox' }] },
};
const ds = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'default', uid: 'ds-uid', generation: 1 },
  spec: { selector: { matchLabels: { app: 'agent' } }, template },
};
const node = (name: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {} });
const owner = { kind: 'DaemonSet', name: 'agent', uid: 'ds-uid' };

describe('DaemonSet sync', () => {
  it('creates one pinned pod per node that lacks one, and deletes pods on vanished nodes', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.daemonsets, [ds]);
    ctx.informers.seed(R.nodes, [node('n1'), node('n2'), node('n3')]);
    const hash = podTemplateHash(template);
    ctx.informers.seed(R.pods, [
      pod('agent-on-n1', {
        owner,
        node: 'n1',
        ready: true,
        labels: { app: 'agent', 'controller-revision-hash': hash },
      }),
      pod('agent-on-gone', {
        owner,
        node: 'n9',
        ready: true,
        labels: { app: 'agent', 'controller-revision-hash': hash },
      }),
    ]);
    await newDaemonSetController(ctx).sync('default/agent');
    expect(summarize(ctx.client.actions)).toEqual([
      `create controllerrevisions default/agent-${hash}`,
      'create pods default/agent-',
      'create pods default/agent-',
      'delete pods default/agent-on-gone',
      'update daemonsets/status default/agent',
    ]);
    const pinned = ctx.client.actions
      .slice(1, 3)
      .map(
        (a) =>
          a.body.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
            .nodeSelectorTerms[0].matchFields[0].values[0],
      );
    expect(pinned).toEqual(['n2', 'n3']);
    expect(ctx.client.actions[1].body.spec.tolerations.map((t: any) => t.key)).toContain(
      'node.kubernetes.io/unreachable',
    );
    expect(ctx.client.actions[4].body.status).toMatchObject({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 1,
      numberMisscheduled: 1,
      numberReady: 1,
      updatedNumberScheduled: 1,
    });
  });

  it('rolling update replaces one old pod at a time (maxUnavailable 1)', async () => {
    const ctx = fakeContext();
    ctx.informers.seed(R.daemonsets, [ds]);
    ctx.informers.seed(R.nodes, [node('n1'), node('n2')]);
    ctx.informers.seed(R.pods, [
      pod('old-1', {
        owner,
        node: 'n1',
        ready: true,
        labels: { app: 'agent', 'controller-revision-hash': 'old' },
      }),
      pod('old-2', {
        owner,
        node: 'n2',
        ready: true,
        labels: { app: 'agent', 'controller-revision-hash': 'old' },
      }),
    ]);
    await newDaemonSetController(ctx).sync('default/agent');
    expect(summarize(ctx.client.actions).filter((a) => a.startsWith('delete'))).toEqual([
      'delete pods default/old-1',
    ]);
  });
});
