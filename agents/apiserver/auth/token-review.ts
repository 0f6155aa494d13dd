// TokenReview (authentication.k8s.io/v1; upstream: pkg/registry/authentication/tokenreview):
// "who is this bearer token?", asked by servers that delegate authentication to the apiserver —
// here the kubelet (`--authentication-token-webhook`), so a service account's token gets the
// same answer on :10250 as on the apiserver. Created, answered, never stored.
//
//   POST /apis/authentication.k8s.io/v1/tokenreviews  {spec: {token, audiences?}}
//     → 201 {status: {authenticated: true, user: {username, uid, groups, extra}, audiences}}
//     → 201 {status: {authenticated: false, error: "…"}}     (a bad token is an answer, not a 401)
//
// Audiences, as upstream: a review without any is judged for the apiserver's own (--api-audiences);
// one that names some passes only if the token is good for one of them, and status.audiences is
// the overlap.

import { badRequest } from '../../api/errors';
import type { KubeObject } from '../../api/types';
import type { UserInfo } from './user';

/** The apiserver's own bearer-token authenticators (token file, service accounts). */
export type TokenAuthenticator = (
  token: string,
) => Promise<{ kind: 'user'; user: UserInfo } | { kind: 'refused'; reason: string }>;

export interface TokenReviewDeps {
  authenticateToken: TokenAuthenticator;
  /** --api-audiences (or the issuer): what a token must be meant for here. */
  apiAudiences: string[];
}

interface TokenReviewSpec {
  token?: string;
  audiences?: string[];
}

export async function tokenReview(body: KubeObject, d: TokenReviewDeps, version = 'v1'): Promise<KubeObject> {
  const spec = (body.spec ?? {}) as TokenReviewSpec;
  if (!spec.token)
    throw badRequest('TokenReview "" is invalid: spec.token: Required value: token must be specified');
  const answer = (status: object): KubeObject => ({
    apiVersion: `authentication.k8s.io/${version}`,
    kind: 'TokenReview',
    metadata: { creationTimestamp: null } as unknown as KubeObject['metadata'],
    spec,
    status,
  });
  const wanted = spec.audiences?.length ? spec.audiences : d.apiAudiences;
  const audiences = wanted.filter((a) => d.apiAudiences.includes(a));
  if (audiences.length === 0)
    return answer({ authenticated: false, error: 'token audiences is invalid for the target audiences' });
  const who = await d.authenticateToken(spec.token);
  if (who.kind === 'refused') return answer({ authenticated: false, error: who.reason });
  const { username, uid, groups, extra } = who.user;
  return answer({
    authenticated: true,
    user: { username, ...(uid ? { uid } : {}), groups, ...(extra ? { extra } : {}) },
    audiences,
  });
}
