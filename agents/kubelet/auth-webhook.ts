// --authorization-mode=Webhook: the kubelet asks the apiserver, with its own credentials, whether
// a user may do what a request asks (upstream: the kubelet's delegating authorizer, a
// SubjectAccessReview webhook). Answers are cached as upstream's defaults say
// (--authorization-webhook-cache-authorized-ttl=5m, -unauthorized-ttl=30s), so a `kubectl exec`
// costs one review, not one per request; a failed review is not cached and is asked again.

import { R } from '../api/resources';
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
  const now = o.nowMs ?? Date.now;
  const cache = new Map<string, { allowed: boolean; expiresAt: number }>();
  return async (user, a) => {
    const review = subjectAccessReview(user, a);
    const key = JSON.stringify(review.spec);
    const hit = cache.get(key);
    if (hit && hit.expiresAt > now()) return hit.allowed;
    const answer = await o.client.create(R.subjectaccessreviews, review);
    const allowed = (answer.status as { allowed?: boolean } | undefined)?.allowed === true;
    cache.delete(key);
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(key, { allowed, expiresAt: now() + (allowed ? AUTHORIZED_TTL_MS : UNAUTHORIZED_TTL_MS) });
    return allowed;
  };
}
