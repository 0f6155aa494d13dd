import { describe, expect, it } from 'vitest';
import { apiGroupList, apiResourceList } from './discovery';

describe('discovery', () => {
  it('lists every named group with its preferred version', () => {
    const groups = (apiGroupList() as any).groups.map((g: any) => g.preferredVersion.groupVersion);
    expect(groups).toEqual(
      expect.arrayContaining([
        'apps/v1',
        'batch/v1',
        'coordination.k8s.io/v1',
        'policy/v1',
        'discovery.k8s.io/v1',
      ]),
    );
  });

  it('describes core resources with verbs, short names, categories and subresources', () => {
    const core = apiResourceList('', 'v1') as any;
    const byName = new Map(core.resources.map((r: any) => [r.name, r]));
    expect(byName.get('pods')).toMatchObject({
      kind: 'Pod',
      namespaced: true,
      shortNames: ['po'],
      categories: ['all'],
      verbs: expect.arrayContaining(['watch', 'patch']),
    });
    expect(byName.get('pods/eviction')).toMatchObject({
      group: 'policy',
      version: 'v1',
      kind: 'Eviction',
      verbs: ['create'],
    });
    expect(byName.get('pods/exec')).toMatchObject({ kind: 'PodExecOptions' });
    expect(byName.get('componentstatuses')).toMatchObject({ verbs: ['get', 'list'], shortNames: ['cs'] });
    expect((apiResourceList('apps', 'v1') as any).resources).toContainEqual(
      expect.objectContaining({
        name: 'deployments/scale',
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
      }),
    );
    expect(apiResourceList('apps', 'v2')).toBeUndefined();
  });

  it('lists autoscaling at v2 (preferred) and v1, and metrics.k8s.io get/list only', () => {
    const groups = (apiGroupList() as any).groups;
    expect(groups.find((g: any) => g.name === 'autoscaling')).toEqual({
      name: 'autoscaling',
      versions: [
        { groupVersion: 'autoscaling/v2', version: 'v2' },
        { groupVersion: 'autoscaling/v1', version: 'v1' },
      ],
      preferredVersion: { groupVersion: 'autoscaling/v2', version: 'v2' },
    });
    for (const v of ['v1', 'v2'])
      expect((apiResourceList('autoscaling', v) as any).resources.map((r: any) => r.name)).toEqual([
        'horizontalpodautoscalers',
        'horizontalpodautoscalers/status',
      ]);
    expect((apiResourceList('metrics.k8s.io', 'v1beta1') as any).resources).toEqual([
      { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
      { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
    ]);
  });
});
