// The review APIs kubectl's `auth` commands call (upstream: pkg/registry/authorization/* and
// authentication/selfsubjectreview). They are created, answered and never stored:
//
//   kubectl auth can-i list pods -n demo     → POST selfsubjectaccessreviews → status.allowed
//   kubectl auth can-i --list -n demo        → POST selfsubjectrulesreviews  → status.resourceRules
//   kubectl auth whoami                      → POST selfsubjectreviews       → status.userInfo
//   a webhook asking about someone else      → POST subjectaccessreviews     (needs RBAC create)
//   a kubelet asking whose bearer token      → POST tokenreviews             (token-review.ts: async)

import { badRequest } from '../../api/errors';
import type { ResourceInfo } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import type { Attributes } from './attributes';
import type { Authorize } from './authorizer';
import type { PolicyRule } from './bootstrap-policy';
import type { TokenReviewDeps } from './token-review';
import type { UserInfo } from './user';

export interface ReviewDeps {
  authorize: Authorize;
  /** Rules that apply to a user in a namespace, for SelfSubjectRulesReview. */
  rulesFor(user: UserInfo, namespace: string | undefined): PolicyRule[];
  /** TokenReview's authenticators (token-review.ts); absent on a server without the secure port. */
  tokens?: TokenReviewDeps;
}

interface ResourceAttributesSpec {
  namespace?: string;
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

interface AccessSpec {
  resourceAttributes?: ResourceAttributesSpec;
  nonResourceAttributes?: { path?: string; verb?: string };
  user?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  namespace?: string;
}

/** `version`: the one the request named (a review answers in the version it was asked in). */
export function review(
  r: ResourceInfo,
  body: KubeObject,
  requester: UserInfo,
  d: ReviewDeps,
  version = r.version,
): KubeObject {
  const spec = (body.spec ?? {}) as AccessSpec;
  const answer = (status: unknown): KubeObject => ({
    apiVersion: `${r.group}/${version}`,
    kind: r.kind,
    metadata: { creationTimestamp: null } as unknown as KubeObject['metadata'],
    ...(r.resource === 'selfsubjectreviews' ? {} : { spec }),
    status,
  });
  switch (r.resource) {
    case 'selfsubjectreviews':
      return answer({ userInfo: requester });
    case 'selfsubjectaccessreviews':
      return answer(access(spec, requester, d));
    case 'subjectaccessreviews': {
      if (!spec.user && !spec.groups?.length)
        throw badRequest('at least one of user or group must be specified');
      const subject: UserInfo = {
        username: spec.user ?? '',
        uid: spec.uid,
        groups: spec.groups ?? [],
        extra: spec.extra,
      };
      return answer(access(spec, subject, d));
    }
    case 'selfsubjectrulesreviews':
      return answer(rules(d.rulesFor(requester, spec.namespace || undefined)));
  }
  throw badRequest(`${r.resource} is not a review`);
}

function access(
  spec: AccessSpec,
  user: UserInfo,
  d: ReviewDeps,
): { allowed: boolean; denied?: boolean; reason?: string } {
  let a: Attributes;
  if (spec.resourceAttributes) {
    const ra = spec.resourceAttributes;
    a = {
      kind: 'resource',
      user,
      verb: ra.verb ?? '',
      apiGroup: ra.group ?? '',
      resource: ra.resource ?? '',
      subresource: ra.subresource || undefined,
      namespace: ra.namespace || undefined,
      name: ra.name || undefined,
    };
  } else if (spec.nonResourceAttributes) {
    a = {
      kind: 'nonresource',
      user,
      verb: spec.nonResourceAttributes.verb ?? '',
      path: spec.nonResourceAttributes.path ?? '',
    };
  } else throw badRequest('exactly one of nonResourceAttributes or resourceAttributes must be specified');
  const decision = d.authorize(a);
  return {
    allowed: decision.decision === 'allow',
    ...(decision.decision === 'deny' ? { denied: true } : {}),
    ...(decision.reason ? { reason: decision.reason } : {}),
  };
}

function rules(list: PolicyRule[]) {
  const resourceRules = list
    .filter((r) => !r.nonResourceURLs?.length)
    .map((r) => ({
      verbs: r.verbs,
      apiGroups: r.apiGroups ?? [],
      resources: r.resources ?? [],
      ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}),
    }));
  const nonResourceRules = list
    .filter((r) => r.nonResourceURLs?.length)
    .map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs }));
  return { resourceRules, nonResourceRules, incomplete: false };
}
