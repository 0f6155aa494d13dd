import { afterEach, describe, expect, it } from 'vitest';
import { type HealthServer, probeResponse, serveHealth } from './health-server';
import { Registry } from './metrics';

describe('probeResponse', () => {
  it('answers plain ok when all pass', () => {
    expect(probeResponse('healthz', [{ name: 'ping' }, { name: 'etcd' }], false)).toEqual({
      status: 200,
      body: 'ok',
    });
  });
  it('lists checks with ?verbose', () => {
    expect(probeResponse('readyz', [{ name: 'ping' }], true)).toEqual({
      status: 200,
      body: '[+]ping ok\nreadyz check passed\n',
    });
  });
  it('lists every check and the failure reason on failure', () => {
    const r = probeResponse(
      'healthz',
      [{ name: 'ping' }, { name: 'etcd', error: 'connection refused' }],
      false,
    );
    expect(r).toEqual({
      status: 500,
      body: '[+]ping ok\n[-]etcd failed: connection refused\nhealthz check failed\n',
    });
  });
});

describe('serveHealth over loopback HTTP', () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function get(path: string) {
    const res = await fetch(`http://127.0.0.1:${server?.port}${path}`);
    return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
  }

  it('serves probes and metrics on a free port', async () => {
    const registry = new Registry();
    registry
      .counter('scheduler_schedule_attempts_total', 'Attempts.', ['result'])
      .inc({ result: 'scheduled' }, 2);
    let etcdUp = true;
    server = await serveHealth({
      port: 0,
      bindAddress: '127.0.0.1',
      registry,
      checks: {
        etcd: () => {
          if (!etcdUp) throw new Error('dial tcp 127.0.0.1:2379: connection refused');
        },
        informers: async () => {},
      },
    });
    expect(server.port).toBeGreaterThan(0);

    for (const p of ['/healthz', '/livez', '/readyz'])
      expect(await get(p)).toMatchObject({ status: 200, body: 'ok' });
    const metrics = await get('/metrics');
    expect(metrics.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(metrics.body).toContain('scheduler_schedule_attempts_total{result="scheduled"} 2\n');

    etcdUp = false;
    expect(await get('/readyz')).toMatchObject({
      status: 500,
      body: '[+]ping ok\n[-]etcd failed: dial tcp 127.0.0.1:2379: connection refused\n[+]informers ok\nreadyz check failed\n',
    });
    expect(await get('/healthz?exclude=etcd')).toMatchObject({ status: 200, body: 'ok' });
    expect(await get('/healthz/etcd')).toMatchObject({ status: 500 });
    expect(await get('/healthz/informers')).toMatchObject({ status: 200, body: 'ok' });
    expect(await get('/healthz/nope')).toMatchObject({ status: 404 });
    expect(await get('/nothing')).toMatchObject({ status: 404, body: '404 page not found' });
  });

  it('fails a check that hangs past its timeout', async () => {
    server = await serveHealth({
      port: 0,
      bindAddress: '127.0.0.1',
      registry: new Registry(),
      checkTimeoutMs: 50,
      checks: { stuck: () => new Promise<void>(() => {}) },
    });
    expect(await get('/healthz')).toMatchObject({
      status: 500,
      body: '[+]ping ok\n[-]stuck failed: timed out after 50ms\nhealthz check failed\n',
    });
  });

  it('lets extraRoutes answer first', async () => {
    server = await serveHealth({
      port: 0,
      bindAddress: '127.0.0.1',
      registry: new Registry(),
      extraRoutes: (req, res) => {
        if (req.url !== '/configz') return false;
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"kind":"Config"}');
        return true;
      },
    });
    expect(await get('/configz')).toMatchObject({ status: 200, body: '{"kind":"Config"}' });
    expect(await get('/healthz')).toMatchObject({ status: 200 });
  });

  it('rejects when the port is taken', async () => {
    server = await serveHealth({ port: 0, bindAddress: '127.0.0.1', registry: new Registry() });
    await expect(
      serveHealth({ port: server.port, bindAddress: '127.0.0.1', registry: new Registry() }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});
