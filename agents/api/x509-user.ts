// Who a verified TLS client certificate names (upstream: apiserver/pkg/authentication/request/x509,
// CommonNameUserConversion): CN is the user, each O a group. The apiserver and the kubelet both
// authenticate this way; the server's TLS layer has already checked the chain against its
// client CA (requestCert with rejectUnauthorized off, so an unverified certificate reaches us and
// earns a 401 instead of a reset connection).
//
//   CN=kubernetes-admin, O=system:masters → { username: 'kubernetes-admin', groups: ['system:masters'] }

import type { TLSSocket } from 'node:tls';

export type CertificateUser =
  | { kind: 'user'; username: string; groups: string[] }
  | { kind: 'none' }
  | { kind: 'refused'; reason: string };

export function clientCertificateUser(socket: TLSSocket): CertificateUser {
  if (typeof socket.getPeerCertificate !== 'function') return { kind: 'none' };
  const peer = socket.getPeerCertificate();
  if (!peer?.subject) return { kind: 'none' };
  if (!socket.authorized)
    return {
      kind: 'refused',
      reason: `x509: client certificate "${peer.subject.CN}": ${socket.authorizationError}`,
    };
  const cn = peer.subject.CN;
  if (!cn || Array.isArray(cn))
    return { kind: 'refused', reason: 'x509: client certificate has no single CN' };
  const o = peer.subject.O;
  const groups = o === undefined ? [] : Array.isArray(o) ? o : [o];
  return { kind: 'user', username: cn, groups };
}
