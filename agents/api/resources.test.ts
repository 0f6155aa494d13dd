import { describe, expect, it } from 'vitest';
import {
  findResource,
  groupVersion,
  R,
  resourceForKind,
  resourcePath,
  resources,
  storageKey,
  storagePrefix,
} from './resources';

describe('resource catalogue', () => {
  it('has each resource once and upstream short names', () => {
    const keys = resources.map((r) => `${r.group}/${r.resource}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(R.deployments.shortNames).toContain('deploy');
    expect(R.componentstatuses.shortNames).toEqual(['cs']);
    expect(resources.filter((r) => r.categories?.includes('all')).map((r) => r.resource)).toEqual(
      expect.arrayContaining(['pods', 'services', 'deployments', 'replicasets']),
    );
  });

  it('finds by group/resource and by apiVersion/kind', () => {
    expect(findResource('apps', 'deployments')).toBe(R.deployments);
    expect(resourceForKind('v1', 'Pod')).toBe(R.pods);
    expect(resourceForKind('apps/v1', 'Pod')).toBeUndefined();
    expect(groupVersion(R.leases)).toBe('coordination.k8s.io/v1');
  });

  it('builds REST paths and etcd keys', () => {
    expect(resourcePath(R.pods, { namespace: 'default', name: 'web-1', subresource: 'status' })).toBe(
      '/api/v1/namespaces/default/pods/web-1/status',
    );
    expect(resourcePath(R.deployments)).toBe('/apis/apps/v1/deployments');
    expect(resourcePath(R.nodes, { namespace: 'ignored', name: 'minion1' })).toBe('/api/v1/nodes/minion1');
    expect(storageKey(R.pods, 'default', 'web-1')).toBe('/registry/pods/default/web-1');
    expect(storageKey(R.nodes, undefined, 'minion1')).toBe('/registry/nodes/minion1');
    expect(storagePrefix(R.pods)).toBe('/registry/pods/');
    expect(storagePrefix(R.pods, 'kube-system')).toBe('/registry/pods/kube-system/');
  });
});
