import { describe, expect, it } from 'vitest';
import { age, renderPage } from './render';
import { applyList, emptyState, RESOURCES, setFeed, viewModel } from './state';

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

  describe('CPU and memory', () => {
    const withAllocatable = (name: string) => ({
      ...node(name, 'True'),
      status: { conditions: [{ type: 'Ready', status: 'True' }], allocatable: { cpu: '4', memory: '16Gi' } },
    });
    const metrics = (nodes: [string, string, string][]) => ({
      ...Object.fromEntries(RESOURCES.map((r) => [r, []])),
      nodes: [withAllocatable('node-a'), withAllocatable('node-b')],
      pods: [pod('web-1', 'node-a')],
      nodemetrics: nodes.map(([name, cpu, memory]) => ({ metadata: { name }, usage: { cpu, memory } })),
      podmetrics: [
        {
          metadata: { namespace: 'default', name: 'web-1' },
          containers: [{ name: 'main', usage: { cpu: '12345678n', memory: '16Mi' } }],
        },
      ],
    });
    const card = (html: string, name: string) =>
      html.slice(html.indexOf(`data-node="${name}"`)).split('</h3>')[1];

    it('draws figures and a bar on each node card, and figures in each pod box', () => {
      const html = renderPage(viewModel(play(metrics([['node-a', '1200m', '4Gi']])), NOW));
      const a = card(html, 'node-a');
      expect(a).toContain('data-usage data-cpu-millis="1200" data-memory-bytes="4294967296"');
      expect(a).toContain('<span>CPU 1200m (30%)</span>');
      expect(a).toContain('<span class="bar-fill" style="width:30%">');
      expect(a).toContain('<span>mem 4096Mi (25%)</span>');
      expect(a).toContain(
        '<span class="pod-usage" data-usage data-cpu-millis="13" data-memory-bytes="16777216">13m 16Mi</span>',
      );
      expect(a).toContain('ready 1/1, restarts 0, CPU 13m, memory 16Mi"');
      // node-b's kubelet has reported nothing (yet, or any more)
      expect(card(html, 'node-b')).toContain('data-usage="none">no usage reported<');
      expect(html).not.toContain('data-feed=');
    });

    it('warns from 90%, and a bar never runs past its end', () => {
      const html = renderPage(viewModel(play(metrics([['node-a', '3600m', '20Gi']])), NOW));
      expect(html).toContain('<span>CPU 3600m (90%)</span>');
      expect(html).toContain('<span class="bar-fill high" style="width:90%">');
      expect(html).toContain('<span>mem 20480Mi (125%)</span>');
      expect(html).toContain('<span class="bar-fill high" style="width:100%">');
    });

    it.each([
      ['forbidden', 'nodes.metrics.k8s.io is forbidden: User "bob"', 'Not permitted', 'User &quot;bob&quot;'],
      ['unavailable', 'the resource metrics API is not available', 'Unavailable', 'not available'],
    ] as const)('says "%s" once above the nodes, and still draws them', (state, message, words, escaped) => {
      let s = play(metrics([['node-a', '1200m', '4Gi']]));
      s = setFeed(s, 'nodemetrics', { state, message });
      const html = renderPage(viewModel(s, NOW));
      expect(html).toContain(`data-feed="${state}">Metrics: ${words}: `);
      expect(html).toContain(`${escaped}</p>`);
      expect(html.match(/Metrics: /g)).toHaveLength(1);
      expect(html).toContain('data-node="node-a" data-ready="True"');
      expect(html).not.toContain('CPU 1200m');
      expect(html).not.toContain('no usage reported');
      expect(html).toContain('13m 16Mi'); // pod metrics are still read
    });
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
