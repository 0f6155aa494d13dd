// What authentication and authorization cost per request (issue 9): the same apiserver, the same
// objects, GET and create of a ConfigMap over
//   insecure   plain HTTP, no authn/authz (the --port path)
//   admin      HTTPS, x509 client cert in system:masters (authn, then the masters short cut)
//   sa-rbac    HTTPS, service-account JWT (signature checked once per token per 10 s, the
//              account looked up every time) and RBAC (scan of bindings)
// One request in flight, keep-alive connections, so TLS handshakes are not in the figures; the
// three modes take turns request by request. The insecure column uses fetch (undici), the others
// node:https. `inProcess` times the checks alone, for a token seen before and a new one.

import { readFile } from 'node:fs/promises';
import { Agent as HttpsAgent } from 'node:https';
import { join } from 'node:path';
import {
  bootstrapClusterRoleBindings,
  bootstrapClusterRoles,
} from '../agents/apiserver/auth/bootstrap-policy';
import { authorizeRbac } from '../agents/apiserver/auth/rbac';
import { issueServiceAccountToken, serviceAccountVerifier } from '../agents/apiserver/auth/service-account';
import { type Identity, SA_ISSUER, startSecureControlPlane } from '../test/support/secure-apiserver';
import { compare } from './lib/report';

const N = 1000;

function percentiles(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => Number(s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(2));
  return { p50: at(0.5), p99: at(0.99), n: s.length };
}

/**
 * The same checks without the network: SA token verification (ES256 signature + claims + SA
 * lookup) and the RBAC decision over the bootstrap policy plus one RoleBinding, per call.
 */
async function inProcess(signingKey: string, publicKey: string) {
  const verify = serviceAccountVerifier({
    keysPem: [publicKey],
    issuers: [SA_ISSUER],
    audiences: [SA_ISSUER],
    lookup: () => 'uid-1',
  });
  const token = await issueServiceAccountToken(signingKey, {
    issuer: SA_ISSUER,
    namespace: 'bench',
    name: 'bench',
    uid: 'uid-1',
    audiences: [SA_ISSUER],
    expirationSeconds: 3600,
  });
  const policy = {
    clusterRoles: bootstrapClusterRoles,
    clusterRoleBindings: bootstrapClusterRoleBindings,
    roles: [],
    roleBindings: [
      {
        metadata: { name: 'edit', namespace: 'bench' },
        roleRef: { kind: 'ClusterRole', name: 'edit' },
        subjects: [{ kind: 'ServiceAccount', name: 'bench', namespace: 'bench' }],
      },
    ],
  };
  const user = await verify(token);
  // A token seen for the first time: the signature is checked (one token each, 200 of them).
  const firstSeenMs: number[] = [];
  for (let i = 0; i < 200; i++) {
    const fresh = await issueServiceAccountToken(signingKey, {
      issuer: SA_ISSUER,
      namespace: 'bench',
      name: 'bench',
      uid: 'uid-1',
      audiences: [SA_ISSUER],
      expirationSeconds: 3600 + i,
    });
    const t = performance.now();
    await verify(fresh);
    firstSeenMs.push(performance.now() - t);
  }
  // The same token again (a pod's requests): its signature was checked a moment ago.
  const verifyMs: number[] = [];
  const authorizeMs: number[] = [];
  for (let i = 0; i < 2000; i++) {
    let t = performance.now();
    await verify(token);
    verifyMs.push(performance.now() - t);
    t = performance.now();
    const d = authorizeRbac(
      { kind: 'resource', user, verb: 'create', apiGroup: '', resource: 'configmaps', namespace: 'bench' },
      policy,
    );
    authorizeMs.push(performance.now() - t);
    if (d.decision !== 'allow') throw new Error('bench binding does not allow');
  }
  return {
    verifyServiceAccountToken: percentiles(verifyMs),
    verifyFirstSeenToken: percentiles(firstSeenMs),
    authorizeRbac: percentiles(authorizeMs),
  };
}

