// --max-mutating-requests-inflight: a write that holds its slot (its body still arriving) makes
// the next write wait for a 429 with Retry-After, while /healthz and reads still answer.
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ControlPlane, startControlPlane } from '../support/apiserver';

let cp: ControlPlane;

beforeAll(async () => {
  cp = await startControlPlane({ name: 'apiserver-inflight', flags: ['--max-mutating-requests-inflight=1'] });
});
afterAll(async () => {
  await cp?.stop();
});

it('answers 429 TooManyRequests with Retry-After once the mutating slots are taken', async () => {
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'slow' } });
  // Headers sent, body held back: the apiserver is inside readBody, holding the only slot.
  const slow = request(`${cp.url}/api/v1/namespaces/default/configmaps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const slowDone = new Promise<number>((resolve, reject) => {
    slow.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    slow.on('error', reject);
  });
  slow.write(body.slice(0, 10));
  slow.flushHeaders();

  await expect
    .poll(async () => {
      const res = await fetch(`${cp.url}/api/v1/namespaces/default/configmaps`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fast' } }),
      });
      return { code: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
    })
    .toMatchObject({
      code: 429,
      retryAfter: '1',
      body: { reason: 'TooManyRequests', message: 'Too many requests, please try again later.' },
    });
  expect((await fetch(`${cp.url}/healthz`)).status).toBe(200);
  expect((await fetch(`${cp.url}/api/v1/namespaces/default/configmaps`)).status).toBe(200);

  slow.end(body.slice(10));
  expect(await slowDone).toBe(201);
  // The slot is free again.
  const after = await fetch(`${cp.url}/api/v1/namespaces/default/configmaps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fast' } }),
  });
  expect(after.status).toBe(201);
});
