import { describe, expect, it } from 'vitest';
import { parseRequest } from './request-info';

describe('parseRequest', () => {
  const cases: Array<[string, string, Record<string, unknown>]> = [
    [
      'GET',
      '/api/v1/namespaces/default/pods/web-1',
      { verb: 'get', namespace: 'default', name: 'web-1', subresource: undefined },
    ],
    ['GET', '/api/v1/namespaces/default/pods', { verb: 'list', namespace: 'default', name: undefined }],
    ['GET', '/api/v1/pods?watch=true', { verb: 'watch', namespace: undefined }],
    // The Python client sends Python's spelling of true; only 0/false (any case) mean a list.
    ['GET', '/api/v1/pods?watch=True', { verb: 'watch' }],
    ['GET', '/api/v1/pods?watch=1', { verb: 'watch' }],
    ['GET', '/api/v1/pods?watch=False', { verb: 'list' }],
    ['GET', '/api/v1/pods?watch=0', { verb: 'list' }],
    ['GET', '/api/v1/namespaces/default/pods/web-1?watch=TRUE', { verb: 'watch', name: 'web-1' }],
    ['GET', '/api/v1/watch/namespaces/default/pods', { verb: 'watch', namespace: 'default' }],
    ['GET', '/api/v1/namespaces/default/pods/web-1/log', { verb: 'get', name: 'web-1', subresource: 'log' }],
    [
      'POST',
      '/api/v1/namespaces/default/pods/web-1/eviction',
      { verb: 'create', name: 'web-1', subresource: 'eviction' },
    ],
    [
      'PATCH',
      '/apis/apps/v1/namespaces/ns1/deployments/d/scale',
      { verb: 'patch', group: 'apps', name: 'd', subresource: 'scale' },
    ],
    // Served at two versions: the request keeps the one it asked for (conversion/ turns it around).
    [
      'GET',
      '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web',
      { verb: 'get', group: 'autoscaling', version: 'v1', name: 'web' },
    ],
    [
      'POST',
      '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers',
      { verb: 'create', version: 'v2' },
    ],
    [
      'GET',
      '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods',
      { verb: 'list', group: 'metrics.k8s.io' },
    ],
    ['DELETE', '/api/v1/namespaces/default/configmaps', { verb: 'deletecollection' }],
    ['GET', '/api/v1/namespaces', { verb: 'list', name: undefined }],
    ['GET', '/api/v1/namespaces/kube-system', { verb: 'get', name: 'kube-system', namespace: undefined }],
    ['PUT', '/api/v1/namespaces/ns1/finalize', { verb: 'update', name: 'ns1', subresource: 'finalize' }],
    ['GET', '/api/v1/nodes/n1', { verb: 'get', name: 'n1' }],
  ];
  it.each(cases)('%s %s', (method, url, want) => {
    const info = parseRequest(method, url);
    expect(info.kind).toBe('resource');
    expect(info).toMatchObject(want);
  });

  it('names the resource row from the catalogue', () => {
    const info = parseRequest('GET', '/apis/apps/v1/deployments');
    expect(info.kind === 'resource' && info.resource.kind).toBe('Deployment');
  });

  it('sends discovery and health paths to the non-resource handler', () => {
    for (const p of ['/api', '/api/v1', '/apis', '/apis/apps/v1', '/version', '/healthz', '/openapi/v2']) {
      expect(parseRequest('GET', p).kind).toBe('nonresource');
    }
  });

  it('marks resources and versions it does not serve as unknown', () => {
    expect(parseRequest('GET', '/api/v1/namespaces/default/widgets').kind).toBe('unknown');
    expect(parseRequest('GET', '/apis/apps/v1beta1/deployments').kind).toBe('unknown');
  });
});
