// The authentication and authorization step in front of every request on the secure port
// (upstream: endpoints/filters/{authentication,authorization}.go).
//
//   no credentials, path /healthz|/livez|/readyz|/version   → system:anonymous, then authorized
//   no credentials, any other path                         → 401 Unauthorized
//   credentials that prove nothing (expired cert, bad JWT) → 401, the reason in the log only
//   Impersonate-User (kubectl --as) not allowed to caller  → 403; allowed → runs as that user
//   authenticated, no authorizer allows                    → 403 with upstream's message
//
// Anonymous access is limited to the public-info paths as with upstream's structured
// authentication config (anonymous.conditions, 1.32), so a stranger cannot even learn which
// groups exist.

import type { IncomingMessage } from 'node:http';
import { forbidden, unauthorized } from '../../api/errors';
import type { Logger } from '../../api/log';
import type { RequestInfo } from '../request-info';
import { attributesFor, forbiddenMessage } from './attributes';
import { type Authenticators, authenticate } from './authenticate';
import type { Authorize } from './authorizer';
import { planImpersonation } from './impersonation';
import { anonymousUser, type UserInfo } from './user';

export const ANONYMOUS_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

export type AuthGate = (req: IncomingMessage, info: RequestInfo | undefined) => Promise<UserInfo>;

export function authGate(authn: Authenticators, authorize: Authorize, log: Logger): AuthGate {
  return async (req, info) => {
    const who = await authenticate(req, authn);
    let user: UserInfo;
    if (who.kind === 'refused') {
      log.warn('Unable to authenticate the request', { url: req.url, reason: who.reason });
      throw unauthorized();
    }
    if (who.kind === 'anonymous') {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (!ANONYMOUS_PATHS.has(path)) throw unauthorized();
      user = anonymousUser();
    } else user = who.user;
    const impersonation = who.kind === 'anonymous' ? undefined : planImpersonation(user, req.headers);
    if (impersonation) {
      for (const c of impersonation.checks) {
        if (authorize(c).decision === 'allow') continue;
        const why = `User "${user.username}" cannot impersonate resource "${c.resource}" in API group "${c.apiGroup}"${c.namespace ? ` in the namespace "${c.namespace}"` : ''}`;
        log.info('Forbidden impersonation', { user: user.username, as: c.name });
        throw forbidden({ group: c.apiGroup, resource: c.resource }, c.name ?? '', why);
      }
      user = impersonation.user;
    }
    // A URL that does not parse is answered 400 by the router; there is nothing to authorize.
    if (!info) return user;
    const a = attributesFor(user, req.method ?? 'GET', info);
    const d = authorize(a);
    if (d.decision === 'allow') return user;
    if (who.kind === 'anonymous') throw unauthorized();
    const why = forbiddenMessage(a);
    // Which object, so a refusal in the journal can be told apart from a race (a pod deleted
    // while its node was still fetching its ConfigMaps) or a missing rule.
    const target =
      a.kind === 'resource'
        ? `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''} ${a.namespace ?? ''}/${a.name ?? ''}`
        : `${a.verb} ${a.path}`;
    log.info('Forbidden', { user: user.username, target, reason: d.reason || why });
    throw a.kind === 'resource'
      ? forbidden({ group: a.apiGroup, resource: a.resource }, a.name ?? '', why)
      : forbidden({ group: '', resource: '' }, '', why);
  };
}
