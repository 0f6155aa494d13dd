// Who is asking (upstream: apiserver/pkg/authentication/user). Authenticators produce a
// UserInfo; authorizers and reviews read it. Group names are upstream's so RBAC bindings written
// for a real cluster mean the same here.

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export const ALL_AUTHENTICATED = 'system:authenticated';
export const ALL_UNAUTHENTICATED = 'system:unauthenticated';
export const SYSTEM_MASTERS = 'system:masters';
export const NODES_GROUP = 'system:nodes';
export const ANONYMOUS = 'system:anonymous';
export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
export const NODE_PREFIX = 'system:node:';

export const anonymousUser = (): UserInfo => ({ username: ANONYMOUS, groups: [ALL_UNAUTHENTICATED] });

/** Every authenticated user also belongs to system:authenticated (upstream's group adder). */
export function withAuthenticatedGroup(u: UserInfo): UserInfo {
  return u.groups.includes(ALL_AUTHENTICATED) ? u : { ...u, groups: [...u.groups, ALL_AUTHENTICATED] };
}

/** `system:serviceaccount:demo:default` → {namespace: demo, name: default}. */
export function parseServiceAccountUser(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const [namespace, name, ...rest] = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
  if (!namespace || !name || rest.length) return undefined;
  return { namespace, name };
}

export function serviceAccountUser(namespace: string, name: string, uid?: string): UserInfo {
  return {
    username: `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`,
    uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, ALL_AUTHENTICATED],
  };
}

/** The node name of a `system:node:<name>` user in group system:nodes, else undefined. */
export function nodeName(u: UserInfo): string | undefined {
  if (!u.groups.includes(NODES_GROUP) || !u.username.startsWith(NODE_PREFIX)) return undefined;
  return u.username.slice(NODE_PREFIX.length) || undefined;
}
