import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeStatsSource, fakeUsage } from './fake-usage';
import {
  type HollowKubeletEndpoint,
  NO_CONTAINERS,
  startHollowKubeletEndpoint,
  startHollowKubeletEndpoints,
} from './kubelet-endpoint';

let ep: HollowKubeletEndpoint;
beforeAll(async () => {
  ep = await startHollowKubeletEndpoint(0);
});
afterAll(() => ep.close());

function call(path: string, headers: Record<string, string> = {}): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: ep.port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('upgrade', (res, socket) => {
      // Not expected: the endpoint never switches protocols.
      socket.destroy();
      resolve({ code: res.statusCode ?? 0, body: '' });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('hollow kubelet endpoint', () => {
  it('answers logs with a 400 BadRequest Status', async () => {
    const r = await call('/containerLogs/default/p/app?follow=true');
    expect(r.code).toBe(400);
    expect(JSON.parse(r.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: NO_CONTAINERS,
      reason: 'BadRequest',
      code: 400,
    });
  });

  it('refuses an exec upgrade with the same Status instead of 101', async () => {
    const r = await call('/exec/default/p/app?command=sh', {
      Connection: 'Upgrade',
      Upgrade: 'SPDY/3.1',
      'X-Stream-Protocol-Version': 'v4.channel.k8s.io',
    });
    expect(r.code).toBe(400);
    expect(JSON.parse(r.body).message).toBe('hollow node: no containers');
  });

  it('answers its health check', async () => {
    expect((await call('/healthz')).body).toBe('ok');
  });
});

describe('hollow kubelet endpoints with resource usage', () => {
  const running = (name: string) => ({
    metadata: { name: `${name}-pod`, namespace: 'default', uid: name },
    spec: { nodeName: name, containers: [{ name: 'c' }] },
    status: { phase: 'Running', startTime: new Date(Date.now() - 60_000).toISOString() },
  });
  const statsOf = (name: string) => fakeStatsSource(name, (n) => [running(n)], fakeUsage('10m', '16Mi'));

  it('gives each node its own port, serving that node’s usage', async () => {
    const eps = await startHollowKubeletEndpoints(['n-a', 'n-b'], 0, statsOf);
    try {
      expect(new Set(eps.ports.values()).size).toBe(2);
      const text = await (await fetch(`http://127.0.0.1:${eps.ports.get('n-b')}/metrics/resource`)).text();
      expect(text).toMatch(
        /^container_cpu_usage_seconds_total\{container="c",namespace="default",pod="n-b-pod"\} /m,
      );
      const summary = await (await fetch(`http://127.0.0.1:${eps.ports.get('n-a')}/stats/summary`)).json();
      expect(summary.node.nodeName).toBe('n-a');
    } finally {
      await eps.close();
    }
  });

  it('a shared fixed port serves no usage', async () => {
    const shared = await startHollowKubeletEndpoint(0);
    await shared.close();
    const eps = await startHollowKubeletEndpoints(['n-a', 'n-b'], shared.port, statsOf);
    try {
      expect([...eps.ports.values()]).toEqual([shared.port, shared.port]);
      expect((await fetch(`http://127.0.0.1:${shared.port}/stats/summary`)).status).toBe(400);
    } finally {
      await eps.close();
    }
  });
});
