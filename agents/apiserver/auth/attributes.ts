// What an authorizer decides on (upstream: apiserver/pkg/authorization/authorizer.Attributes),
// built from the parsed request, and the Forbidden message kubectl prints when it says no.
//
//   GET /api/v1/namespaces/kube-system/pods as system:serviceaccount:demo:default →
//   pods is forbidden: User "system:serviceaccount:demo:default" cannot list resource "pods"
//   in API group "" in the namespace "kube-system"

import type { RequestInfo } from '../request-info';
import type { UserInfo } from './user';

export interface ResourceAttributes {
  kind: 'resource';
  user: UserInfo;
  verb: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface NonResourceAttributes {
  kind: 'nonresource';
  user: UserInfo;
  verb: string;
  path: string;
}

export type Attributes = ResourceAttributes | NonResourceAttributes;

/** HTTP method → the verb RBAC rules name for a non-resource URL. */
const NON_RESOURCE_VERB: Record<string, string> = {
  GET: 'get',
  HEAD: 'get',
  POST: 'post',
  PUT: 'put',
  PATCH: 'patch',
  DELETE: 'delete',
};

export function attributesFor(user: UserInfo, method: string, info: RequestInfo): Attributes {
  if (info.kind === 'resource')
    return {
      kind: 'resource',
      user,
      verb: info.verb,
      apiGroup: info.group,
      resource: info.resource.resource,
      subresource: info.subresource,
      namespace: info.namespace,
      name: info.name,
    };
  if (info.kind === 'unknown')
    // An unserved group still gets authorized as a resource request, so a stranger learns
    // nothing about what exists (upstream answers 403 before 404).
    return {
      kind: 'resource',
      user,
      verb: NON_RESOURCE_VERB[method] ?? method.toLowerCase(),
      apiGroup: info.group,
      resource: info.resourceName ?? '',
    };
  return {
    kind: 'nonresource',
    user,
    verb: NON_RESOURCE_VERB[method] ?? method.toLowerCase(),
    path: info.path,
  };
}

/** Upstream's forbiddenMessage (endpoints/handlers/responsewriters/errors.go). */
export function forbiddenMessage(a: Attributes): string {
  const who = `User "${a.user.username}"`;
  if (a.kind === 'nonresource') return `${who} cannot ${a.verb} path "${a.path}"`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope';
  return `${who} cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}"${scope}`;
}
