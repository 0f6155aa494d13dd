// componentstatuses: computed on every read, never stored (upstream: registry/core/componentstatus).
// etcd-0 is healthy when etcd answers a read; scheduler and controller-manager are probed at
// their /healthz URLs. `kubectl get cs` shows STATUS Healthy/Unhealthy, MESSAGE and ERROR.

import { notFound } from '../../api/errors';
import { R } from '../../api/resources';
import type { KubeObject } from '../../api/types';

export interface ComponentProbe {
  name: string;
  /** Resolves with the message on success; throws with the error otherwise. */
  probe(): Promise<string>;
}

export function httpProbe(name: string, url: string, timeoutMs = 2000): ComponentProbe {
  return {
    name,
    async probe() {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) }).catch((err: unknown) => {
        throw new Error(fetchFailure(url, err));
      });
      const body = (await res.text()).trim();
      if (!res.ok) throw new Error(`Get "${url}": HTTP ${res.status}: ${body}`);
      return body || 'ok';
    },
  };
}

/** Go's wording for a failed GET, as `kubectl get cs` shows it upstream. */
export function fetchFailure(url: string, err: unknown): string {
  const cause = (err as { cause?: { code?: string } })?.cause;
  const host = new URL(url).host;
  if (cause?.code === 'ECONNREFUSED') return `Get "${url}": dial tcp ${host}: connect: connection refused`;
  if ((err as Error)?.name === 'TimeoutError') return `Get "${url}": context deadline exceeded`;
  return `Get "${url}": ${err instanceof Error ? err.message : String(err)}`;
}

async function statusOf(p: ComponentProbe): Promise<KubeObject> {
  let condition: Record<string, string>;
  try {
    condition = { type: 'Healthy', status: 'True', message: await p.probe() };
  } catch (err) {
    condition = { type: 'Healthy', status: 'False', error: err instanceof Error ? err.message : String(err) };
  }
  return { kind: 'ComponentStatus', apiVersion: 'v1', metadata: { name: p.name }, conditions: [condition] };
}

export async function listComponentStatuses(probes: ComponentProbe[]): Promise<KubeObject[]> {
  const items = await Promise.all(probes.map(statusOf));
  return items.sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
}

export async function getComponentStatus(probes: ComponentProbe[], name: string): Promise<KubeObject> {
  const p = probes.find((x) => x.name === name);
  if (!p) throw notFound({ group: '', resource: R.componentstatuses.resource }, name);
  return statusOf(p);
}
