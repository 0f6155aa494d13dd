// Service-account tokens (upstream: pkg/serviceaccount/jwt.go and claims.go), signed and
// checked with jose. Two shapes are accepted, as upstream does:
//   legacy  iss "kubernetes/serviceaccount", claims kubernetes.io/serviceaccount/{namespace,
//           service-account.name, service-account.uid}
//   bound   iss = --service-account-issuer, aud, exp, claim "kubernetes.io": {namespace,
//           serviceaccount: {name, uid}, pod|secret: {name, uid}}
// Either way the ServiceAccount must still exist with the same uid: a token outlives nothing.
// A bound token also dies with the Pod or Secret it names — once that object is gone, has
// another uid, or was marked for deletion more than a minute ago (upstream's grace).

import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { decodeJwt, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { TtlCache } from '../../api/ttl-cache';
import { serviceAccountUser, type UserInfo } from './user';

export const LEGACY_ISSUER = 'kubernetes/serviceaccount';

/** How long a token bound to a deleted object keeps working after its deletionTimestamp. */
export const BOUND_OBJECT_DELETION_GRACE_MS = 60_000;

export class TokenError extends Error {
  override name = 'TokenError';
}

/** The live ServiceAccount's uid, or undefined when it does not exist. */
export type ServiceAccountLookup = (namespace: string, name: string) => string | undefined;

/** What the verifier needs of a Pod or Secret a token is bound to. */
export interface LiveObject {
  uid?: string;
  deletionTimestamp?: string;
}

export type BoundKind = 'pod' | 'secret';

export type BoundObjectLookup = (kind: BoundKind, namespace: string, name: string) => LiveObject | undefined;

export interface VerifierOptions {
  /** PEM text of --service-account-key-file (public or private keys; several may be concatenated). */
  keysPem: string[];
  issuers: string[];
  /** Accepted audiences of bound tokens (upstream --api-audiences, defaulting to the issuer). */
  audiences: string[];
  lookup: ServiceAccountLookup;
  /** Pods and Secrets that bound tokens name; without it, bound objects are not checked. */
  boundObject?: BoundObjectLookup;
  now?: () => Date;
}

export interface ObjectRef {
  name: string;
  uid: string;
}

/**
 * How long a token whose signature checked out is believed without checking it again (never past
 * its exp). Upstream caches a successful token authentication for 10 s (TokenSuccessCacheTTL);
 * here only the signature and claims are cached — the ServiceAccount and the bound Pod or Secret
 * are looked up on every request, so a deleted account's token is refused at once. The check
 * is an ES256/RS256 verification through WebCrypto: 0.17 ms p50 but 3.4 ms p99 (bench
 * apiserver-auth), most of a service account's GET.
 */
export const VERIFIED_TOKEN_TTL_MS = 10_000;
const VERIFIED_TOKENS_KEPT = 4096;

export function serviceAccountVerifier(o: VerifierOptions): (token: string) => Promise<UserInfo> {
  const keys = o.keysPem.flatMap(splitPem).map(toPublicKey);
  const now = () => o.now?.() ?? new Date();
  const verified = new TtlCache<JWTPayload>(VERIFIED_TOKENS_KEPT, () => now().getTime());
  return async (token: string) => {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      throw new TokenError('malformed bearer token');
    }
    if (!claims.iss || !(claims.iss === LEGACY_ISSUER || o.issuers.includes(claims.iss)))
      throw new TokenError(`token issuer "${claims.iss ?? ''}" is not accepted`);
    // Keyed by the token's hash: the token itself is not kept past its request.
    const key = createHash('sha256').update(token).digest('base64');
    let payload = verified.get(key)?.value;
    if (!payload) {
      const audiences = claims.iss === LEGACY_ISSUER ? undefined : o.audiences;
      payload = await verifyWithAny(token, keys, now(), audiences);
      const untilExpiry =
        payload.exp === undefined ? Number.POSITIVE_INFINITY : payload.exp * 1000 - now().getTime();
      verified.set(key, payload, Math.min(VERIFIED_TOKEN_TTL_MS, untilExpiry));
    }
    const sa = serviceAccountClaims(payload);
    const uid = o.lookup(sa.namespace, sa.name);
    if (uid === undefined)
      throw new TokenError(`service account ${sa.namespace}/${sa.name} has been deleted`);
    if (sa.uid && uid !== sa.uid)
      throw new TokenError(
        `service account UID (${sa.uid}) does not match ${sa.namespace}/${sa.name} (${uid})`,
      );
    const at = now();
    for (const [kind, ref] of [
      ['secret', sa.secret],
      ['pod', sa.pod],
    ] as const) {
      if (!ref || !o.boundObject) continue;
      const why = boundObjectProblem(
        kind,
        sa.namespace,
        ref,
        o.boundObject(kind, sa.namespace, ref.name),
        at,
      );
      if (why) throw new TokenError(`service account token has been invalidated: ${why}`);
    }
    const user = serviceAccountUser(sa.namespace, sa.name, uid);
    const extra = userExtra(sa);
    return Object.keys(extra).length ? { ...user, extra } : user;
  };
}

/**
 * Why a token bound to `ref` no longer holds, or undefined while it does (upstream's validator):
 *   object gone                              → "bound pod demo/web does not exist"
 *   deleted at 12:00:00, now 12:00:30        → still valid (a minute's grace for shutdown)
 *   deleted at 12:00:00, now 12:01:01        → "bound pod demo/web was deleted at …"
 *   same name, new uid                       → "pod UID (new) does not match … claim (old)"
 */
