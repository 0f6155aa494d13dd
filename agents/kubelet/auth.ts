// Who may use the kubelet's API on --port, decided as upstream's kubelet does
// (pkg/kubelet/server/auth.go and server.go InstallAuthFilter):
//
//   1. authenticate: a client certificate verified against --client-ca-file (CN user, O groups);
//      else, with --authentication-token-webhook, a bearer token the apiserver vouches for
//      (TokenReview, auth-webhook.ts) — a token it does not know is 401;
//      nothing offered → system:anonymous when --anonymous-auth, else 401 "Unauthorized";
//   2. authorize: --authorization-mode=AlwaysAllow lets everyone through; Webhook asks the
//      apiserver whether the user may <verb> nodes/<subresource> named this node
//      (auth-webhook.ts), and a "no" is 403 with upstream's text.
//
// The bodies are upstream's plain text, not a Status: kubectl shows them as they are
// ("error: unable to upgrade connection: Forbidden (user=…, verb=create, resource=nodes, subresource(s)=[proxy])").

import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../api/log';
import { clientCertificateUser } from '../api/x509-user';

export interface KubeletUser {
  username: string;
  groups: string[];
}

/** The question an HTTP request to the kubelet poses: may `user` <verb> nodes/<subresource> <name>? */
export interface NodeAttributes {
  verb: string;
  resource: 'nodes';
  subresource: string;
  name: string;
}

export type Refusal = { code: 401 | 403 | 500; text: string };

export interface AuthOptions {
  /** --client-ca-file was given: certificates the TLS layer verified name their user. */
  x509: boolean;
  anonymousAuth: boolean;
  nodeName: string;
  /** Webhook mode's question to the apiserver; absent in AlwaysAllow mode. */
  authorize?: (user: KubeletUser, a: NodeAttributes) => Promise<boolean>;
  /** --authentication-token-webhook: whose bearer token this is, by TokenReview (undefined: nobody's). */
  reviewToken?: (token: string) => Promise<KubeletUser | undefined>;
  log?: Logger;
}

export const ANONYMOUS: KubeletUser = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

/** The verb the apiserver's RBAC would see for the same HTTP method (upstream: "" for the rest). */
const VERBS: Record<string, string> = {
  GET: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** Paths with a subresource of their own; everything else (exec, attach, portForward, containerLogs, run, pods, healthz) is `proxy`. */
const SUBRESOURCES: [prefix: string, subresource: string][] = [
  ['/stats', 'stats'],
  ['/metrics', 'metrics'],
  ['/logs', 'log'],
  ['/spec', 'spec'],
];

/**
 * The verb follows the HTTP method, so SPDY exec (POST) asks for `create` and WebSocket exec
 * (GET) for `get`, both on nodes/proxy, as upstream does.
 *
 *   GET  /stats/summary       → get    nodes/stats
 *   GET  /metrics/cadvisor    → get    nodes/metrics
 *   POST /exec/default/web/c  → create nodes/proxy
 */
export function requestAttributes(method: string, path: string, nodeName: string): NodeAttributes {
  const found = SUBRESOURCES.find(([prefix]) => isSubpath(path, prefix));
  return {
    verb: VERBS[method.toUpperCase()] ?? '',
    resource: 'nodes',
    subresource: found ? found[1] : 'proxy',
    name: nodeName,
  };
}

/** `/metrics` and `/metrics/cadvisor` are under /metrics; `/metricsfoo` is not (upstream isSubpath). */
function isSubpath(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** Upstream's text, word for word: `Forbidden (user=jane, verb=get, resource=nodes, subresource(s)=[proxy])`. */
export function forbiddenText(user: KubeletUser, a: NodeAttributes): string {
  return `Forbidden (user=${user.username}, verb=${a.verb}, resource=${a.resource}, subresource(s)=[${a.subresource}])\n`;
}

/** The user behind a request, or undefined when it must be refused with 401. */
export async function authenticate(
  req: IncomingMessage,
  o: Pick<AuthOptions, 'x509' | 'anonymousAuth' | 'reviewToken'>,
): Promise<KubeletUser | undefined> {
  if (o.x509) {
    const cert = clientCertificateUser(req.socket as TLSSocket);
    if (cert.kind === 'refused') return undefined;
    if (cert.kind === 'user')
      return { username: cert.username, groups: [...cert.groups, 'system:authenticated'] };
  }
  const token = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  // A token offered is judged, never ignored: a bad one is 401, not a fall back to anonymous.
  if (token && o.reviewToken) return o.reviewToken(token);
  return o.anonymousAuth ? ANONYMOUS : undefined;
}

/** The filter in front of every request and upgrade: undefined lets it through. */
export async function checkRequest(req: IncomingMessage, o: AuthOptions): Promise<Refusal | undefined> {
  let user: KubeletUser | undefined;
  try {
    user = await authenticate(req, o);
  } catch (err) {
    o.log?.warn('kubelet token review failed', { err: String(err) });
    return { code: 401, text: 'Unauthorized' };
  }
  if (!user) return { code: 401, text: 'Unauthorized' };
  if (!o.authorize) return undefined;
  const path = new URL(req.url ?? '/', 'https://kubelet').pathname;
  const attrs = requestAttributes(req.method ?? 'GET', path, o.nodeName);
  let allowed: boolean;
  try {
    allowed = await o.authorize(user, attrs);
  } catch (err) {
    o.log?.warn('kubelet authorization failed', { user: user.username, err: String(err) });
    return {
      code: 500,
      text: `Authorization error (user=${user.username}, verb=${attrs.verb}, resource=${attrs.resource}, subresource=${attrs.subresource})`,
    };
  }
  return allowed ? undefined : { code: 403, text: forbiddenText(user, attrs) };
}
