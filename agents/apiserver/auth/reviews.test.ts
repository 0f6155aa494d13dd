import { describe, expect, it } from 'vitest';
import { R, resources } from '../../api/resources';
import { authorizerChain } from './authorizer';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap-policy';
import { type RbacPolicy, rulesFor } from './rbac';
import { type ReviewDeps, review } from './reviews';
import { serviceAccountUser } from './user';

const policy: RbacPolicy = {
  clusterRoles: bootstrapClusterRoles,
  clusterRoleBindings: bootstrapClusterRoleBindings,
  roles: [],
  roleBindings: [],
};
const deps: ReviewDeps = {
  authorize: authorizerChain(['RBAC'], {
    rbac: () => policy,
    nodes: { podsOn: () => [], pod: () => undefined },
  }),
  rulesFor: (u, ns) => rulesFor(u, ns, policy),
};
const find = (resource: string) => {
  const r = resources.find((x) => x.resource === resource);
  if (!r) throw new Error(resource);
  return r;
};
const sa = serviceAccountUser('demo', 'default', 'u1');

describe('review', () => {
  it('answers can-i for the requester (SelfSubjectAccessReview)', () => {
    const ask = (verb: string, resource: string) =>
      review(
        find('selfsubjectaccessreviews'),
        { spec: { resourceAttributes: { verb, resource, namespace: 'demo' } } },
        sa,
        deps,
      ).status;
    expect(ask('list', 'pods')).toEqual({ allowed: false });
    expect(
      review(
        find('selfsubjectaccessreviews'),
        { spec: { nonResourceAttributes: { verb: 'get', path: '/version' } } },
        sa,
        deps,
      ).status,
    ).toMatchObject({
      allowed: true,
      reason: expect.stringContaining('RBAC: allowed by ClusterRoleBinding "system:discovery"'),
    });
  });

  it('answers for another subject (SubjectAccessReview) and needs a user or group', () => {
    const out = review(
      find('subjectaccessreviews'),
      {
        spec: {
          user: 'x',
          groups: ['system:masters'],
          resourceAttributes: { verb: 'delete', resource: 'nodes' },
        },
      },
      sa,
      deps,
    );
    expect(out.status).toMatchObject({ allowed: true });
    expect(() =>
      review(find('subjectaccessreviews'), { spec: { resourceAttributes: {} } }, sa, deps),
    ).toThrow('at least one of user or group must be specified');
  });

  it('lists the rules (SelfSubjectRulesReview) and says who I am (SelfSubjectReview)', () => {
    const rules = review(find('selfsubjectrulesreviews'), { spec: { namespace: 'demo' } }, sa, deps)
      .status as {
      resourceRules: { resources: string[] }[];
      incomplete: boolean;
    };
    expect(rules.resourceRules.flatMap((r) => r.resources)).toContain('selfsubjectaccessreviews');
    expect(rules.incomplete).toBe(false);
    const me = review(find('selfsubjectreviews'), {}, sa, deps);
    expect(me).toMatchObject({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
      status: { userInfo: sa },
    });
  });

  it('serves review kinds as create-only, never stored', () => {
    expect(resources.filter((r) => r.createOnly).map((r) => r.kind)).toEqual([
      'SelfSubjectAccessReview',
      'SelfSubjectRulesReview',
      'SubjectAccessReview',
      'TokenReview',
      'SelfSubjectReview',
    ]);
    expect(R.clusterroles.createOnly).toBeUndefined();
  });
});
