// Impersonation (upstream: endpoints/filters/impersonation.go): `kubectl --as=jane --as-group=dev`
// sends Impersonate-User / Impersonate-Group / Impersonate-Uid / Impersonate-Extra-<key> headers.
// The caller must be allowed the `impersonate` verb on each thing it claims — users, groups,
// serviceaccounts (for system:serviceaccount:<ns>:<name>), uids, userextras/<key> — and the
// request then runs as the impersonated user. Pure: headers in, the checks and the user out.

import type { IncomingHttpHeaders } from 'node:http';
import { badRequest } from '../../api/errors';
import type { ResourceAttributes } from './attributes';
import {
  ALL_AUTHENTICATED,
  ALL_UNAUTHENTICATED,
  ANONYMOUS,
  parseServiceAccountUser,
  serviceAccountUser,
  type UserInfo,
} from './user';

export interface ImpersonationPlan {
  /** Each must be allowed for the caller, else 403. */
  checks: ResourceAttributes[];
  user: UserInfo;
}

const EXTRA_PREFIX = 'impersonate-extra-';

const list = (v: string | string[] | undefined): string[] =>
  v === undefined
    ? []
    : (Array.isArray(v) ? v : [v])
        .flatMap((x) => x.split(','))
        .map((x) => x.trim())
        .filter(Boolean);

/** undefined when the request impersonates nobody. */
export function planImpersonation(
  caller: UserInfo,
  headers: IncomingHttpHeaders,
): ImpersonationPlan | undefined {
  const username = (headers['impersonate-user'] as string | undefined)?.trim();
  const groups = list(headers['impersonate-group']);
  const uid = (headers['impersonate-uid'] as string | undefined)?.trim();
  const extraKeys = Object.keys(headers).filter((h) => h.startsWith(EXTRA_PREFIX));
  if (!username) {
    if (groups.length || uid || extraKeys.length)
      throw badRequest('requested impersonation without Impersonate-User: groups, uid and extra need a user');
    return undefined;
  }
  const check = (resource: string, name: string, namespace?: string, apiGroup = ''): ResourceAttributes => ({
    kind: 'resource',
    user: caller,
    verb: 'impersonate',
    apiGroup,
    resource,
    name,
    namespace,
  });
  const checks: ResourceAttributes[] = [];
  const sa = parseServiceAccountUser(username);
  let user: UserInfo;
  if (sa) {
    checks.push(check('serviceaccounts', sa.name, sa.namespace));
    user = serviceAccountUser(sa.namespace, sa.name);
    user = { ...user, groups: [...new Set([...user.groups, ...groups])] };
  } else {
    checks.push(check('users', username));
    // upstream: everyone but system:anonymous also gets system:authenticated
    const implied = username === ANONYMOUS ? [ALL_UNAUTHENTICATED] : [ALL_AUTHENTICATED];
    user = { username, groups: [...new Set([...groups, ...implied])] };
  }
  for (const g of groups) checks.push(check('groups', g));
  if (uid) {
    checks.push(check('uids', uid, undefined, 'authentication.k8s.io'));
    user.uid = uid;
  }
  const extra: Record<string, string[]> = {};
  for (const h of extraKeys) {
    const key = decodeURIComponent(h.slice(EXTRA_PREFIX.length));
    extra[key] = list(headers[h]);
    for (const v of extra[key])
      checks.push({ ...check('userextras', v, undefined, 'authentication.k8s.io'), subresource: key });
  }
  if (extraKeys.length) user.extra = extra;
  return { checks, user };
}
