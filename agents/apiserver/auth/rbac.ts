// The RBAC authorizer as a pure function (upstream: plugin/pkg/auth/authorizer/rbac/rbac.go and
// rbac/v1/evaluation_helpers.go): request attributes plus the roles and bindings in the cluster
// → allow with the binding that allowed it, or no opinion. RBAC never denies; a request no
// authorizer allows is forbidden by the chain (authorizer.ts).
//
//   a ServiceAccount demo/default listing pods in demo, with RoleBinding demo/read → Role pod-reader:
//   { decision: 'allow', reason: 'RBAC: allowed by RoleBinding "read/demo" of Role "pod-reader" to ServiceAccount "default/demo"' }

import type { KubeObject } from '../../api/types';
import type { Attributes } from './attributes';
import type { PolicyRule } from './bootstrap-policy';
import type { UserInfo } from './user';

export interface RbacPolicy {
  clusterRoles: KubeObject[];
  roles: KubeObject[];
  clusterRoleBindings: KubeObject[];
  roleBindings: KubeObject[];
}

export interface Decision {
  decision: 'allow' | 'deny' | 'noopinion';
  reason: string;
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

interface RoleRef {
  kind: string;
  name: string;
}

export function authorizeRbac(a: Attributes, p: RbacPolicy): Decision {
  for (const g of applicableGrants(a.user, a.kind === 'resource' ? a.namespace : undefined, p)) {
    if (g.rules.some((rule) => ruleAllows(a, rule)))
      return {
        decision: 'allow',
        reason: `RBAC: allowed by ${g.bindingKind} "${g.bindingName}" of ${g.roleRef.kind} "${g.roleRef.name}" to ${g.subject}`,
      };
  }
  return { decision: 'noopinion', reason: '' };
}

/** Every rule that applies to `user` in `namespace` (cluster-wide ones included): SelfSubjectRulesReview. */
export function rulesFor(user: UserInfo, namespace: string | undefined, p: RbacPolicy): PolicyRule[] {
  return [...applicableGrants(user, namespace, p)].flatMap((g) => g.rules);
}

interface Grant {
  bindingKind: 'ClusterRoleBinding' | 'RoleBinding';
  bindingName: string;
  roleRef: RoleRef;
  subject: string;
  rules: PolicyRule[];
}

/** ClusterRoleBindings first, then RoleBindings in the request's namespace (upstream's order). */
function* applicableGrants(user: UserInfo, namespace: string | undefined, p: RbacPolicy): Generator<Grant> {
  for (const b of p.clusterRoleBindings) {
    const subject = matchingSubject(b, user, '');
    if (!subject) continue;
    const roleRef = b.roleRef as RoleRef;
    yield {
      bindingKind: 'ClusterRoleBinding',
      bindingName: b.metadata?.name ?? '',
      roleRef,
      subject,
      rules: roleRules(roleRef, '', p),
    };
  }
  if (!namespace) return;
  for (const b of p.roleBindings) {
    if (b.metadata?.namespace !== namespace) continue;
    const subject = matchingSubject(b, user, namespace);
    if (!subject) continue;
    const roleRef = b.roleRef as RoleRef;
    yield {
      bindingKind: 'RoleBinding',
      bindingName: `${b.metadata?.name}/${namespace}`,
      roleRef,
      subject,
      rules: roleRules(roleRef, namespace, p),
    };
  }
}

/** The subject of `binding` that is `user`, described as upstream's reason does, or undefined. */
function matchingSubject(binding: KubeObject, user: UserInfo, bindingNamespace: string): string | undefined {
  for (const s of (binding.subjects as Subject[] | undefined) ?? []) {
    switch (s.kind) {
      case 'User':
        if (s.name === user.username) return `User "${s.name}"`;
        break;
      case 'Group':
        if (user.groups.includes(s.name)) return `Group "${s.name}"`;
        break;
      case 'ServiceAccount': {
        const ns = s.namespace || bindingNamespace;
        if (user.username === `system:serviceaccount:${ns}:${s.name}`)
          return `ServiceAccount "${s.name}/${ns}"`;
        break;
      }
    }
  }
  return undefined;
}

function roleRules(ref: RoleRef, namespace: string, p: RbacPolicy): PolicyRule[] {
  if (ref.kind === 'ClusterRole') {
    const role = p.clusterRoles.find((r) => r.metadata?.name === ref.name);
    return role ? aggregatedRules(role, p.clusterRoles) : [];
  }
  const role = p.roles.find((r) => r.metadata?.namespace === namespace && r.metadata?.name === ref.name);
  return (role?.rules as PolicyRule[] | undefined) ?? [];
}

/**
 * A ClusterRole's rules, with its aggregationRule resolved: the union of the rules of every
 * ClusterRole whose labels match a selector (followed transitively: view → edit → admin).
 * Upstream's clusterrole-aggregation controller writes this union into `rules`; we compute it
 * when authorizing, so a new aggregate-to-edit role takes effect at once.
 */
export function aggregatedRules(role: KubeObject, all: KubeObject[], seen = new Set<string>()): PolicyRule[] {
  const name = role.metadata?.name ?? '';
  if (seen.has(name)) return [];
  seen.add(name);
  const own = (role.rules as PolicyRule[] | null | undefined) ?? [];
  const selectors = (
    role.aggregationRule as { clusterRoleSelectors?: { matchLabels?: Record<string, string> }[] } | undefined
  )?.clusterRoleSelectors;
  if (!selectors?.length) return own;
  const out = [...own];
  for (const other of all) {
    const labels = other.metadata?.labels ?? {};
    const picked = selectors.some((s) =>
      Object.entries(s.matchLabels ?? {}).every(([k, v]) => labels[k] === v),
    );
    if (picked) out.push(...aggregatedRules(other, all, seen));
  }
  return out;
}

export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (a.kind === 'nonresource') return (rule.nonResourceURLs ?? []).some((u) => urlMatches(u, a.path));
  if (!rule.resources?.length || !has(rule.apiGroups ?? [], a.apiGroup)) return false;
  if (!resourceMatches(rule.resources, a.resource, a.subresource)) return false;
  return !rule.resourceNames?.length || (!!a.name && rule.resourceNames.includes(a.name));
}

const has = (list: string[], x: string) => list.includes('*') || list.includes(x);

// `pods`, `pods/log`, `*`, `*` + `/scale` and `pods/*`, as upstream's ResourceMatches reads them.
function resourceMatches(resources: string[], resource: string, subresource?: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return resources.some(
    (r) =>
      r === '*' || r === combined || (!!subresource && (r === `*/${subresource}` || r === `${resource}/*`)),
  );
}

function urlMatches(rule: string, path: string): boolean {
  if (rule === '*' || rule === path) return true;
  return rule.endsWith('*') && path.startsWith(rule.slice(0, -1));
}
