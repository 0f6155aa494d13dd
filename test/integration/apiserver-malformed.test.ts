// Malformed input gets a 4xx Status with upstream's reason, and nothing reaches etcd.
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlPlane, startControlPlane } from '../support/apiserver';
import { api, configMap } from './apiserver-http';

let cp: ControlPlane;
let http: ReturnType<typeof api>;
let etcd: Etcd3;
const CM = '/api/v1/namespaces/default/configmaps';

beforeAll(async () => {
  cp = await startControlPlane({ name: 'apiserver-malformed' });
  http = api(cp.url);
  etcd = new Etcd3({ hosts: cp.etcd.url });
});
afterAll(async () => {
  etcd?.close();
  await cp?.stop();
});

/** Every key etcd holds, to prove a rejected request wrote nothing. */
async function allKeys(): Promise<string[]> {
  return (await etcd.getAll().prefix('/').keys()).sort();
}

describe('malformed requests', () => {
  const cases: Array<{
    what: string;
    send: () => Promise<{ status: number; body: any }>;
    code: number;
    reason: string;
    message?: RegExp;
  }> = [
    {
      what: 'bad JSON',
      send: () => http.post(CM, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bad-json"'),
      code: 400,
      reason: 'BadRequest',
    },
    {
      what: 'bad YAML',
      send: () =>
        http.post(
          CM,
          'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad-yaml\n  - [',
          'application/yaml',
        ),
      code: 400,
      reason: 'BadRequest',
    },
    { what: 'a JSON array', send: () => http.post(CM, '[1,2]'), code: 400, reason: 'BadRequest' },
    {
      what: 'a Pod sent to configmaps',
      send: () => http.post(CM, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'wrong-kind' } }),
      code: 400,
      reason: 'BadRequest',
      message: /kind/,
    },
    {
      what: 'a wrong apiVersion',
      send: () =>
        http.post(CM, { apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'wrong-version' } }),
      code: 400,
      reason: 'BadRequest',
      message: /API version/,
    },
    {
      what: 'a body over the size limit',
      send: () => http.post(CM, configMap('huge', { blob: 'x'.repeat(4 * 1024 * 1024) })),
      code: 413,
      reason: 'RequestEntityTooLarge',
    },
    {
      what: 'an invalid name',
      send: () => http.post(CM, configMap('Bad_Name')),
      code: 422,
      reason: 'Invalid',
      message: /metadata.name: Invalid value: "Bad_Name"/,
    },
    {
      what: 'no name at all',
      send: () => http.post(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }),
      code: 422,
      reason: 'Invalid',
      message: /metadata.name: Required value/,
    },
    {
      what: 'an invalid label',
      send: () => http.post(CM, configMap('bad-label', {}, { 'a b': 'c' })),
      code: 422,
      reason: 'Invalid',
    },
    {
      what: 'a namespace that differs from the URL',
      send: () =>
        http.post(CM, {
          ...configMap('ns-mismatch'),
          metadata: { name: 'ns-mismatch', namespace: 'kube-system' },
        }),
      code: 400,
      reason: 'BadRequest',
    },
    {
      what: 'a create across all namespaces',
      send: () => http.post('/api/v1/configmaps', configMap('nowhere')),
      code: 405,
      reason: 'MethodNotAllowed',
    },
    {
      what: 'an unknown content type',
      send: () => http.post(CM, 'name=x', 'application/x-www-form-urlencoded'),
      code: 415,
      reason: 'UnsupportedMediaType',
    },
    {
      what: 'a name that differs from the URL on PUT',
      send: () => http.put(`${CM}/one`, configMap('other')),
      code: 400,
      reason: 'BadRequest',
    },
    {
      what: 'a merge patch that is not JSON',
      send: () => http.patch(`${CM}/kept`, '{nope'),
      code: 400,
      reason: 'BadRequest',
    },
    {
      what: 'a JSON patch whose test fails',
      send: () =>
        http.patch(
          `${CM}/kept`,
          '[{"op":"test","path":"/data/a","value":"other"}]',
          'application/json-patch+json',
        ),
      code: 422,
      reason: 'Invalid',
    },
    {
      what: 'a patch making the object invalid',
      send: () => http.patch(`${CM}/kept`, '{"metadata":{"labels":{"bad key!":"x"}}}'),
      code: 422,
      reason: 'Invalid',
    },
  ];

  it.each(cases)('$what → $code $reason, nothing stored', async ({ send, code, reason, message }) => {
    await http.post(CM, configMap('kept', { a: '1' }));
    const before = await allKeys();
    const keptBefore = (await http.get(`${CM}/kept`)).body.metadata.resourceVersion;
    const r = await send();
    expect(r.status).toBe(code);
    expect(r.body).toMatchObject({ kind: 'Status', status: 'Failure', reason, code });
    if (message) expect(r.body.message).toMatch(message);
    expect(await allKeys()).toEqual(before);
    expect((await http.get(`${CM}/kept`)).body.metadata.resourceVersion).toBe(keptBefore);
  });

  it('unknown resources and paths are 404 Status', async () => {
    const r = await http.get('/api/v1/namespaces/default/widgets');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'NotFound' });
    expect((await http.get('/apis/nope.example.com/v1')).status).toBe(404);
  });

  it('the server still serves after all of that', async () => {
    expect((await http.post(CM, configMap('after'))).status).toBe(201);
  });
});
