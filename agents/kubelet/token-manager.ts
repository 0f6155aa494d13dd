// Service-account tokens for projected volumes (upstream: pkg/kubelet/token/token_manager.go).
// Each token is requested with TokenRequest, bound to its pod, and cached per pod, account,
// audience and lifetime; the pod's volume is rewritten with whatever `token()` returns on every
// sync, so a refreshed token reaches the container within one sync period.
//
// When to ask again (requiresRefresh, upstream's rule): once 80 % of the lifetime has passed,
// or 24 h after issue, whichever comes first, each brought forward by up to 10 s of jitter so a
// node's pods do not all ask at once:
//
//   3607 s token issued 10:00:00 → refreshed from about 10:47:55 (80 % ≈ 2886 s)
//   48 h token issued Monday 10:00 → refreshed Tuesday about 10:00 (24 h cap)
//
// A failed refresh keeps serving the cached token until it expires (upstream does the same).

import type { Pod, ServiceAccountTokenProjection } from 'kubernetes-types/core/v1';
import type { Logger } from '../api/log';
import { R } from '../api/resources';
import type { KubeObject } from '../api/types';
import type { ApiClient } from '../client/types';
import { ContainerConfigError } from './env';
import { tokenSourceKey } from './projected';

export const MAX_TTL_MS = 24 * 3600_000;
export const MAX_JITTER_MS = 10_000;

export interface CachedToken {
  token: string;
  /** status.expirationTimestamp, in ms. */
  expiresAtMs: number;
  /** spec.expirationSeconds as asked: the lifetime the refresh rule works from. */
  expirationSeconds: number;
  podUid: string;
}

/** True when `t` should be replaced now (see the contract above); `jitterMs` in [0, 10 s). */
export function requiresRefresh(t: CachedToken, nowMs: number, jitterMs: number): boolean {
  const issuedAtMs = t.expiresAtMs - t.expirationSeconds * 1000;
  if (nowMs > issuedAtMs + MAX_TTL_MS - jitterMs) return true;
  // Within the last 20 % of the lifetime (whole seconds, as upstream's integer arithmetic).
  const lastFifthMs = Math.floor((t.expirationSeconds * 20) / 100) * 1000;
  return nowMs > t.expiresAtMs - lastFifthMs - jitterMs;
}

/** The TokenRequest a pod's serviceAccountToken source asks for (audience empty → the apiserver's own). */
export function tokenRequestFor(pod: Pod, source: ServiceAccountTokenProjection): KubeObject {
  return {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: {
      audiences: source.audience ? [source.audience] : [],
      expirationSeconds: source.expirationSeconds ?? 3600,
      boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name, uid: pod.metadata?.uid },
    },
  };
}

export class TokenManager {
  private readonly cache = new Map<string, CachedToken>();

  constructor(
    private readonly client: ApiClient,
    private readonly log: Logger,
    private readonly nowFn: () => number = Date.now,
    private readonly randFn: () => number = Math.random,
  ) {}

  /** The tokens a pod's projected volumes need, by tokenSourceKey. */
  async tokensFor(pod: Pod): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const v of pod.spec?.volumes ?? [])
      for (const s of v.projected?.sources ?? [])
        if (s.serviceAccountToken)
          out.set(tokenSourceKey(s.serviceAccountToken), await this.token(pod, s.serviceAccountToken));
    return out;
  }

  async token(pod: Pod, source: ServiceAccountTokenProjection): Promise<string> {
    const ns = pod.metadata?.namespace ?? '';
    const account = pod.spec?.serviceAccountName || 'default';
    const podUid = pod.metadata?.uid ?? '';
    // Safe to log: names, never the token.
    const key = `${ns}/${account}/${tokenSourceKey(source)}/${pod.metadata?.name}/${podUid}`;
    const cached = this.cache.get(key);
    const now = this.nowFn();
    if (cached && !requiresRefresh(cached, now, this.randFn() * MAX_JITTER_MS)) return cached.token;
    try {
      const tr = await this.client.createSubresource<KubeObject>(
        R.serviceaccounts,
        ns,
        account,
        'token',
        tokenRequestFor(pod, source),
      );
      const status = tr.status as { token?: string; expirationTimestamp?: string } | undefined;
      const spec = tr.spec as { expirationSeconds?: number } | undefined;
      if (!status?.token) throw new Error('TokenRequest answered without status.token');
      const fresh: CachedToken = {
        token: status.token,
        expiresAtMs:
          Date.parse(status.expirationTimestamp ?? '') || now + (source.expirationSeconds ?? 3600) * 1000,
        expirationSeconds: spec?.expirationSeconds ?? source.expirationSeconds ?? 3600,
        podUid,
      };
      this.cache.set(key, fresh);
      return fresh.token;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (!cached) throw new ContainerConfigError(`failed to fetch token: ${why}`);
      if (now > cached.expiresAtMs)
        throw new ContainerConfigError(`token ${key} expired and refresh failed: ${why}`);
      this.log.warn("Couldn't update token", { cacheKey: key, err: why });
      return cached.token;
    }
  }

  /** A pod is gone: its tokens are of no use to anyone (upstream DeleteServiceAccountToken). */
  forgetPod(uid: string): void {
    for (const [k, t] of this.cache) if (t.podUid === uid) this.cache.delete(k);
  }
}
