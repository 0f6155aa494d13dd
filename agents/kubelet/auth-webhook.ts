// --authorization-mode=Webhook: the kubelet asks the apiserver, with its own credentials, whether
// a user may do what a request asks (upstream: the kubelet's delegating authorizer, a
// SubjectAccessReview webhook). Answers are cached as upstream's defaults say
// (--authorization-webhook-cache-authorized-ttl=5m, -unauthorized-ttl=30s), so a `kubectl exec`
// costs one review, not one per request; a failed review is not cached and is asked again.
//
// --authentication-token-webhook: the same for who a bearer token belongs to (a TokenReview),
// each answer kept for --authentication-token-webhook-cache-ttl (2m), keyed by the token's hash.

import { createHash } from 'node:crypto';
import { R } from '../api/resources';
import { TtlCache } from '../api/ttl-cache';
import type { KubeObject } from '../api/types';
import type { ApiClient } from '../client/types';
import type { KubeletUser, NodeAttributes } from './auth';

export const AUTHORIZED_TTL_MS = 5 * 60_000;
export const UNAUTHORIZED_TTL_MS = 30_000;
/** Upstream's webhook cache holds 8192 answers (an LRU); the oldest goes first here. */
const MAX_ENTRIES = 8192;

export interface WebhookOptions {
  client: Pick<ApiClient, 'create'>;
  nowMs?: () => number;
}

/** authorization.k8s.io/v1 SubjectAccessReview for one request to this kubelet. */
export function subjectAccessReview(user: KubeletUser, a: NodeAttributes): KubeObject {
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    metadata: {},
    spec: {
      user: user.username,
      groups: user.groups,
      resourceAttributes: {
        verb: a.verb,
        group: '',
        version: 'v1',
        resource: a.resource,
        subresource: a.subresource,
        name: a.name,
      },
    },
  };
}

export function webhookAuthorizer(
  o: WebhookOptions,
): (user: KubeletUser, a: NodeAttributes) => Promise<boolean> {
  const cache = new TtlCache<boolean>(MAX_ENTRIES, o.nowMs);
  return async (user, a) => {
    const review = subjectAccessReview(user, a);
    const key = JSON.stringify(review.spec);
    const hit = cache.get(key);
    if (hit) return hit.value;
    const answer = await o.client.create(R.subjectaccessreviews, review);
    const allowed = (answer.status as { allowed?: boolean } | undefined)?.allowed === true;
    return cache.set(key, allowed, allowed ? AUTHORIZED_TTL_MS : UNAUTHORIZED_TTL_MS);
  };
}

export const TOKEN_TTL_MS = 2 * 60_000;

/** Whose bearer token this is, asked of the apiserver (authentication.k8s.io/v1 TokenReview). */
export function tokenReviewer(o: WebhookOptions): (token: string) => Promise<KubeletUser | undefined> {
  const cache = new TtlCache<KubeletUser | undefined>(MAX_ENTRIES, o.nowMs);
  return async (token) => {
    // The token itself never sits in memory longer than the request that carried it.
    const key = createHash('sha256').update(token).digest('base64');
    const hit = cache.get(key);
    if (hit) return hit.value;
    const answer = await o.client.create<KubeObject>(R.tokenreviews, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      metadata: {},
      spec: { token },
    });
    const status = answer.status as
      | { authenticated?: boolean; user?: { username?: string; groups?: string[] } }
      | undefined;
    const user =
      status?.authenticated && status.user?.username
        ? { username: status.user.username, groups: status.user.groups ?? [] }
        : undefined;
    return cache.set(key, user, TOKEN_TTL_MS);
  };
}
