// The secure port end to end (issue 9): certificates from installer/pki, the apiserver with
// --secure-port/--client-ca-file/--service-account-key-file/--authorization-mode=Node,RBAC, and
// the real kubectl 1.27 and 1.33 and @kubernetes/client-node as clients.

import { readFile } from 'node:fs/promises';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { issueServiceAccountToken } from '../../agents/apiserver/auth/service-account';
import { pkiPaths } from '../../installer/pki/pki';
import { certificatePlan } from '../../installer/pki/plan';
import { createCa, issue, loadSigner } from '../../installer/pki/x509';
import { logContaining } from '../support/process';
import {
  type Identity,
  SA_ISSUER,
  type SecureControlPlane,
  startSecureControlPlane,
} from '../support/secure-apiserver';

let s: SecureControlPlane;
let saUid: string;
let saToken: string;

const FORBIDDEN_TEXT =
  'pods is forbidden: User "system:serviceaccount:demo:default" cannot list resource "pods" in API group "" in the namespace "kube-system"';

beforeAll(async () => {
  s = await startSecureControlPlane();
  await s.https('/api/v1/namespaces', {
    identity: s.admin,
    method: 'POST',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } },
  });
  const sa = await s.https('/api/v1/namespaces/demo/serviceaccounts', {
    identity: s.admin,
    method: 'POST',
    body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } },
  });
  saUid = sa.body.metadata.uid;
  saToken = await issueServiceAccountToken(s.saSigningKey, {
    issuer: SA_ISSUER,
    namespace: 'demo',
    name: 'default',
    uid: saUid,
    audiences: [SA_ISSUER],
    expirationSeconds: 3600,
  });
});
afterAll(async () => {
  await s?.stop();
});

describe('authentication', () => {
  it.each(['1.27', '1.33'])('kubectl %s works as admin with the client certificate', async (v) => {
    const r = await s.kubectl(v, s.admin, ['get', 'namespaces', '-o', 'name']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('namespace/kube-system');
  });

  it('@kubernetes/client-node works as admin', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: s.url, caData: Buffer.from(s.ca).toString('base64') }],
      users: [
        {
          name: 'admin',
          certData: Buffer.from(s.admin.cert ?? '').toString('base64'),
          keyData: Buffer.from(s.admin.key ?? '').toString('base64'),
        },
      ],
      contexts: [{ name: 'c', cluster: 'c', user: 'admin' }],
      currentContext: 'c',
    });
    const list = await kc.makeApiClient(k8s.CoreV1Api).listNamespace();
    expect(list.items.map((n) => n.metadata?.name)).toContain('demo');
  });

  it('answers 401 Unauthorized without credentials, but serves /healthz and /version', async () => {
    const r = await s.https('/api/v1/pods');
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({
      kind: 'Status',
      reason: 'Unauthorized',
      code: 401,
      message: 'Unauthorized',
    });
    expect((await s.https('/healthz')).status).toBe(200);
    expect((await s.https('/version')).status).toBe(200);
    expect((await s.https('/api')).status).toBe(401);
  });

  it('refuses a certificate from another CA at TLS; an expired one of ours and a malformed token with 401', async () => {
    const admin = certificatePlan({ masterName: 'x', masterIp: '', serviceIp: '', nodes: [] }).find(
      (c) => c.name === 'admin',
    );
    if (!admin) throw new Error('no admin spec');
    const strangerCa = await createCa('stranger');
    const stranger = await issue(await loadSigner(strangerCa.certPem, strangerCa.keyPem), admin);
    const ours = await loadSigner(
      await readFile(pkiPaths(s.dir, 'ca').cert, 'utf8'),
      await readFile(pkiPaths(s.dir, 'ca').key, 'utf8'),
    );
    const expired = await issue(ours, admin, new Date(), -1);
    await expect(
      s.https('/api/v1/namespaces', { identity: { cert: stranger.certPem, key: stranger.keyPem } }),
    ).rejects.toThrow(/socket hang up|ECONNRESET/);
    const ids: Identity[] = [
      { cert: expired.certPem, key: expired.keyPem },
      { token: 'not-a-jwt' },
      { token: '' },
    ];
    for (const identity of ids) {
      const r = await s.https('/api/v1/namespaces', { identity });
      expect(r.status).toBe(401);
      expect(r.body.reason).toBe('Unauthorized');
    }
    const k = await s.kubectl('1.33', { cert: expired.certPem, key: expired.keyPem }, ['get', 'pods']);
    expect(k.stderr).toContain('error: You must be logged in to the server');
    const refused = await s.kubectl('1.33', { cert: stranger.certPem, key: stranger.keyPem }, [
      'get',
      'pods',
    ]);
    expect(refused.code).not.toBe(0);
    const log = await logContaining(s.cp.apiserver.logFile, [/CERT_HAS_EXPIRED/, /malformed bearer token/]);
    expect(log).toMatch(/Unable to authenticate the request.*CERT_HAS_EXPIRED/);
    expect(log).toMatch(/Unable to authenticate the request.*malformed bearer token/);
  });
});

