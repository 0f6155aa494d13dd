import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../api/types';
import { nameRule } from '../admission/validation-meta';
import { type Attributes, forbiddenMessage } from './attributes';
import { authorizerChain } from './authorizer';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap-policy';
import { aggregatedRules, authorizeRbac, type RbacPolicy, rulesFor } from './rbac';
import { serviceAccountUser, type UserInfo } from './user';

const demoSa = serviceAccountUser('demo', 'default');
const podReader: KubeObject = {
  kind: 'Role',
  metadata: { name: 'pod-reader', namespace: 'demo' },
  rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }],
};
const readBinding: KubeObject = {
  kind: 'RoleBinding',
  metadata: { name: 'read', namespace: 'demo' },
  roleRef: { kind: 'Role', name: 'pod-reader' },
  subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'demo' }],
};
const base: RbacPolicy = {
  clusterRoles: bootstrapClusterRoles,
  clusterRoleBindings: bootstrapClusterRoleBindings,
  roles: [],
  roleBindings: [],
};
const withBinding: RbacPolicy = { ...base, roles: [podReader], roleBindings: [readBinding] };

const res = (
  user: UserInfo,
  verb: string,
  resource: string,
  namespace?: string,
  more: Partial<Attributes> = {},
) => ({ kind: 'resource', user, verb, apiGroup: '', resource, namespace, ...more }) as Attributes;

describe('authorizeRbac', () => {
  it.each([
    ['SA without binding lists pods', res(demoSa, 'list', 'pods', 'demo'), base, 'noopinion'],
    ['SA with RoleBinding lists pods in demo', res(demoSa, 'list', 'pods', 'demo'), withBinding, 'allow'],
    [
      '…reads pods/log',
      res(demoSa, 'get', 'pods', 'demo', { subresource: 'log', name: 'p' }),
      withBinding,
      'allow',
    ],
    ['…but not in kube-system', res(demoSa, 'list', 'pods', 'kube-system'), withBinding, 'noopinion'],
    [
      'a RoleBinding to edit may create serviceaccounts/token (aggregate-to-edit)',
      res(demoSa, 'create', 'serviceaccounts', 'demo', { subresource: 'token', name: 'builder' }),
      {
        ...base,
        roleBindings: [{ ...readBinding, roleRef: { kind: 'ClusterRole', name: 'edit' } }],
      },
      'allow',
    ],
    [
      'pods/log readers may not',
      res(demoSa, 'create', 'serviceaccounts', 'demo', { subresource: 'token', name: 'builder' }),
      withBinding,
      'noopinion',
    ],
    ['…and cannot delete', res(demoSa, 'delete', 'pods', 'demo', { name: 'p' }), withBinding, 'noopinion'],
    [
      '…nor read pods/exec',
      res(demoSa, 'get', 'pods', 'demo', { subresource: 'exec', name: 'p' }),
      withBinding,
      'noopinion',
    ],
    [
      'authenticated user may create a SelfSubjectAccessReview',
      res(demoSa, 'create', 'selfsubjectaccessreviews', undefined, { apiGroup: 'authorization.k8s.io' }),
      base,
      'allow',
    ],
    [
      'authenticated user reads /version',
      { kind: 'nonresource', user: demoSa, verb: 'get', path: '/version' },
      base,
      'allow',
    ],
    [
      'authenticated user reads /apis/apps/v1 (system:discovery)',
      { kind: 'nonresource', user: demoSa, verb: 'get', path: '/apis/apps/v1' },
      base,
      'allow',
    ],
    [
      'anonymous reads /healthz (public-info-viewer)',
      {
        kind: 'nonresource',
        user: { username: 'system:anonymous', groups: ['system:unauthenticated'] },
        verb: 'get',
        path: '/healthz',
      },
      base,
      'allow',
    ],
    [
      'anonymous may not read /api',
      {
        kind: 'nonresource',
        user: { username: 'system:anonymous', groups: ['system:unauthenticated'] },
        verb: 'get',
        path: '/api',
      },
      base,
      'noopinion',
    ],
    [
      'scheduler binds pods',
      res({ username: 'system:kube-scheduler', groups: [] }, 'create', 'pods', 'demo', {
        subresource: 'binding',
        name: 'p',
      }),
      base,
      'allow',
    ],
    [
      'scheduler updates only its own lease',
      res({ username: 'system:kube-scheduler', groups: [] }, 'update', 'leases', 'kube-system', {
        apiGroup: 'coordination.k8s.io',
        name: 'kube-scheduler',
      }),
      base,
      'allow',
    ],
    [
      "…not the controller-manager's",
      res({ username: 'system:kube-scheduler', groups: [] }, 'update', 'leases', 'kube-system', {
        apiGroup: 'coordination.k8s.io',
        name: 'kube-controller-manager',
      }),
      base,
      'noopinion',
    ],
    [
      'kube-proxy watches endpointslices',
      res({ username: 'system:kube-proxy', groups: [] }, 'watch', 'endpointslices', undefined, {
        apiGroup: 'discovery.k8s.io',
      }),
      base,
      'allow',
    ],
    [
      'kube-proxy may not create pods',
      res({ username: 'system:kube-proxy', groups: [] }, 'create', 'pods', 'demo'),
      base,
      'noopinion',
    ],
    [
      'controller-manager creates replicasets',
      res({ username: 'system:kube-controller-manager', groups: [] }, 'create', 'replicasets', 'demo', {
        apiGroup: 'apps',
      }),
      base,
      'allow',
    ],
  ] as [string, Attributes, RbacPolicy, string][])('%s', (_name, attrs, policy, want) => {
    expect(authorizeRbac(attrs, policy).decision).toBe(want);
  });

  it('names the binding, role and subject that allowed', () => {
    expect(authorizeRbac(res(demoSa, 'list', 'pods', 'demo'), withBinding).reason).toBe(
      'RBAC: allowed by RoleBinding "read/demo" of Role "pod-reader" to ServiceAccount "default/demo"',
    );
  });

  it('binds the view ClusterRole in a namespace through aggregation (view ← system:aggregate-to-view)', () => {
    const viewer: KubeObject = {
      kind: 'RoleBinding',
      metadata: { name: 'v', namespace: 'demo' },
      roleRef: { kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'User', name: 'alice' }],
    };
    const p = { ...base, roleBindings: [viewer] };
    const alice = { username: 'alice', groups: ['system:authenticated'] };
    expect(authorizeRbac(res(alice, 'list', 'deployments', 'demo', { apiGroup: 'apps' }), p).decision).toBe(
      'allow',
    );
    expect(authorizeRbac(res(alice, 'get', 'secrets', 'demo', { name: 's' }), p).decision).toBe('noopinion');
    expect(authorizeRbac(res(alice, 'list', 'deployments', 'other', { apiGroup: 'apps' }), p).decision).toBe(
      'noopinion',
    );
  });

  it('admin aggregates edit, which aggregates view', () => {
    const admin = bootstrapClusterRoles.find((r) => r.metadata?.name === 'admin') as KubeObject;
    const rules = aggregatedRules(admin, bootstrapClusterRoles);
    const resources = new Set(rules.flatMap((r) => r.resources ?? []));
    for (const r of ['roles', 'secrets', 'deployments/scale', 'pods/log'])
      expect(resources.has(r)).toBe(true);
  });

  it('lists the rules a user has in a namespace (SelfSubjectRulesReview)', () => {
    const rules = rulesFor(demoSa, 'demo', withBinding);
    expect(rules).toContainEqual((podReader.rules as unknown[])[0]);
    expect(rulesFor(demoSa, 'kube-system', withBinding)).not.toContainEqual(
      (podReader.rules as unknown[])[0],
    );
  });
});

