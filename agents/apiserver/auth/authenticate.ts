// Who sent this request (upstream: apiserver/pkg/authentication/request/{x509,bearertoken,union}).
// x509 client certificates first, then the bearer token (static token file, then service-account
// JWT). The first authenticator that succeeds wins; if credentials were offered and none proved
// anything, the request is refused with a reason for the log (the client only sees "Unauthorized").
// No credentials at all → anonymous, which the filter lets through only to public paths.
//
//   CN=kubernetes-admin, O=system:masters (verified against --client-ca-file)
//     → { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] }

import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { clientCertificateUser } from '../../api/x509-user';
import { TokenError } from './service-account';
import { type UserInfo, withAuthenticatedGroup } from './user';

export type AuthnResult =
  | { kind: 'user'; user: UserInfo; via: 'x509' | 'token-file' | 'serviceaccount' }
  | { kind: 'anonymous' }
  | { kind: 'refused'; reason: string };

export interface Authenticators {
  /** Set when --client-ca-file is given: client certificates are verified by the TLS layer. */
  x509: boolean;
  tokens?: Map<string, UserInfo>;
  serviceAccounts?: (token: string) => Promise<UserInfo>;
}

export async function authenticate(req: IncomingMessage, a: Authenticators): Promise<AuthnResult> {
  const refusals: string[] = [];
  if (a.x509) {
    const cert = fromClientCertificate(req.socket as TLSSocket);
    if (cert.kind !== 'anonymous') {
      if (cert.kind === 'user') return cert;
      refusals.push(cert.reason);
    }
  }
  const token = bearerToken(req.headers.authorization);
  if (token !== undefined) {
    const r = await fromBearerToken(token, a);
    if (r.kind === 'user') return r;
    refusals.push(r.kind === 'refused' ? r.reason : 'bearer token not accepted');
  }
  return refusals.length ? { kind: 'refused', reason: refusals.join('; ') } : { kind: 'anonymous' };
}

/** CN is the user, each O a group (upstream's CommonNameUserConversion; api/x509-user.ts). */
export function fromClientCertificate(socket: TLSSocket): AuthnResult {
  const cert = clientCertificateUser(socket);
  if (cert.kind === 'none') return { kind: 'anonymous' };
  if (cert.kind === 'refused') return cert;
  const user = withAuthenticatedGroup({ username: cert.username, groups: cert.groups });
  return { kind: 'user', user, via: 'x509' };
}

/** The bearer-token half alone, for TokenReview (token-review.ts): the same answers as a request gets. */
export const tokenAuthenticator =
  (a: Authenticators) =>
  async (token: string): Promise<{ kind: 'user'; user: UserInfo } | { kind: 'refused'; reason: string }> => {
    const r = await fromBearerToken(token, a);
    return r.kind === 'user'
      ? r
      : { kind: 'refused', reason: r.kind === 'refused' ? r.reason : 'invalid bearer token' };
  };

async function fromBearerToken(token: string, a: Authenticators): Promise<AuthnResult> {
  if (!token) return { kind: 'refused', reason: 'empty bearer token' };
  const staticUser = a.tokens?.get(token);
  if (staticUser) return { kind: 'user', user: staticUser, via: 'token-file' };
  if (!a.serviceAccounts) return { kind: 'refused', reason: 'invalid bearer token' };
  try {
    return { kind: 'user', user: await a.serviceAccounts(token), via: 'serviceaccount' };
  } catch (err) {
    if (err instanceof TokenError) return { kind: 'refused', reason: err.message };
    return { kind: 'refused', reason: `invalid bearer token: ${(err as Error).message}` };
  }
}

/** `Bearer <token>` (case-insensitive scheme, as Go's bearer authenticator); other schemes are ignored. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^bearer(?:\s+(.*))?$/i.exec(header.trim());
  return m ? (m[1] ?? '').trim() : undefined;
}
