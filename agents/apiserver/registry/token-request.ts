// POST serviceaccounts/<name>/token: TokenRequest (upstream: pkg/registry/core/serviceaccount/
// storage/token.go). Answered, never stored:
//
//   1. metadata.name/namespace, when given, must match the URL                          (422)
//   2. the ServiceAccount must exist                                                   (404)
//   3. defaults: audiences = --api-audiences, expirationSeconds = 3600; at least 600 s (422)
//   4. spec.boundObjectRef: a Pod running as this account, or a Secret; it must exist
//      (404) and have the uid the ref names, if it names one                          (409)
//   5. a node may only ask for tokens bound to a pod on it (auth/node-restriction.ts)  (403)
//   6. sign with --service-account-signing-key-file; 201 with status.token and
//      status.expirationTimestamp (now + expirationSeconds, never later than the token's exp)
//
//   kubectl create token default -n demo --duration=1h
//   kubectl create token default -n demo --bound-object-kind=Pod --bound-object-name=web

import { randomUUID } from 'node:crypto';
import { badRequest, conflict, forbidden, invalid } from '../../api/errors';
import { R } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import { invalid as invalidField } from '../admission/field-errors';
import { type BoundObjectRef, nodeTokenRequestProblem } from '../auth/node-restriction';
import { issueServiceAccountToken, type ObjectRef } from '../auth/service-account';
import { nodeName, type UserInfo } from '../auth/user';
import type { RestStorage } from './rest';

const KIND = 'TokenRequest';
const GROUP = 'authentication.k8s.io';
export const DEFAULT_EXPIRATION_SECONDS = 3600;
/** Upstream's ValidateTokenRequest bounds: ten minutes to 2^32 seconds. */
export const MIN_EXPIRATION_SECONDS = 600;
export const MAX_EXPIRATION_SECONDS = 2 ** 32;

export interface TokenRequestSpec {
  audiences: string[];
  expirationSeconds: number;
  boundObjectRef?: BoundObjectRef | null;
}

export interface TokenIssuerConfig {
  /** --service-account-issuer (the first, when several are accepted). */
  issuer: string;
  /** --service-account-signing-key-file, as PEM. */
  signingKeyPem: string;
  /** --api-audiences: what a request without spec.audiences gets. */
  audiences: string[];
  now?: () => Date;
  newJti?: () => string;
}

/** Answers one TokenRequest as `user`; index.ts builds it when a signing key is configured. */
export type TokenRequester = (
  namespace: string,
  name: string,
  body: KubeObject,
  user: UserInfo,
) => Promise<KubeObject>;

/** Step 1: the body may name the account, but only the one on the URL. */
export function namesMismatch(body: KubeObject, namespace: string, name: string): void {
  const meta = body.metadata ?? {};
  if (meta.name && meta.name !== name)
    throw invalid(KIND, GROUP, name, [
      invalidField('metadata.name', meta.name, 'must match the service account name if specified'),
    ]);
  if (meta.namespace && meta.namespace !== namespace)
    throw invalid(KIND, GROUP, name, [
      invalidField(
        'metadata.namespace',
        meta.namespace,
        'must match the service account namespace if specified',
      ),
    ]);
}

/**
 * Step 3, pure: the spec with upstream's defaults, or a 422.
 *   {}                              → {audiences: apiAudiences, expirationSeconds: 3600}
 *   {expirationSeconds: 300}        → 422 "may not specify a duration less than 10 minutes"
 */
export function defaultTokenRequestSpec(spec: Partial<TokenRequestSpec> | undefined, apiAudiences: string[]) {
  const out: TokenRequestSpec = {
    audiences: spec?.audiences?.length ? [...spec.audiences] : [...apiAudiences],
    expirationSeconds: spec?.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS,
    boundObjectRef: spec?.boundObjectRef ?? null,
  };
  const seconds = out.expirationSeconds;
  const path = 'spec.expirationSeconds';
  if (typeof seconds !== 'number' || !Number.isInteger(seconds))
    throw invalid(KIND, GROUP, '', [invalidField(path, seconds, 'must be an integer')]);
  if (seconds < MIN_EXPIRATION_SECONDS)
    throw invalid(KIND, GROUP, '', [
      invalidField(path, seconds, 'may not specify a duration less than 10 minutes'),
    ]);
  if (seconds > MAX_EXPIRATION_SECONDS)
    throw invalid(KIND, GROUP, '', [
      invalidField(path, seconds, 'may not specify a duration larger than 2^32 seconds'),
    ]);
  return out;
}

/** The API types a token can be bound to (Go's GroupVersionKind.String() in the refusal). */
function boundResource(ref: BoundObjectRef) {
  const [group, version] = (ref.apiVersion ?? '').includes('/')
    ? (ref.apiVersion ?? '').split('/')
    : ['', ref.apiVersion ?? ''];
  if (group === '' && ref.kind === 'Pod') return { r: R.pods, kind: 'pod' as const };
  if (group === '' && ref.kind === 'Secret') return { r: R.secrets, kind: 'secret' as const };
  throw badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${ref.kind ?? ''}`);
}

export function tokenRequests(rest: RestStorage, cfg: TokenIssuerConfig): TokenRequester {
  const now = cfg.now ?? (() => new Date());
  const newJti = cfg.newJti ?? randomUUID;
  return async (namespace, name, body, user) => {
    namesMismatch(body, namespace, name);
    const sa = await rest.get(R.serviceaccounts, namespace, name);
    const spec = defaultTokenRequestSpec(body.spec as Partial<TokenRequestSpec> | undefined, cfg.audiences);
    const issuedAt = now();

    const bound: { pod?: ObjectRef; secret?: ObjectRef } = {};
    const ref = spec.boundObjectRef;
    if (ref) {
      const { r, kind } = boundResource(ref);
      const obj = await rest.get(r, namespace, ref.name ?? '');
      if (kind === 'pod' && (obj.spec as { serviceAccountName?: string })?.serviceAccountName !== name)
        throw badRequest(
          `cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`,
        );
      const uid = obj.metadata?.uid ?? '';
      if (ref.uid && ref.uid !== uid)
        throw conflict(
          { group: '', resource: ref.kind ?? '' },
          ref.name ?? '',
          `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
        );
      bound[kind] = { name: ref.name ?? '', uid };
    }
    const node = nodeName(user);
    if (node) {
      const pod = bound.pod ? await rest.get(R.pods, namespace, bound.pod.name) : undefined;
      const why = nodeTokenRequestProblem(node, ref ?? undefined, pod);
      if (why) throw forbidden({ group: '', resource: 'serviceaccounts' }, name, why);
    }

    const token = await issueServiceAccountToken(cfg.signingKeyPem, {
      issuer: cfg.issuer,
      namespace,
      name,
      uid: sa.metadata?.uid ?? '',
      audiences: spec.audiences,
      expirationSeconds: spec.expirationSeconds,
      now: issuedAt,
      jti: newJti(),
      ...bound,
    });
    // Whole seconds, as the token's own iat: the answer never promises more than exp allows.
    const iat = Math.floor(issuedAt.getTime() / 1000) * 1000;
    return {
      kind: KIND,
      apiVersion: `${GROUP}/v1`,
      metadata: { name, namespace, creationTimestamp: isoSeconds(new Date(iat)) },
      spec,
      status: {
        token,
        expirationTimestamp: isoSeconds(new Date(iat + spec.expirationSeconds * 1000)),
      },
    };
  };
}

function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}
