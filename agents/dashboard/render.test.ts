import { describe, expect, it } from 'vitest';
import { age, renderPage } from './render';
import { applyList, emptyState, setFeed, viewModel } from './state';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const play = (lists: Record<string, any[]>) =>
  Object.entries(lists).reduce((s, [r, items]) => applyList(s, r as any, items), emptyState());
const node = (name: string, ready: string) => ({
  metadata: { name },
  spec: { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] },
  status: { conditions: [{ type: 'Ready', status: ready }] },
});
const pod = (name: string, nodeName: string) => ({
  metadata: { namespace: 'default', name },
  spec: { nodeName, containers: [{ name: 'main' }] },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ ready: true }],
  },
});
const deployment = (name: string, replicas: number, readyReplicas: number) => ({
  metadata: { namespace: 'default', name },
  spec: { replicas },
  status: { readyReplicas },
});

describe('render', () => {
  it('marks what it draws, escapes names, and shows "not permitted" for a 403 panel', () => {
    let s = play({
      nodes: [node('node-a', 'False')],
      pods: [pod('<script>', 'node-a')],
      deployments: [deployment('web', 3, 1)],
    });
    s = setFeed(s, 'events', { state: 'forbidden', message: 'events is forbidden: User "bob"' });
    const html = renderPage(viewModel(s, NOW));
    expect(html).toContain('data-node="node-a" data-ready="False"');
    expect(html).toContain('data-pod="default/&lt;script&gt;" data-look="ready"');
    expect(html).not.toContain('<script>');
    expect(html).toContain('data-workload="Deployment/default/web" data-ready="1" data-desired="3"');
    expect(html).toContain('Not permitted: events is forbidden: User &quot;bob&quot;');
    expect(html).toContain('title="node.kubernetes.io/unreachable:NoExecute">unreachable:NoExecute<');
  });

  it.each([
    [0, '0s'],
    [119, '119s'],
    [120, '2m'],
    [7199, '119m'],
    [7200, '2h'],
    [172800, '2d'],
  ])('writes an age of %i seconds as kubectl does: %s', (seconds, text) => {
    expect(age(seconds)).toBe(text);
  });
});
