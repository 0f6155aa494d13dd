import { describe, expect, it } from 'vitest';
import { notFound, tooManyRequests } from '../agents/api/errors';
import type { ApiClient } from '../agents/client';
import { drainAndDeleteNode, podsToEvict } from './drain';

const pod = (name: string, owner?: string) => ({
  metadata: {
    name,
    namespace: 'default',
    ownerReferences: owner ? [{ kind: owner, apiVersion: 'apps/v1', name: 'o', uid: 'u' }] : [],
  },
});

/** A fake apiserver for the four calls a drain makes, recording them in order. */
function fakeApi(pods: ReturnType<typeof pod>[], refusals: Record<string, number>) {
  const calls: string[] = [];
  const live = new Map(pods.map((p) => [p.metadata.name, p]));
  const client = {
    async patch(_r: unknown, _ns: unknown, name: string, _t: unknown, body: unknown) {
      calls.push(`patch ${name} ${JSON.stringify(body)}`);
      return {};
    },
    async list() {
      return { items: [...live.values()] };
    },
    async createSubresource(_r: unknown, _ns: unknown, name: string, sub: string) {
      calls.push(`${sub} ${name}`);
      if ((refusals[name] ?? 0) > 0) {
        refusals[name]--;
        throw tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 10);
      }
      if (!live.has(name)) throw notFound({ group: '', resource: 'pods' }, name);
      live.delete(name);
      return {};
    },
    async delete(_r: unknown, _ns: unknown, name: string) {
      calls.push(`delete ${name}`);
    },
  } as unknown as ApiClient;
  return { client, calls };
}

describe('remove-node drains through the Eviction API', () => {
  it('leaves DaemonSet pods and evicts the rest', () => {
    expect(
      podsToEvict([pod('a', 'ReplicaSet'), pod('ds', 'DaemonSet'), pod('bare')]).map((p) => p.metadata?.name),
    ).toEqual(['a', 'bare']);
  });

  it('cordons, retries a pod its budget protects (429) until allowed, then deletes the Node', async () => {
    const { client, calls } = fakeApi([pod('web-1', 'ReplicaSet'), pod('web-2', 'ReplicaSet')], {
      'web-2': 2,
    });
    const retries: string[] = [];
    const note = await drainAndDeleteNode(client, 'minion3', {
      boundMs: 10_000,
      retryMs: 1,
      onRetry: (p) => retries.push(p),
    });
    expect(note).toBe('cordoned, 2 pod(s) evicted, Node deleted');
    expect(calls).toEqual([
      'patch minion3 {"spec":{"unschedulable":true}}',
      'eviction web-1',
      'eviction web-2',
      'eviction web-2',
      'eviction web-2',
      'delete minion3',
    ]);
    expect(retries).toEqual(['default/web-2', 'default/web-2']);
  });

  it('gives up within its bound while a budget still forbids the eviction, and keeps the Node', async () => {
    const { client, calls } = fakeApi([pod('db-0', 'StatefulSet')], { 'db-0': 1_000 });
    await expect(drainAndDeleteNode(client, 'minion1', { boundMs: 30, retryMs: 5 })).rejects.toThrow(
      /default\/db-0 still not evictable after 0.03s/,
    );
    expect(calls).not.toContain('delete minion1');
  });
});
