import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bearerToken } from './authenticate';
import {
  boundObjectProblem,
  boundTokenClaims,
  issueServiceAccountToken,
  type LiveObject,
  serviceAccountVerifier,
  TokenError,
  type VerifierOptions,
} from './service-account';
import { parseTokenFile } from './token-file';

const ec = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (k: ReturnType<typeof ec>) => ({
  priv: k.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  pub: k.publicKey.export({ type: 'spki', format: 'pem' }) as string,
});
const key = pem(ec());
const other = pem(ec());
const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const accounts = new Map([['demo/default', 'uid-1']]);
/** A verifier for ISSUER's tokens signed with `key`, the accounts above live; `o` changes any of that. */
const verifierWith = (o: Partial<VerifierOptions> = {}) =>
  serviceAccountVerifier({
    keysPem: [key.pub],
    issuers: [ISSUER],
    audiences: [ISSUER],
    lookup: (ns, name) => accounts.get(`${ns}/${name}`),
    ...o,
  });
const verify = verifierWith();
const spec = {
  issuer: ISSUER,
  namespace: 'demo',
  name: 'default',
  uid: 'uid-1',
  audiences: [ISSUER],
  expirationSeconds: 3600,
};

describe('service-account tokens', () => {
  it('turn into the SA user with its three groups', async () => {
    const user = await verify(await issueServiceAccountToken(key.priv, spec));
    expect(user).toEqual({
      username: 'system:serviceaccount:demo:default',
      uid: 'uid-1',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:demo', 'system:authenticated'],
    });
  });

  it.each([
    ['a malformed token', async () => 'not.a.jwt', /malformed bearer token/],
    [
      'a token signed by another key',
      () => issueServiceAccountToken(other.priv, spec),
      /invalid service account token: signature/,
    ],
    [
      'an expired token',
      () => issueServiceAccountToken(key.priv, { ...spec, now: new Date(Date.now() - 7200_000) }),
      /"exp" claim/,
    ],
    [
      'a token for a deleted SA',
      () => issueServiceAccountToken(key.priv, { ...spec, name: 'gone' }),
      /service account demo\/gone has been deleted/,
    ],
    [
      'a token for a recreated SA (new uid)',
      () => issueServiceAccountToken(key.priv, { ...spec, uid: 'uid-0' }),
      /does not match/,
    ],
    [
      'a token from another issuer',
      () => issueServiceAccountToken(key.priv, { ...spec, issuer: 'https://evil' }),
      /issuer "https:\/\/evil" is not accepted/,
    ],
    [
      'a token for another audience',
      () => issueServiceAccountToken(key.priv, { ...spec, audiences: ['vault'] }),
      /"aud" claim/,
    ],
  ])('refuse %s with a reason', async (_name, make, why) => {
    const token = await make();
    await expect(verify(token)).rejects.toThrow(TokenError);
    await expect(verify(token)).rejects.toThrow(why);
  });
});

describe('tokens whose signature was checked a moment ago', () => {
  const t0 = new Date('2026-03-01T10:00:00Z');
  let clock = t0;
  const live = new Map([['demo/default', 'uid-1']]);
  const verifyAt = verifierWith({ lookup: (ns, name) => live.get(`${ns}/${name}`), now: () => clock });

  it('refuse the token of an account deleted since, at once', async () => {
    clock = t0;
    const token = await issueServiceAccountToken(key.priv, { ...spec, now: t0 });
    await expect(verifyAt(token)).resolves.toMatchObject({ username: 'system:serviceaccount:demo:default' });
    live.delete('demo/default');
    await expect(verifyAt(token)).rejects.toThrow('service account demo/default has been deleted');
    live.set('demo/default', 'uid-1');
  });

  it('refuse a token once its exp has passed, even within the 10 s it is believed', async () => {
    clock = t0;
    const token = await issueServiceAccountToken(key.priv, { ...spec, now: t0, expirationSeconds: 5 });
    await expect(verifyAt(token)).resolves.toBeDefined();
    clock = new Date(t0.getTime() + 4_000);
    await expect(verifyAt(token)).resolves.toBeDefined();
    clock = new Date(t0.getTime() + 6_000);
    await expect(verifyAt(token)).rejects.toThrow(/"exp" claim timestamp check failed/);
  });
});

