import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types';
import type { Attributes } from './attributes';
import { authorizeNode, type NodeGraph } from './node-authorizer';

const n1 = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const pods: KubeObject[] = [
  {
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'demo' },
    spec: {
      nodeName: 'n1',
      serviceAccountName: 'web-sa',
      volumes: [
        { name: 'v', secret: { secretName: 'tls' } },
        {
          name: 'kube-api-access-x2b4c',
          projected: { sources: [{ configMap: { name: 'kube-root-ca.crt' } }] },
        },
      ],
      containers: [{ name: 'c', envFrom: [{ configMapRef: { name: 'settings' } }] }],
    },
  },
  {
    kind: 'Pod',
    metadata: { name: 'db', namespace: 'demo' },
    spec: { nodeName: 'n2', volumes: [{ name: 'v', secret: { secretName: 'db-pass' } }] },
  },
];
const graph: NodeGraph = {
  podsOn: (node) => pods.filter((p) => (p.spec as { nodeName: string }).nodeName === node),
  pod: (ns, name) => pods.find((p) => p.metadata?.namespace === ns && p.metadata?.name === name),
};
const a = (verb: string, resource: string, more: Partial<Attributes> = {}) =>
  ({ kind: 'resource', user: n1, verb, apiGroup: '', resource, ...more }) as Attributes;

describe('authorizeNode', () => {
  it.each([
    ['gets a secret its pod mounts', a('get', 'secrets', { namespace: 'demo', name: 'tls' }), 'allow'],
    [
      'gets a configmap its pod uses in envFrom',
      a('get', 'configmaps', { namespace: 'demo', name: 'settings' }),
      'allow',
    ],
    [
      "not another node's pod's secret",
      a('get', 'secrets', { namespace: 'demo', name: 'db-pass' }),
      'noopinion',
    ],
    ['never lists secrets', a('list', 'secrets', { namespace: 'demo' }), 'noopinion'],
    ['updates its own Node status', a('update', 'nodes', { name: 'n1', subresource: 'status' }), 'allow'],
    ["not another Node's status", a('patch', 'nodes', { name: 'n2', subresource: 'status' }), 'noopinion'],
    [
      'renews its own Lease',
      a('update', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-node-lease', name: 'n1' }),
      'allow',
    ],
    [
      "not another node's Lease",
      a('update', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-node-lease', name: 'n2' }),
      'noopinion',
    ],
    [
      'writes status of a pod bound to it',
      a('patch', 'pods', { namespace: 'demo', name: 'web', subresource: 'status' }),
      'allow',
    ],
    [
      'not of a pod bound elsewhere',
      a('patch', 'pods', { namespace: 'demo', name: 'db', subresource: 'status' }),
      'noopinion',
    ],
    ['watches pods (system:node rules)', a('watch', 'pods'), 'allow'],
    [
      'gets the root CA its pods project',
      a('get', 'configmaps', { namespace: 'demo', name: 'kube-root-ca.crt' }),
      'allow',
    ],
    [
      'creates a token for the account its pod runs as',
      a('create', 'serviceaccounts', { namespace: 'demo', name: 'web-sa', subresource: 'token' }),
      'allow',
    ],
    [
      'not for an account no pod of it runs as',
      a('create', 'serviceaccounts', { namespace: 'demo', name: 'default', subresource: 'token' }),
      'noopinion',
    ],
    [
      'nor in another namespace',
      a('create', 'serviceaccounts', { namespace: 'prod', name: 'web-sa', subresource: 'token' }),
      'noopinion',
    ],
    [
      'may not read service accounts',
      a('get', 'serviceaccounts', { namespace: 'demo', name: 'web-sa' }),
      'noopinion',
    ],
    [
      'may not create deployments',
      a('create', 'deployments', { apiGroup: 'apps', namespace: 'demo' }),
      'noopinion',
    ],
  ] as [string, Attributes, string][])('%s', (_n, attrs, want) => {
    expect(authorizeNode(attrs, graph).decision).toBe(want);
  });

  it("explains a refused token in upstream's words", () => {
    expect(
      authorizeNode(
        a('create', 'serviceaccounts', { namespace: 'demo', name: 'default', subresource: 'token' }),
        graph,
      ).reason,
    ).toBe("no relationship found between node 'n1' and this object");
    expect(authorizeNode(a('list', 'serviceaccounts', { namespace: 'demo' }), graph).reason).toBe(
      'can only create tokens for individual service accounts',
    );
  });

  it('has nothing to say about users who are not nodes', () => {
    expect(
      authorizeNode(
        {
          ...a('get', 'secrets', { namespace: 'demo', name: 'tls' }),
          user: { username: 'alice', groups: [] },
        },
        graph,
      ),
    ).toEqual({
      decision: 'noopinion',
      reason: '',
    });
  });
});
