import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../api/log';
import type { KubeObject } from '../api/types';
import { fakeClient } from '../controller-manager/testing/fakes';
import { ContainerConfigError } from './env';
import { type CachedToken, requiresRefresh, TokenManager, tokenRequestFor } from './token-manager';

const log = createLogger('token-test', { level: 'error', write: () => undefined });
const T0 = Date.parse('2026-03-01T10:00:00Z');
const S = 1000;
const token = (expirationSeconds: number, issuedAt = T0): CachedToken => ({
  token: 't',
  expiresAtMs: issuedAt + expirationSeconds * S,
  expirationSeconds,
  podUid: 'u1',
});

describe('requiresRefresh (80 % of the lifetime, or 24 h)', () => {
  it.each([
    ['1 h token at 47 min', token(3600), 47 * 60, 0, false],
    ['1 h token at 48 min + 1 s (past 80 %)', token(3600), 48 * 60 + 1, 0, true],
    ['1 h token at 47 min 55 s, 6 s of jitter', token(3600), 47 * 60 + 55, 6, true],
    ['3607 s token at 2885 s (80 % is 2886)', token(3607), 2885, 0, false],
    ['3607 s token at 2887 s', token(3607), 2887, 0, true],
    ['48 h token at 23 h', token(48 * 3600), 23 * 3600, 0, false],
    ['48 h token at 24 h + 1 s (the 24 h cap)', token(48 * 3600), 24 * 3600 + 1, 0, true],
    ['48 h token 5 s before 24 h, 6 s of jitter', token(48 * 3600), 24 * 3600 - 5, 6, true],
  ])('%s → %s', (_n, t, ageSeconds, jitterSeconds, want) => {
    expect(requiresRefresh(t, T0 + ageSeconds * S, jitterSeconds * S)).toBe(want);
  });
});

const pod: Pod = {
  metadata: { name: 'web', namespace: 'demo', uid: 'u1' },
  spec: {
    serviceAccountName: 'builder',
    containers: [],
    volumes: [
      {
        name: 'kube-api-access-x',
        projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }] },
      },
      {
        name: 'vault',
        projected: { sources: [{ serviceAccountToken: { path: 'vault-token', audience: 'vault' } }] },
      },
    ],
  },
};

/** A fake apiserver answering TokenRequests with numbered tokens, valid for what was asked. */
function tokenClient(now: () => number) {
  const client = fakeClient();
  let n = 0;
  client.createSubresource = (async (_r, _ns, _name, _sub, body: KubeObject) => {
    client.actions.push({ verb: 'createSubresource', resource: 'serviceaccounts', name: _name, body });
    const spec = body.spec as { expirationSeconds: number };
    return {
      ...body,
      status: {
        token: `tok-${++n}`,
        expirationTimestamp: new Date(now() + spec.expirationSeconds * S).toISOString(),
      },
    };
  }) as typeof client.createSubresource;
  return client;
}

describe('TokenManager', () => {
  it('asks for a token bound to the pod, as the pod’s account, per audience and lifetime', async () => {
    const clock = { now: T0 };
    const client = tokenClient(() => clock.now);
    const m = new TokenManager(
      client,
      log,
      () => clock.now,
      () => 0,
    );
    const tokens = await m.tokensFor(pod);
    expect([...tokens]).toEqual([
      ['|3607', 'tok-1'],
      ['vault|3600', 'tok-2'],
    ]);
    expect(client.actions.map((a) => [a.name, a.body.spec])).toEqual([
      [
        'builder',
        {
          audiences: [],
          expirationSeconds: 3607,
          boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'u1' },
        },
      ],
      [
        'builder',
        {
          audiences: ['vault'],
          expirationSeconds: 3600,
          boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'u1' },
        },
      ],
    ]);
  });

  it('serves the cached token until 80 % of its life, then a new one', async () => {
    const clock = { now: T0 };
    const m = new TokenManager(
      tokenClient(() => clock.now),
      log,
      () => clock.now,
      () => 0,
    );
    const source = { path: 'token', expirationSeconds: 3600 };
    expect(await m.token(pod, source)).toBe('tok-1');
    clock.now = T0 + 47 * 60 * S;
    expect(await m.token(pod, source)).toBe('tok-1');
    clock.now = T0 + 49 * 60 * S;
    expect(await m.token(pod, source)).toBe('tok-2');
  });

  it('keeps serving a still-valid token when a refresh fails; fails once it has expired', async () => {
    const clock = { now: T0 };
    const client = tokenClient(() => clock.now);
    const m = new TokenManager(
      client,
      log,
      () => clock.now,
      () => 0,
    );
    const source = { path: 'token', expirationSeconds: 3600 };
    await m.token(pod, source);
    client.createSubresource = async () => {
      throw new Error('apiserver down');
    };
    clock.now = T0 + 50 * 60 * S;
    expect(await m.token(pod, source)).toBe('tok-1');
    clock.now = T0 + 61 * 60 * S;
    await expect(m.token(pod, source)).rejects.toThrow(ContainerConfigError);
    await expect(m.token(pod, source)).rejects.toThrow(/expired and refresh failed: apiserver down/);
    const fresh = new TokenManager(client, log, () => clock.now);
    await expect(fresh.token(pod, source)).rejects.toThrow('failed to fetch token: apiserver down');
  });

  it('forgets a deleted pod’s tokens', async () => {
    const clock = { now: T0 };
    const client = tokenClient(() => clock.now);
    const m = new TokenManager(
      client,
      log,
      () => clock.now,
      () => 0,
    );
    const source = { path: 'token', expirationSeconds: 3600 };
    await m.token(pod, source);
    m.forgetPod('u1');
    expect(await m.token(pod, source)).toBe('tok-2');
  });

  it('tokenRequestFor: the account defaults to default', () => {
    expect(tokenRequestFor({ metadata: { name: 'p', uid: 'u' } }, { path: 't' }).spec).toMatchObject({
      audiences: [],
      expirationSeconds: 3600,
    });
  });
});
