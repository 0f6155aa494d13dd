// The installer's own API client: the admin identity from the kubeconfig `up` wrote (steps/pki.ts),
// over TLS to the secure port, through the same client every agent uses.
import { createClient } from '../agents/client';
import { loadConnection } from '../agents/client/connection';
import type { ApiClient } from '../agents/client/types';
import type { Context } from './context';

export async function clusterClient(
  ctx: Context,
  userAgent: string,
  opts: { requestTimeoutMs?: number } = {},
): Promise<ApiClient> {
  const connection = await loadConnection({ kubeconfig: ctx.opts.kubeconfigPath, master: '' }, { env: {} });
  return createClient({ ...connection, userAgent, ...opts });
}