export async function run(): Promise<unknown> {
  const s = await startSecureControlPlane();
  try {
    const ns = 'bench';
    await s.https('/api/v1/namespaces', {
      identity: s.admin,
      method: 'POST',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    });
    const sa = await s.https(`/api/v1/namespaces/${ns}/serviceaccounts`, {
      identity: s.admin,
      method: 'POST',
      body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bench' } },
    });
    await s.https(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      identity: s.admin,
      method: 'POST',
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'bench-edit' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
        subjects: [{ kind: 'ServiceAccount', name: 'bench', namespace: ns }],
      },
    });
    const token = await issueServiceAccountToken(s.saSigningKey, {
      issuer: SA_ISSUER,
      namespace: ns,
      name: 'bench',
      uid: sa.body.metadata.uid,
      audiences: [SA_ISSUER],
      expirationSeconds: 3600,
    });
    await new Promise((r) => setTimeout(r, 500)); // let the watch caches see the binding

    const insecure = async (path: string, method: string, body?: unknown) => {
      const t = performance.now();
      const res = await fetch(`${s.cp.url}${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`insecure ${method} ${path}: HTTP ${res.status}`);
      return performance.now() - t;
    };
    const secure = (identity: Identity) => {
      const agent = new HttpsAgent({ keepAlive: true, maxSockets: 1 });
      return async (path: string, method: string, body?: unknown) => {
        const t = performance.now();
        const r = await s.https(path, { identity, method, body, agent });
        if (r.status >= 300)
          throw new Error(`secure ${method} ${path}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
        return performance.now() - t;
      };
    };
    const modes = { insecure, admin: secure(s.admin), 'sa-rbac': secure({ token }) };
    // The modes take turns request by request, so a burst of load from elsewhere on the machine
    // lands on all three alike: with one mode after another, p99s differed by who ran when.
    const samples = Object.fromEntries(
      Object.keys(modes).map((m) => [m, { creates: [] as number[], gets: [] as number[] }]),
    );
    for (let i = 0; i < N; i++)
      for (const [mode, call] of Object.entries(modes))
        samples[mode].creates.push(
          await call(`/api/v1/namespaces/${ns}/configmaps`, 'POST', {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `${mode}-${i}` },
            data: { k: 'v' },
          }),
        );
    for (let i = 0; i < N; i++)
      for (const [mode, call] of Object.entries(modes))
        samples[mode].gets.push(await call(`/api/v1/namespaces/${ns}/configmaps/${mode}-${i}`, 'GET'));
    const out: Record<string, unknown> = {};
    for (const [mode, { creates, gets }] of Object.entries(samples))
      out[mode] = { create: percentiles(creates), get: percentiles(gets) };
    const checks = await inProcess(s.saSigningKey, await readFile(join(s.dir, 'sa.pub'), 'utf8'));
    out.inProcess = checks;
    type Timings = Record<'create' | 'get', { p50: number; p99: number }>;
    const asAccount = out['sa-rbac'] as Timings;
    const admin = out.admin as Timings;
    // The issue's goal is about authn + authz's share of a request. The share measured directly:
    // the two checks a service account's request costs, beside that request's own p50.
    const checksP50 = checks.verifyServiceAccountToken.p50 + checks.authorizeRbac.p50;
    const headline = [
      compare(
        'service-account token check (token seen before) + RBAC decision, p50 in process, vs a whole GET as that account (p50, HTTPS)',
        checksP50,
        asAccount.get.p50,
        'ms',
        'ratio ≤ 0.10',
      ),
      compare(
        `GET p99 as a service account (JWT + RBAC) vs as admin (x509, system:masters), same HTTPS client, ${N} each`,
        asAccount.get.p99,
        admin.get.p99,
        'ms',
        'ratio ≤ 1.10',
      ),
    ];
    // bench/index.ts adds the machine (cores, load before and after) to every module's result.
    return { headline, ...out };
  } finally {
    await s.stop();
  }
}
