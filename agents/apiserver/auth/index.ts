// Security wiring for the apiserver (issue 9): flags → authenticators, the authorizer chain, the
// review endpoints and the bootstrap RBAC policy. index.ts calls `securityFromFlags` once;
// server.ts calls `gate` per request on the secure port and `serveReview` for review resources.
//
// Without --secure-port nothing here runs on the request path: the insecure port keeps serving
// every request as upstream's old insecure port did, as `system:unsecured` in system:masters.

import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAlreadyExists } from '../../api/errors';
import type { Logger } from '../../api/log';
import { R, type ResourceInfo } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import { decodeObject, type ProtobufCodec, readBody } from '../body';
import type { RestStorage } from '../registry/rest';
import type { TokenIssuerConfig } from '../registry/token-request';
import type { ResourceRequest } from '../request-info';
import { sendJson } from '../respond';
import type { WatchCache } from '../storage/watch-cache';
import { type Authenticators, tokenAuthenticator } from './authenticate';
import { type Authorize, authorizerChain, parseAuthorizationModes } from './authorizer';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap-policy';
import { type AuthGate, authGate } from './filter';
import { type RbacPolicy, rulesFor } from './rbac';
import { type ReviewDeps, review } from './reviews';
import { serviceAccountVerifier } from './service-account';
import { parseTokenFile } from './token-file';
import { type TokenAuthenticator, tokenReview } from './token-review';
import { SYSTEM_MASTERS, type UserInfo } from './user';

export interface SecurityFlags {
  securePort: number;
  tlsCertFile: string;
  tlsPrivateKeyFile: string;
  clientCaFile: string;
  serviceAccountKeyFile: string;
  serviceAccountSigningKeyFile: string;
  serviceAccountIssuer: string;
  apiAudiences: string;
  tokenAuthFile: string;
  authorizationMode: string;
}

export interface Security {
  /** Set when --secure-port is: key, cert and the CA that verifies client certificates. */
  tls?: { key: Buffer; cert: Buffer; ca?: Buffer };
  gate?: AuthGate;
  reviews: ReviewDeps;
  usesRbac: boolean;
}

/** The token audiences this server accepts and issues by default (upstream --api-audiences). */
export function apiAudiences(f: Pick<SecurityFlags, 'apiAudiences' | 'serviceAccountIssuer'>): string[] {
  const list = (s: string) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  if (f.apiAudiences) return list(f.apiAudiences);
  // Upstream: "defaults to a single element list containing the issuer URL" (the first issuer).
  const [issuer] = list(f.serviceAccountIssuer);
  return [issuer ?? 'https://kubernetes.default.svc.cluster.local'];
}

/**
 * What TokenRequest signs with, when --service-account-signing-key-file is set; upstream refuses
 * to start with a signing key but no issuer, and so do we.
 */
export function tokenSigningFromFlags(f: SecurityFlags): TokenIssuerConfig | undefined {
  if (!f.serviceAccountSigningKeyFile) return undefined;
  const [issuer] = f.serviceAccountIssuer.split(',').filter(Boolean);
  if (!issuer) throw new Error('--service-account-signing-key-file needs --service-account-issuer');
  return {
    issuer,
    signingKeyPem: readFileSync(f.serviceAccountSigningKeyFile, 'utf8'),
    audiences: apiAudiences(f),
  };
}

/** Upstream's insecure-port user (removed upstream in 1.20; kept here while components use HTTP). */
export const UNSECURED_USER: UserInfo = {
  username: 'system:unsecured',
  groups: [SYSTEM_MASTERS, 'system:authenticated'],
};

