import { describe, expect, it } from 'vitest';
import { type TokenAuthenticator, tokenReview } from './token-review';
import type { UserInfo } from './user';

const jane: UserInfo = {
  username: 'system:serviceaccount:demo:reader',
  uid: 'u-1',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:demo', 'system:authenticated'],
};
const authenticateToken: TokenAuthenticator = async (token) =>
  token === 'good' ? { kind: 'user', user: jane } : { kind: 'refused', reason: 'token signature is invalid' };
const deps = { authenticateToken, apiAudiences: ['https://kubernetes.default.svc.cluster.local'] };
const asked = (spec: object) => ({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec });

describe('tokenReview', () => {
  it('a good token: authenticated, its user, the apiserver’s audiences', async () => {
    expect(await tokenReview(asked({ token: 'good' }), deps)).toEqual({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      metadata: { creationTimestamp: null },
      spec: { token: 'good' },
      status: { authenticated: true, user: jane, audiences: deps.apiAudiences },
    });
  });

  it('a bad token is an answer (authenticated: false, why), not an error', async () => {
    expect((await tokenReview(asked({ token: 'forged' }), deps)).status).toEqual({
      authenticated: false,
      error: 'token signature is invalid',
    });
  });

  it('audiences: only the overlap with the apiserver’s counts', async () => {
    const both = ['elsewhere', 'https://kubernetes.default.svc.cluster.local'];
    expect((await tokenReview(asked({ token: 'good', audiences: both }), deps)).status).toMatchObject({
      authenticated: true,
      audiences: ['https://kubernetes.default.svc.cluster.local'],
    });
    expect((await tokenReview(asked({ token: 'good', audiences: ['elsewhere'] }), deps)).status).toEqual({
      authenticated: false,
      error: 'token audiences is invalid for the target audiences',
    });
  });

  it('no token: 400', async () => {
    await expect(tokenReview(asked({}), deps)).rejects.toMatchObject({
      status: {
        code: 400,
        message: 'TokenReview "" is invalid: spec.token: Required value: token must be specified',
      },
    });
  });
});
