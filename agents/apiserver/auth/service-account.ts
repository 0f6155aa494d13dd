// Service-account tokens (upstream: pkg/serviceaccount/jwt.go and claims.go), signed and
// checked with jose. Two shapes are accepted, as upstream does:
//   legacy  iss "kubernetes/serviceaccount", claims kubernetes.io/serviceaccount/{namespace,
//           service-account.name, service-account.uid}
//   bound   iss = --service-account-issuer, aud, exp, claim "kubernetes.io": {namespace,
//           serviceaccount: {name, uid}}
// Either way the ServiceAccount must still exist with the same uid: a token outlives nothing.

import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { decodeJwt, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { serviceAccountUser, type UserInfo } from './user';

export const LEGACY_ISSUER = 'kubernetes/serviceaccount';

export class TokenError extends Error {
  override name = 'TokenError';
}

/** The live ServiceAccount's uid, or undefined when it does not exist. */
export type ServiceAccountLookup = (namespace: string, name: string) => string | undefined;

export interface VerifierOptions {
  /** PEM text of --service-account-key-file (public or private keys; several may be concatenated). */
  keysPem: string[];
  issuers: string[];
  /** Accepted audiences of bound tokens (upstream --api-audiences, defaulting to the issuer). */
  audiences: string[];
  lookup: ServiceAccountLookup;
}

export function serviceAccountVerifier(o: VerifierOptions): (token: string) => Promise<UserInfo> {
  const keys = o.keysPem.flatMap(splitPem).map(toPublicKey);
  return async (token: string) => {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      throw new TokenError('malformed bearer token');
    }
    if (!claims.iss || !(claims.iss === LEGACY_ISSUER || o.issuers.includes(claims.iss)))
      throw new TokenError(`token issuer "${claims.iss ?? ''}" is not accepted`);
    const payload = await verifyWithAny(token, keys, claims.iss === LEGACY_ISSUER ? undefined : o.audiences);
    const sa = serviceAccountClaims(payload);
    const uid = o.lookup(sa.namespace, sa.name);
    if (uid === undefined)
      throw new TokenError(`service account ${sa.namespace}/${sa.name} has been deleted`);
    if (sa.uid && uid !== sa.uid)
      throw new TokenError(
        `service account UID (${sa.uid}) does not match ${sa.namespace}/${sa.name} (${uid})`,
      );
    return serviceAccountUser(sa.namespace, sa.name, uid);
  };
}

async function verifyWithAny(token: string, keys: KeyObject[], audiences?: string[]): Promise<JWTPayload> {
  let last: unknown;
  for (const key of keys) {
    try {
      const { payload } = await jwtVerify(token, key, audiences ? { audience: audiences } : {});
      return payload;
    } catch (err) {
      last = err;
      // Only a bad signature is worth trying the next key for.
      if ((err as { code?: string }).code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') break;
    }
  }
  throw new TokenError(`invalid service account token: ${(last as Error | undefined)?.message ?? 'no keys'}`);
}

function serviceAccountClaims(p: JWTPayload): { namespace: string; name: string; uid?: string } {
  const bound = p['kubernetes.io'] as
    | { namespace?: string; serviceaccount?: { name?: string; uid?: string } }
    | undefined;
  const namespace = bound?.namespace ?? (p['kubernetes.io/serviceaccount/namespace'] as string | undefined);
  const name =
    bound?.serviceaccount?.name ??
    (p['kubernetes.io/serviceaccount/service-account.name'] as string | undefined);
  const uid =
    bound?.serviceaccount?.uid ??
    (p['kubernetes.io/serviceaccount/service-account.uid'] as string | undefined);
  if (!namespace || !name) throw new TokenError('token names no service account');
  return { namespace, name, uid };
}

export interface TokenRequestSpec {
  issuer: string;
  namespace: string;
  name: string;
  uid: string;
  audiences: string[];
  expirationSeconds: number;
  now?: Date;
}

/** A bound token as upstream's TokenRequest issues it (also what tests use to log in as an SA). */
export async function issueServiceAccountToken(signingKeyPem: string, s: TokenRequestSpec): Promise<string> {
  const key = createPrivateKey(signingKeyPem);
  const iat = Math.floor((s.now ?? new Date()).getTime() / 1000);
  return new SignJWT({
    'kubernetes.io': { namespace: s.namespace, serviceaccount: { name: s.name, uid: s.uid } },
  })
    .setProtectedHeader({ alg: algFor(key) })
    .setIssuer(s.issuer)
    .setSubject(`system:serviceaccount:${s.namespace}:${s.name}`)
    .setAudience(s.audiences)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + s.expirationSeconds)
    .sign(key);
}

function algFor(key: KeyObject): string {
  if (key.asymmetricKeyType === 'ec') return 'ES256';
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  throw new Error(`unsupported service-account key type ${key.asymmetricKeyType}`);
}

function splitPem(text: string): string[] {
  return text.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
}

function toPublicKey(pem: string): KeyObject {
  return createPublicKey(pem);
}
