import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/types';
import { ANONYMOUS, checkRequest, forbiddenText, type KubeletUser, requestAttributes } from './auth';
import {
  AUTHORIZED_TTL_MS,
  TOKEN_TTL_MS,
  tokenReviewer,
  UNAUTHORIZED_TTL_MS,
  webhookAuthorizer,
} from './auth-webhook';
import { servingOptions } from './serving';

describe('requestAttributes: what a request to the kubelet asks of nodes/<subresource>', () => {
  const cases: [method: string, path: string, verb: string, subresource: string][] = [
    ['GET', '/stats/summary', 'get', 'stats'],
    ['GET', '/stats', 'get', 'stats'],
    ['GET', '/metrics', 'get', 'metrics'],
    ['GET', '/metrics/cadvisor', 'get', 'metrics'],
    ['GET', '/metrics/resource', 'get', 'metrics'],
    ['GET', '/logs/syslog', 'get', 'log'],
    ['GET', '/spec/', 'get', 'spec'],
    ['POST', '/exec/default/web/app', 'create', 'proxy'],
    ['GET', '/exec/default/web/app', 'get', 'proxy'],
    ['POST', '/attach/default/web/app', 'create', 'proxy'],
    ['POST', '/portForward/default/web', 'create', 'proxy'],
    ['GET', '/containerLogs/default/web/app', 'get', 'proxy'],
    ['POST', '/run/default/web/app', 'create', 'proxy'],
    ['GET', '/pods', 'get', 'proxy'],
    ['GET', '/healthz', 'get', 'proxy'],
    ['GET', '/metricsfoo', 'get', 'proxy'],
    ['PUT', '/pods', 'update', 'proxy'],
    ['PATCH', '/pods', 'patch', 'proxy'],
    ['DELETE', '/pods', 'delete', 'proxy'],
    ['OPTIONS', '/pods', '', 'proxy'],
  ];
  it.each(cases)('%s %s → %s nodes/%s', (method, path, verb, subresource) => {
    expect(requestAttributes(method, path, 'minion1')).toEqual({
      verb,
      resource: 'nodes',
      subresource,
      name: 'minion1',
    });
  });

  it("says no in upstream's words", () => {
    const jane = { username: 'jane', groups: ['system:authenticated'] };
    expect(forbiddenText(jane, requestAttributes('POST', '/exec/a/b/c', 'n'))).toBe(
      'Forbidden (user=jane, verb=create, resource=nodes, subresource(s)=[proxy])\n',
    );
  });
});

/** A request on a plain socket: no certificate. */
const plainRequest = (method: string, url: string) =>
  ({ method, url, socket: {}, headers: {} }) as unknown as IncomingMessage;

describe('checkRequest', () => {
  const base = { x509: true, nodeName: 'minion1' };

  it('no certificate: 401 unless anonymous requests are allowed', async () => {
    expect(await checkRequest(plainRequest('GET', '/pods'), { ...base, anonymousAuth: false })).toEqual({
      code: 401,
      text: 'Unauthorized',
    });
    expect(
      await checkRequest(plainRequest('GET', '/pods'), { ...base, anonymousAuth: true }),
    ).toBeUndefined();
  });

  it('Webhook: asks about the anonymous user too, and a no is 403', async () => {
    const asked: [KubeletUser, unknown][] = [];
    const r = await checkRequest(plainRequest('GET', '/pods?x=1'), {
      ...base,
      anonymousAuth: true,
      authorize: async (u, a) => {
        asked.push([u, a]);
        return false;
      },
    });
    expect(asked).toEqual([
      [ANONYMOUS, { verb: 'get', resource: 'nodes', subresource: 'proxy', name: 'minion1' }],
    ]);
    expect(r).toEqual({
      code: 403,
      text: 'Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource(s)=[proxy])\n',
    });
  });

  it('a review that fails is a 500, not a yes', async () => {
    const r = await checkRequest(plainRequest('GET', '/stats/summary'), {
      ...base,
      anonymousAuth: true,
      authorize: async () => {
        throw new Error('connection refused');
      },
    });
    expect(r).toEqual({
      code: 500,
      text: 'Authorization error (user=system:anonymous, verb=get, resource=nodes, subresource=stats)',
    });
  });
});

describe('checkRequest with --authentication-token-webhook', () => {
  const withToken = (token: string) =>
    ({
      method: 'GET',
      url: '/pods',
      socket: {},
      headers: { authorization: `Bearer ${token}` },
    }) as unknown as IncomingMessage;
  const sa = { username: 'system:serviceaccount:demo:reader', groups: ['system:serviceaccounts'] };
  const reviewToken = async (t: string) => (t === 'good' ? sa : undefined);

  it('a token the apiserver vouches for is that user, then authorized as any other', async () => {
    const asked: KubeletUser[] = [];
    const r = await checkRequest(withToken('good'), {
      x509: true,
      nodeName: 'minion1',
      anonymousAuth: false,
      reviewToken,
      authorize: async (u) => {
        asked.push(u);
        return false;
      },
    });
    expect(asked).toEqual([sa]);
    expect(r?.code).toBe(403);
  });

  it('a token nobody vouches for is 401, even where anonymous requests are allowed', async () => {
    expect(
      await checkRequest(withToken('forged'), {
        x509: true,
        nodeName: 'n',
        anonymousAuth: true,
        reviewToken,
      }),
    ).toEqual({ code: 401, text: 'Unauthorized' });
  });

  it('a review that fails is 401, not a yes', async () => {
    const r = await checkRequest(withToken('good'), {
      x509: true,
      nodeName: 'n',
      anonymousAuth: false,
      reviewToken: async () => {
        throw new Error('connection refused');
      },
    });
    expect(r).toEqual({ code: 401, text: 'Unauthorized' });
  });
});