export function securityFromFlags(
  f: SecurityFlags,
  caches: Map<ResourceInfo, WatchCache>,
  log: Logger,
): Security {
  const modes = parseAuthorizationModes(f.authorizationMode);
  const objs = (r: ResourceInfo) =>
    caches
      .get(r)
      ?.snapshot()
      .map((e) => e.obj) ?? [];
  const policy = (): RbacPolicy => ({
    clusterRoles: objs(R.clusterroles),
    roles: objs(R.roles),
    clusterRoleBindings: objs(R.clusterrolebindings),
    roleBindings: objs(R.rolebindings),
  });
  const authorize: Authorize = authorizerChain(modes, {
    rbac: policy,
    nodes: {
      podsOn: (node) => objs(R.pods).filter((p) => (p.spec as { nodeName?: string })?.nodeName === node),
      pod: (ns, name) =>
        caches
          .get(R.pods)
          ?.snapshot(ns)
          .find((e) => e.obj.metadata?.name === name)?.obj,
    },
  });
  const reviews: ReviewDeps = {
    authorize,
    rulesFor: (user, ns) => {
      if (user.groups.includes(SYSTEM_MASTERS) || modes[0] === 'AlwaysAllow')
        return [
          { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
          { nonResourceURLs: ['*'], verbs: ['*'] },
        ];
      return modes.includes('RBAC') ? rulesFor(user, ns, policy()) : [];
    },
  };
  const usesRbac = modes.includes('RBAC');
  if (!f.securePort) return { reviews, usesRbac };
  if (!f.tlsCertFile || !f.tlsPrivateKeyFile)
    throw new Error('--secure-port needs --tls-cert-file and --tls-private-key-file');

  const authn: Authenticators = { x509: !!f.clientCaFile };
  if (f.tokenAuthFile) authn.tokens = parseTokenFile(readFileSync(f.tokenAuthFile, 'utf8'));
  // Tokens this server signs always verify here, even when the key file lists only older keys.
  const keyFiles = [f.serviceAccountKeyFile, f.serviceAccountSigningKeyFile]
    .join(',')
    .split(',')
    .filter(Boolean);
  if (keyFiles.length) {
    const issuers = f.serviceAccountIssuer ? f.serviceAccountIssuer.split(',') : [];
    const live = (r: ResourceInfo, ns: string, name: string) => caches.get(r)?.get(ns, name);
    authn.serviceAccounts = serviceAccountVerifier({
      keysPem: keyFiles.map((p) => readFileSync(p, 'utf8')),
      issuers,
      audiences: apiAudiences(f),
      lookup: (ns, name) => live(R.serviceaccounts, ns, name)?.metadata?.uid,
      boundObject: (kind, ns, name) => live(kind === 'pod' ? R.pods : R.secrets, ns, name)?.metadata,
    });
  }
  reviews.tokens = { authenticateToken: tokenAuthenticator(authn), apiAudiences: apiAudiences(f) };
  return {
    tls: {
      cert: readFileSync(f.tlsCertFile),
      key: readFileSync(f.tlsPrivateKeyFile),
      ...(f.clientCaFile ? { ca: readFileSync(f.clientCaFile) } : {}),
    },
    gate: authGate(authn, authorize, log),
    reviews,
    usesRbac,
  };
}

/** Without the secure port there are no token authenticators: every token is unknown. */
const noTokens: TokenAuthenticator = async () => ({
  kind: 'refused',
  reason: 'this server authenticates no tokens',
});

/** POST to a review resource: decode, answer, store nothing (201 as upstream). */
export async function serveReview(
  info: ResourceRequest,
  req: IncomingMessage,
  res: ServerResponse,
  user: UserInfo,
  deps: ReviewDeps,
  maxBodyBytes: number,
  protobuf?: ProtobufCodec,
): Promise<void> {
  const body = decodeObject(req.headers['content-type'], await readBody(req, maxBodyBytes), protobuf);
  if (info.resource.resource === 'tokenreviews') {
    const tokens = deps.tokens ?? { authenticateToken: noTokens, apiAudiences: [] };
    return sendJson(res, 201, await tokenReview(body, tokens, info.version));
  }
  sendJson(res, 201, review(info.resource, body, user, deps, info.version));
}

/** Create the bootstrap roles and bindings that are missing (upstream's rbac/bootstrap-roles hook). */
export async function ensureBootstrapPolicy(rest: RestStorage): Promise<void> {
  const want: [ResourceInfo, KubeObject[]][] = [
    [R.clusterroles, bootstrapClusterRoles],
    [R.clusterrolebindings, bootstrapClusterRoleBindings],
  ];
  for (const [r, objs] of want)
    for (const obj of objs) {
      try {
        await rest.create(r, undefined, structuredClone(obj));
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        await reconcileBootstrapObject(rest, r, obj);
      }
    }
}

/**
 * An existing bootstrap role or binding is brought up to this version's policy (upstream's
 * reconciliation on start), so a cluster upgraded in place gets the permissions its new
 * components need — unless an admin set `rbac.authorization.kubernetes.io/autoupdate: "false"`.
 */
async function reconcileBootstrapObject(rest: RestStorage, r: ResourceInfo, want: KubeObject): Promise<void> {
  const name = want.metadata?.name ?? '';
  const have = await rest.get(r, undefined, name);
  if (have.metadata?.annotations?.['rbac.authorization.kubernetes.io/autoupdate'] === 'false') return;
  // aggregated roles (admin/edit/view) get their rules from the aggregation controller: keep those
  const aggregated = Boolean(want.aggregationRule);
  const fields = ['aggregationRule', 'roleRef', 'subjects', ...(aggregated ? [] : ['rules'])];
  const differs = fields.some((f) => JSON.stringify(have[f] ?? null) !== JSON.stringify(want[f] ?? null));
  if (!differs) return;
  const rules = aggregated ? have.rules : want.rules;
  await rest.update(r, undefined, name, {
    ...have,
    ...structuredClone(want),
    rules,
    metadata: have.metadata,
  });
}
