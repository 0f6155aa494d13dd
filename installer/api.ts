// The installer's own API client: the admin identity from the kubeconfig `up` wrote (steps/pki.ts),
// over TLS to the secure port, through the same client every agent uses.
import { createClient } from '../agents/client';
import { loadClientConfig } from '../agents/client/kubeconfig';
import type { ApiClient } from '../agents/client/types';
import type { Context } from './context';

export function clusterClient(
  ctx: Context,
  userAgent: string,
  opts: { requestTimeoutMs?: number } = {},
): ApiClient {
  return createClient({ ...loadClientConfig({ kubeconfig: ctx.opts.kubeconfigPath }), userAgent, ...opts });
}