describe('tokenReviewer: one TokenReview per token, cached 2 minutes', () => {
  it('asks with the token, remembers the answer by the token’s hash, asks again when it expires', async () => {
    let now = 0;
    const sent: KubeObject[] = [];
    const client = {
      create: async <T extends KubeObject>(_r: unknown, obj: T) => {
        sent.push(obj);
        const good = (obj.spec as { token: string }).token === 'good';
        return {
          ...obj,
          status: good
            ? { authenticated: true, user: { username: 'jane', uid: 'u1', groups: ['dev'] } }
            : { authenticated: false, error: 'invalid bearer token' },
        } as T;
      },
    };
    const review = tokenReviewer({ client, nowMs: () => now });
    expect(await review('good')).toEqual({ username: 'jane', groups: ['dev'] });
    expect(sent[0]).toEqual({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      metadata: {},
      spec: { token: 'good' },
    });
    expect(await review('bad')).toBeUndefined();
    now = TOKEN_TTL_MS - 1;
    await review('good');
    await review('bad');
    expect(sent).toHaveLength(2);
    now = TOKEN_TTL_MS + 1;
    await review('good');
    expect(sent).toHaveLength(3);
  });
});

describe('webhookAuthorizer: one SubjectAccessReview per question, cached', () => {
  const jane = { username: 'jane', groups: ['dev', 'system:authenticated'] };
  const exec = { verb: 'create', resource: 'nodes' as const, subresource: 'proxy', name: 'minion1' };

  function fakeApi(answers: boolean[]) {
    const reviews: KubeObject[] = [];
    const client = {
      create: async <T extends KubeObject>(_r: unknown, obj: T) => {
        reviews.push(obj);
        return { ...obj, status: { allowed: answers.shift() ?? false } } as T;
      },
    };
    return { reviews, client };
  }

  it('sends upstream attributes and remembers a yes for 5 minutes', async () => {
    let now = 0;
    const api = fakeApi([true, false]);
    const authorize = webhookAuthorizer({ client: api.client, nowMs: () => now });
    expect(await authorize(jane, exec)).toBe(true);
    expect(api.reviews[0]).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: {},
      spec: {
        user: 'jane',
        groups: ['dev', 'system:authenticated'],
        resourceAttributes: {
          verb: 'create',
          group: '',
          version: 'v1',
          resource: 'nodes',
          subresource: 'proxy',
          name: 'minion1',
        },
      },
    });
    now = AUTHORIZED_TTL_MS - 1;
    expect(await authorize(jane, exec)).toBe(true);
    expect(api.reviews).toHaveLength(1);
    now = AUTHORIZED_TTL_MS;
    expect(await authorize(jane, exec)).toBe(false);
    expect(api.reviews).toHaveLength(2);
  });

  it('remembers a no for 30 seconds; another question is asked anew', async () => {
    let now = 0;
    const api = fakeApi([false, true, true]);
    const authorize = webhookAuthorizer({ client: api.client, nowMs: () => now });
    expect(await authorize(jane, exec)).toBe(false);
    expect(await authorize(jane, { ...exec, verb: 'get' })).toBe(true);
    now = UNAUTHORIZED_TTL_MS - 1;
    expect(await authorize(jane, exec)).toBe(false);
    now = UNAUTHORIZED_TTL_MS;
    expect(await authorize(jane, exec)).toBe(true);
    expect(api.reviews).toHaveLength(3);
  });
});

describe('servingOptions: flags checked at start', () => {
  const deps = { client: {} as never, nodeName: 'n', log: undefined as never };
  const flags = {
    tlsCertFile: '',
    tlsPrivateKeyFile: '',
    clientCaFile: '',
    anonymousAuth: true,
    authorizationMode: 'AlwaysAllow',
    authenticationTokenWebhook: false,
  };
  const files: Record<string, string> = { '/crt': 'CERT', '/key': 'KEY', '/ca': 'CA' };
  const read = (p: string) => {
    if (p in files) return files[p];
    throw new Error('ENOENT: no such file or directory');
  };

  it('defaults: plain HTTP, anonymous, no questions asked', () => {
    const o = servingOptions(flags, deps, read);
    expect(o.tls).toBeUndefined();
    expect(o.auth).toMatchObject({ x509: false, anonymousAuth: true, authorize: undefined });
  });

  it('TLS with a client CA and a webhook', () => {
    const o = servingOptions(
      {
        ...flags,
        tlsCertFile: '/crt',
        tlsPrivateKeyFile: '/key',
        clientCaFile: '/ca',
        authorizationMode: 'Webhook',
      },
      deps,
      read,
    );
    expect(o.tls).toEqual({ cert: 'CERT', key: 'KEY', ca: 'CA' });
    expect(o.auth?.x509).toBe(true);
    expect(o.auth?.authorize).toBeTypeOf('function');
  });

  it.each([
    [{ authorizationMode: 'RBAC' }, '--authorization-mode: "RBAC" is not one of AlwaysAllow, Webhook'],
    [{ tlsCertFile: '/crt' }, '--tls-cert-file and --tls-private-key-file go together'],
    [{ clientCaFile: '/ca' }, '--client-ca-file needs --tls-cert-file'],
    [{ tlsCertFile: '/nope', tlsPrivateKeyFile: '/key' }, '--tls-cert-file: cannot read "/nope"'],
  ])('%o is refused', (over, message) => {
    expect(() => servingOptions({ ...flags, ...over }, deps, read)).toThrow(message);
  });
});