describe('bound tokens', () => {
  const t0 = new Date('2026-03-01T10:00:00Z');
  const pods = new Map<string, LiveObject>([['demo/web', { uid: 'pod-1' }]]);
  const verifyBound = verifierWith({
    keysPem: [key.priv], // a private key verifies too (the signing key doubles as a verification key)
    boundObject: (kind, ns, name) => (kind === 'pod' ? pods.get(`${ns}/${name}`) : undefined),
  });

  it("carry upstream's claims: iss, sub, aud, iat = nbf, exp, jti and kubernetes.io", () => {
    expect(boundTokenClaims({ ...spec, now: t0, pod: { name: 'web', uid: 'pod-1' }, jti: 'j-1' })).toEqual({
      iss: ISSUER,
      sub: 'system:serviceaccount:demo:default',
      aud: [ISSUER],
      iat: 1772359200,
      nbf: 1772359200,
      exp: 1772359200 + 3600,
      jti: 'j-1',
      'kubernetes.io': {
        namespace: 'demo',
        serviceaccount: { name: 'default', uid: 'uid-1' },
        pod: { name: 'web', uid: 'pod-1' },
      },
    });
  });

  it('authenticate while the pod lives, with the pod and token id as extra', async () => {
    const token = await issueServiceAccountToken(key.priv, {
      ...spec,
      pod: { name: 'web', uid: 'pod-1' },
      jti: 'j-1',
    });
    expect((await verifyBound(token)).extra).toEqual({
      'authentication.kubernetes.io/credential-id': ['JTI=j-1'],
      'authentication.kubernetes.io/pod-name': ['web'],
      'authentication.kubernetes.io/pod-uid': ['pod-1'],
    });
  });

  it.each([
    ['the pod is gone', { name: 'gone', uid: 'x' }, /bound pod demo\/gone does not exist/],
    [
      'the pod was recreated',
      { name: 'web', uid: 'pod-0' },
      /pod UID \(pod-1\) does not match service account pod ref claim \(pod-0\)/,
    ],
  ])('stop working once %s', async (_n, pod, why) => {
    const token = await issueServiceAccountToken(key.priv, { ...spec, pod });
    await expect(verifyBound(token)).rejects.toThrow(why);
    await expect(verifyBound(token)).rejects.toThrow(/^service account token has been invalidated: /);
  });

  it.each([
    ['no deletionTimestamp', {}, undefined],
    ['deleted 30 s ago (a minute of grace)', { deletionTimestamp: '2026-03-01T09:59:30Z' }, undefined],
    [
      'deleted 61 s ago',
      { deletionTimestamp: '2026-03-01T09:58:59Z' },
      'bound pod demo/web was deleted at 2026-03-01T09:58:59Z',
    ],
    ['graceful delete still in the future', { deletionTimestamp: '2026-03-01T10:00:30Z' }, undefined],
  ])('boundObjectProblem: %s', (_n, meta, want) => {
    expect(
      boundObjectProblem('pod', 'demo', { name: 'web', uid: 'pod-1' }, { uid: 'pod-1', ...meta }, t0),
    ).toBe(want);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer   abc ', 'abc'],
    ['Bearer', ''],
    ['Basic YWxpY2U6cHc=', undefined],
    [undefined, undefined],
  ])('%s → %s', (header, want) => expect(bearerToken(header)).toBe(want));
});

describe('parseTokenFile', () => {
  it('reads token,user,uid,"groups" and adds system:authenticated', () => {
    const m = parseTokenFile('# comment\nt1,alice,1001,"devs,ops"\nt2,bob,1002\n');
    expect(m.get('t1')).toEqual({
      username: 'alice',
      uid: '1001',
      groups: ['devs', 'ops', 'system:authenticated'],
    });
    expect(m.get('t2')?.groups).toEqual(['system:authenticated']);
  });
  it('names the bad line', () =>
    expect(() => parseTokenFile('t1,alice,1\nonly-a-token\n')).toThrow(/line 2/));
});