describe('WebSocket upgrades pass the same gate', () => {
  const open = (identity: Identity) =>
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${s.url.replace('https', 'wss')}/api/v1/namespaces/demo/pods?watch=true`, {
        ca: s.ca,
        cert: identity.cert,
        key: identity.key,
      });
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', reject);
    });
  it('refuses an anonymous watch with 401 and opens one for admin', async () => {
    expect(await open({})).toBe(401);
    expect(await open(s.admin)).toBe(101);
  });
});

describe('authorization with RBAC', () => {
  it("gives a ServiceAccount upstream's 403 text, then pods once a RoleBinding exists", async () => {
    const sa = { token: saToken };
    for (const v of ['1.27', '1.33']) {
      const denied = await s.kubectl(v, sa, ['get', 'pods', '-n', 'kube-system']);
      expect(denied.code).toBe(1);
      expect(denied.stderr.trim()).toBe(`Error from server (Forbidden): ${FORBIDDEN_TEXT}`);
    }
    const canI = await s.kubectl('1.33', sa, ['auth', 'can-i', 'list', 'pods', '-n', 'kube-system']);
    expect({ out: canI.stdout.trim(), err: canI.stderr }).toEqual({ out: 'no', err: '' });

    const bind = await s.kubectl('1.33', s.admin, [
      'create',
      'rolebinding',
      'sa-view',
      '-n',
      'kube-system',
      '--clusterrole=view',
      '--serviceaccount=demo:default',
    ]);
    expect(bind.stderr).toBe('');
    await expect
      .poll(async () => (await s.kubectl('1.33', sa, ['get', 'pods', '-n', 'kube-system'])).stderr.trim(), {
        timeout: 10_000,
      })
      .toBe('No resources found in kube-system namespace.');
    expect(
      (await s.kubectl('1.27', sa, ['auth', 'can-i', 'list', 'pods', '-n', 'kube-system'])).stdout.trim(),
    ).toBe('yes');
    expect(
      (await s.kubectl('1.33', sa, ['auth', 'can-i', 'delete', 'pods', '-n', 'kube-system'])).stdout.trim(),
    ).toBe('no');
  });

  it('impersonates for whoever may (kubectl --as), and refuses it to whoever may not', async () => {
    const as = await s.kubectl('1.33', s.admin, [
      'auth',
      'can-i',
      'list',
      'pods',
      '-n',
      'default',
      '--as=system:serviceaccount:demo:default',
    ]);
    // admin may list pods in default; the service account (view in kube-system only) may not
    expect(as.stdout.trim()).toBe('no');
    const who = await s.kubectl('1.33', s.admin, [
      'auth',
      'whoami',
      '--as=jane',
      '--as-group=dev',
      '-o',
      'json',
    ]);
    expect(JSON.parse(who.stdout).status.userInfo).toMatchObject({
      username: 'jane',
      groups: ['dev', 'system:authenticated'],
    });
    const denied = await s.kubectl('1.33', { token: saToken }, ['get', 'pods', '--as=kubernetes-admin']);
    // kubectl's discovery prints the 403 without its message ("Forbidden: unknown"); the log has who and whom
    expect(denied.stderr).toContain('Error from server (Forbidden)');
    const log = await logContaining(s.cp.apiserver.logFile, ['Forbidden impersonation']);
    expect(log).toMatch(/Forbidden impersonation.*system:serviceaccount:demo:default.*kubernetes-admin/);
  });

  it('answers kubectl auth whoami and auth can-i --list', async () => {
    const who = await s.kubectl('1.33', { token: saToken }, ['auth', 'whoami', '-o', 'json']);
    expect(who.stderr).toBe('');
    expect(JSON.parse(who.stdout).status.userInfo).toMatchObject({
      username: 'system:serviceaccount:demo:default',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:demo', 'system:authenticated'],
    });
    // 1.27 asks authentication.k8s.io/v1beta1 (whoami was beta then), 1.33 v1
    for (const v of ['1.27', '1.33']) {
      const admin = await s.kubectl(v, s.admin, ['auth', 'whoami']);
      expect(admin.stdout).toMatch(/Username\s+kubernetes-admin/);
      expect(admin.stdout).toMatch(/Groups\s+\[system:masters system:authenticated\]/);
    }
    const list = await s.kubectl('1.33', { token: saToken }, [
      'auth',
      'can-i',
      '--list',
      '-n',
      'kube-system',
    ]);
    expect(list.stdout).toMatch(
      /selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]/,
    );
    expect(list.stdout).toMatch(/pods\s+\[\]\s+\[\]\s+\[get list watch\]/);
  });

  it('refuses the token once its ServiceAccount is deleted', async () => {
    const del = await s.https('/api/v1/namespaces/demo/serviceaccounts/default', {
      identity: s.admin,
      method: 'DELETE',
    });
    expect(del.status).toBe(200);
    await expect
      .poll(
        async () =>
          (await s.https('/api/v1/namespaces/kube-system/pods', { identity: { token: saToken } })).status,
        { timeout: 10_000 },
      )
      .toBe(401);
    const log = await logContaining(s.cp.apiserver.logFile, ['has been deleted']);
    expect(log).toContain('service account demo/default has been deleted');
  });
});
