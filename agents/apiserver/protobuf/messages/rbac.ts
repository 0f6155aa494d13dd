// rbac.authorization.k8s.io/v1 objects, the authorization/authentication reviews and
// TokenRequest, which kubectl 1.33 sends as protobuf (`kubectl create rolebinding`, `kubectl auth
// can-i`, `auth whoami`, `create token`). Field numbers from kubernetes/api rbac/v1, authorization/v1 and authentication/v1
// generated.proto (issue 9).

import { dict, i, KEEP, list, type MessageSpec, m, message, s, skipped } from '../schema';
import { LabelSelector, ObjectMeta } from './meta';

const PolicyRule = message('PolicyRule', {
  1: list('verbs'),
  2: list('apiGroups'),
  3: list('resources'),
  4: list('resourceNames'),
  5: list('nonResourceURLs'),
});
const Subject = message('Subject', { 1: s('kind'), 2: s('apiGroup'), 3: s('name'), 4: s('namespace') });
const RoleRef = message('RoleRef', { 1: s('apiGroup'), 2: s('kind'), 3: s('name') });
const AggregationRule = message('AggregationRule', { 1: list('clusterRoleSelectors', LabelSelector) });

const binding = (kind: string) =>
  message(kind, { 1: m('metadata', ObjectMeta), 2: list('subjects', Subject), 3: m('roleRef', RoleRef) });

const ResourceAttributes = message('ResourceAttributes', {
  1: s('namespace'),
  2: s('verb'),
  3: s('group'),
  4: s('version'),
  5: s('resource'),
  6: s('subresource'),
  7: s('name'),
});
const NonResourceAttributes = message('NonResourceAttributes', { 1: s('path'), 2: s('verb') });
const ExtraValue = message('ExtraValue', { 1: list('items') }, (o) => o.items ?? []);

const review = (kind: string, spec: MessageSpec) =>
  message(kind, { 1: m('metadata', ObjectMeta), 2: m('spec', spec), 3: skipped('status') });

// The JSON name of BoundObjectReference's 4th field is `uid` (Go field UID, proto name uID).
const BoundObjectReference = message('BoundObjectReference', {
  1: s('kind'),
  2: s('apiVersion'),
  3: s('name'),
  4: s('uid'),
});

export const rbacKinds: Record<string, MessageSpec> = {
  'rbac.authorization.k8s.io/v1/Role': message('Role', {
    1: m('metadata', ObjectMeta),
    2: list('rules', PolicyRule),
  }),
  'rbac.authorization.k8s.io/v1/ClusterRole': message('ClusterRole', {
    1: m('metadata', ObjectMeta),
    2: list('rules', PolicyRule),
    3: m('aggregationRule', AggregationRule),
  }),
  'rbac.authorization.k8s.io/v1/RoleBinding': binding('RoleBinding'),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': binding('ClusterRoleBinding'),
  'authorization.k8s.io/v1/SelfSubjectAccessReview': review(
    'SelfSubjectAccessReview',
    message('SelfSubjectAccessReviewSpec', {
      1: m('resourceAttributes', ResourceAttributes),
      2: m('nonResourceAttributes', NonResourceAttributes),
    }),
  ),
  'authorization.k8s.io/v1/SubjectAccessReview': review(
    'SubjectAccessReview',
    message('SubjectAccessReviewSpec', {
      1: m('resourceAttributes', ResourceAttributes),
      2: m('nonResourceAttributes', NonResourceAttributes),
      3: s('user'),
      4: list('groups'),
      5: dict('extra', ExtraValue),
      6: s('uid'),
    }),
  ),
  'authorization.k8s.io/v1/SelfSubjectRulesReview': review(
    'SelfSubjectRulesReview',
    message('SelfSubjectRulesReviewSpec', { 1: s('namespace') }),
  ),
  'authentication.k8s.io/v1/TokenRequest': review(
    'TokenRequest',
    message('TokenRequestSpec', {
      1: list('audiences'),
      3: m('boundObjectRef', BoundObjectReference),
      4: i('expirationSeconds', KEEP),
    }),
  ),
  'authentication.k8s.io/v1/SelfSubjectReview': message('SelfSubjectReview', {
    1: m('metadata', ObjectMeta),
    2: skipped('status'),
  }),
};
