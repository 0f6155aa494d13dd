import { describe, expect, it } from 'vitest';
import { planImpersonation } from './impersonation';

const admin = { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };

describe('planImpersonation', () => {
  it('is nothing without Impersonate-User', () => {
    expect(planImpersonation(admin, {})).toBeUndefined();
  });

  it('checks the user and each group, and adds system:authenticated', () => {
    const p = planImpersonation(admin, { 'impersonate-user': 'jane', 'impersonate-group': ['dev', 'ops'] });
    expect(p?.user).toEqual({ username: 'jane', groups: ['dev', 'ops', 'system:authenticated'] });
    expect(p?.checks.map((c) => `${c.verb} ${c.resource}/${c.name}`)).toEqual([
      'impersonate users/jane',
      'impersonate groups/dev',
      'impersonate groups/ops',
    ]);
  });

  it('impersonates a service account as upstream: serviceaccounts in its namespace, its groups', () => {
    const p = planImpersonation(admin, { 'impersonate-user': 'system:serviceaccount:demo:default' });
    expect(p?.checks).toEqual([
      expect.objectContaining({ resource: 'serviceaccounts', namespace: 'demo', name: 'default' }),
    ]);
    expect(p?.user.groups).toEqual([
      'system:serviceaccounts',
      'system:serviceaccounts:demo',
      'system:authenticated',
    ]);
  });

  it('checks uid and extras under authentication.k8s.io', () => {
    const p = planImpersonation(admin, {
      'impersonate-user': 'jane',
      'impersonate-uid': 'u-1',
      'impersonate-extra-scopes': 'view,edit',
    });
    expect(p?.user).toMatchObject({ uid: 'u-1', extra: { scopes: ['view', 'edit'] } });
    expect(
      p?.checks.slice(1).map((c) => `${c.apiGroup} ${c.resource}/${c.subresource ?? ''}/${c.name}`),
    ).toEqual([
      'authentication.k8s.io uids//u-1',
      'authentication.k8s.io userextras/scopes/view',
      'authentication.k8s.io userextras/scopes/edit',
    ]);
  });

  it('refuses groups without a user (400)', () => {
    expect(() => planImpersonation(admin, { 'impersonate-group': 'dev' })).toThrow(
      /without Impersonate-User/,
    );
  });
});
