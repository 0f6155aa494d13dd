import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bearerToken } from './authenticate';
import { issueServiceAccountToken, serviceAccountVerifier, TokenError } from './service-account';
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
const verify = serviceAccountVerifier({
  keysPem: [key.pub],
  issuers: [ISSUER],
  audiences: [ISSUER],
  lookup: (ns, name) => accounts.get(`${ns}/${name}`),
});
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