describe('authorizerChain', () => {
  const chain = authorizerChain(['Node', 'RBAC'], {
    rbac: () => base,
    nodes: { podsOn: () => [], pod: () => undefined },
  });
  it('allows system:masters before asking RBAC', () => {
    expect(
      chain(res({ username: 'kubernetes-admin', groups: ['system:masters'] }, 'delete', 'nodes')).decision,
    ).toBe('allow');
  });
  it('has no opinion for a stranger, which the filter turns into 403', () => {
    expect(chain(res(demoSa, 'list', 'pods', 'kube-system')).decision).toBe('noopinion');
  });
});

describe('forbiddenMessage', () => {
  it("matches upstream's text word for word", () => {
    expect(forbiddenMessage(res(demoSa, 'list', 'pods', 'kube-system'))).toBe(
      'User "system:serviceaccount:demo:default" cannot list resource "pods" in API group "" in the namespace "kube-system"',
    );
    expect(forbiddenMessage(res(demoSa, 'get', 'nodes', undefined, { name: 'n1' }))).toBe(
      'User "system:serviceaccount:demo:default" cannot get resource "nodes" in API group "" at the cluster scope',
    );
    expect(forbiddenMessage({ kind: 'nonresource', user: demoSa, verb: 'get', path: '/metrics' })).toBe(
      'User "system:serviceaccount:demo:default" cannot get path "/metrics"',
    );
  });
});

describe('RBAC names', () => {
  it('accept colons (path segments) but not slashes', () => {
    expect(nameRule('clusterroles')('system:kube-scheduler')).toEqual([]);
    expect(nameRule('rolebindings')('a/b')).toEqual(["may not contain '/'"]);
    expect(nameRule('pods')('system:x')).not.toEqual([]);
  });
});