export function boundObjectProblem(
  kind: BoundKind,
  namespace: string,
  ref: ObjectRef,
  live: LiveObject | undefined,
  now: Date,
): string | undefined {
  const what = `bound ${kind} ${namespace}/${ref.name}`;
  if (!live) return `${what} does not exist`;
  const deleted = live.deletionTimestamp ? Date.parse(live.deletionTimestamp) : Number.NaN;
  if (deleted + BOUND_OBJECT_DELETION_GRACE_MS < now.getTime())
    return `${what} was deleted at ${live.deletionTimestamp}`;
  if (ref.uid !== live.uid)
    return `${kind} UID (${live.uid}) does not match service account ${kind} ref claim (${ref.uid})`;
  return undefined;
}

async function verifyWithAny(
  token: string,
  keys: KeyObject[],
  currentDate: Date,
  audiences?: string[],
): Promise<JWTPayload> {
  let last: unknown;
  for (const key of keys) {
    try {
      const { payload } = await jwtVerify(
        token,
        key,
        audiences ? { audience: audiences, currentDate } : { currentDate },
      );
      return payload;
    } catch (err) {
      last = err;
      // Only a bad signature is worth trying the next key for.
      if ((err as { code?: string }).code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') break;
    }
  }
  throw new TokenError(`invalid service account token: ${(last as Error | undefined)?.message ?? 'no keys'}`);
}

interface ServiceAccountClaims {
  namespace: string;
  name: string;
  uid?: string;
  pod?: ObjectRef;
  secret?: ObjectRef;
  jti?: string;
}

interface PrivateClaims {
  namespace?: string;
  serviceaccount?: { name?: string; uid?: string };
  pod?: { name?: string; uid?: string };
  secret?: { name?: string; uid?: string };
}

function serviceAccountClaims(p: JWTPayload): ServiceAccountClaims {
  const bound = p['kubernetes.io'] as PrivateClaims | undefined;
  const namespace = bound?.namespace ?? (p['kubernetes.io/serviceaccount/namespace'] as string | undefined);
  const name =
    bound?.serviceaccount?.name ??
    (p['kubernetes.io/serviceaccount/service-account.name'] as string | undefined);
  const uid =
    bound?.serviceaccount?.uid ??
    (p['kubernetes.io/serviceaccount/service-account.uid'] as string | undefined);
  if (!namespace || !name) throw new TokenError('token names no service account');
  const ref = (r?: { name?: string; uid?: string }) =>
    r?.name ? { name: r.name, uid: r.uid ?? '' } : undefined;
  return { namespace, name, uid, pod: ref(bound?.pod), secret: ref(bound?.secret), jti: p.jti };
}

/** The user's extra fields upstream adds for bound tokens (kubectl auth whoami prints them). */
function userExtra(sa: ServiceAccountClaims): Record<string, string[]> {
  const extra: Record<string, string[]> = {};
  if (sa.jti) extra['authentication.kubernetes.io/credential-id'] = [`JTI=${sa.jti}`];
  if (sa.pod) {
    extra['authentication.kubernetes.io/pod-name'] = [sa.pod.name];
    extra['authentication.kubernetes.io/pod-uid'] = [sa.pod.uid];
  }
  return extra;
}

export interface TokenRequestSpec {
  issuer: string;
  namespace: string;
  name: string;
  uid: string;
  audiences: string[];
  expirationSeconds: number;
  now?: Date;
  /** The object the token dies with (TokenRequest spec.boundObjectRef): at most one of them. */
  pod?: ObjectRef;
  secret?: ObjectRef;
  /** A unique token id (upstream's jti, ServiceAccountTokenJTI). */
  jti?: string;
}

/**
 * The claims of a bound token (upstream serviceaccount.Claims), pure:
 *   demo/default bound to pod web, 3600 s, at t →
 *   { iss, sub: "system:serviceaccount:demo:default", aud, iat: t, nbf: t, exp: t + 3600,
 *     "kubernetes.io": { namespace: "demo", serviceaccount: {name, uid}, pod: {name: "web", uid} } }
 */
export function boundTokenClaims(s: TokenRequestSpec): JWTPayload {
  const iat = Math.floor((s.now ?? new Date()).getTime() / 1000);
  return {
    aud: s.audiences,
    exp: iat + s.expirationSeconds,
    iat,
    iss: s.issuer,
    ...(s.jti ? { jti: s.jti } : {}),
    'kubernetes.io': {
      namespace: s.namespace,
      ...(s.pod ? { pod: { name: s.pod.name, uid: s.pod.uid } } : {}),
      ...(s.secret ? { secret: { name: s.secret.name, uid: s.secret.uid } } : {}),
      serviceaccount: { name: s.name, uid: s.uid },
    },
    nbf: iat,
    sub: `system:serviceaccount:${s.namespace}:${s.name}`,
  };
}

/** A bound token as upstream's TokenRequest issues it (also what tests use to log in as an SA). */
export async function issueServiceAccountToken(signingKeyPem: string, s: TokenRequestSpec): Promise<string> {
  const key = createPrivateKey(signingKeyPem);
  return new SignJWT(boundTokenClaims(s)).setProtectedHeader({ alg: algFor(key) }).sign(key);
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
