// In-cluster credentials end to end: TokenRequest on the secure apiserver (real etcd), the
// ServiceAccount admission volume, the root-CA publisher in the real controller-manager, the
// Node authorizer for kubelet tokens, and a kubelet on real Docker whose pod reads
// /var/run/secrets/kubernetes.io/serviceaccount/{token,ca.crt,namespace} and whose token then
// authenticates as demo:default.

import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pkiPaths } from '../../installer/pki/pki';
import { issue, loadSigner } from '../../installer/pki/x509';
import { BUSYBOX_IMAGE } from '../support/docker';
import { startTestNode, type TestNode } from '../support/kubelet';
import { logContaining, type Started, startAgent } from '../support/process';
import {
  type Identity,
  SA_ISSUER,
  type SecureControlPlane,
  startSecureControlPlane,
} from '../support/secure-apiserver';
import { waitUntil } from './controller-cluster';

let s: SecureControlPlane;
let cm: Started;
const poll = { timeout: 30_000, interval: 250 };
const TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const FORBIDDEN_TEXT =
  'pods is forbidden: User "system:serviceaccount:demo:default" cannot list resource "pods" in API group "" in the namespace "demo"';

const asAdmin = (path: string, method = 'GET', body?: unknown) =>
  s.https(path, { identity: s.admin, method, body });
const listPodsAs = (token: string) => s.https('/api/v1/namespaces/demo/pods', { identity: { token } });
const requestToken = (ns: string, sa: string, spec: unknown = {}, identity: Identity = s.admin) =>
  s.https(`/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`, {
    identity,
    method: 'POST',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec },
  });
const podBody = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: BUSYBOX_IMAGE }], ...spec },
});

beforeAll(async () => {
  s = await startSecureControlPlane();
  // The two controllers this feature needs, from source, on the insecure port as the others do.
  cm = startAgent('controller-manager-sa-tokens', 'controller-manager', [
    `--master=${s.cp.url}`,
    '--port=0',
    '--bind-address=127.0.0.1',
    '--leader-elect=false',
    '--controllers=serviceaccount,root-ca-cert-publisher',
    `--root-ca-file=${pkiPaths(s.dir, 'ca').cert}`,
  ]);
  await asAdmin('/api/v1/namespaces', 'POST', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'demo' },
  });
  // The serviceaccount controller makes demo/default (pods need it to pass admission).
  await waitUntil(
    'ServiceAccount demo/default',
    async () => (await asAdmin('/api/v1/namespaces/demo/serviceaccounts/default')).status === 200,
    30_000,
  );
});
afterAll(async () => {
  await cm?.stop();
  await s?.stop();
});

describe('TokenRequest', () => {
  it('issues a token that authenticates as the ServiceAccount: 403 before a RoleBinding, 200 after', async () => {
    const before = Date.now();
    const r = await requestToken('demo', 'default');
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: 'default', namespace: 'demo' },
      spec: { audiences: [SA_ISSUER], expirationSeconds: 3600, boundObjectRef: null },
    });
    const expires = Date.parse(r.body.status.expirationTimestamp);
    expect(expires).toBeGreaterThan(before + 3595_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3600_000);
    const token: string = r.body.status.token;

    const denied = await listPodsAs(token);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe(FORBIDDEN_TEXT);
    const bind = await s.kubectl('1.33', s.admin, [
      'create',
      'rolebinding',
      'default-view',
      '-n',
      'demo',
      '--clusterrole=view',
      '--serviceaccount=demo:default',
    ]);
    expect(bind.stderr).toBe('');
    await expect.poll(async () => (await listPodsAs(token)).status, poll).toBe(200);
  });

  it.each(['1.27', '1.33'])(
    'kubectl %s create token (1.33 sends protobuf) gives a token whoami knows',
    async (v) => {
      const created = await s.kubectl(v, s.admin, [
        'create',
        'token',
        'default',
        '-n',
        'demo',
        '--duration=15m',
      ]);
      expect(created.stderr).toBe('');
      const who = await s.kubectl('1.33', { token: created.stdout.trim() }, ['auth', 'whoami', '-o', 'json']);
      expect(JSON.parse(who.stdout).status.userInfo).toMatchObject({
        username: 'system:serviceaccount:demo:default',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:demo', 'system:authenticated'],
      });
    },
  );

  it('answers 404 for a missing ServiceAccount and 422 for too short a lifetime', async () => {
    const missing = await requestToken('demo', 'nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'serviceaccounts "nope" not found',
      details: { name: 'nope', kind: 'serviceaccounts' },
    });
    const short = await requestToken('demo', 'default', { expirationSeconds: 60 });
    expect(short.status).toBe(422);
    expect(short.body.message).toBe(
      'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
    );
  });

  it('a pod-bound token stops authenticating once its pod is deleted (401, reason in the log)', async () => {
    const pod = await asAdmin('/api/v1/namespaces/demo/pods', 'POST', podBody('bound'));
    expect(pod.status).toBe(201);
    const r = await requestToken('demo', 'default', {
      boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'bound', uid: pod.body.metadata.uid },
    });
    expect(r.status).toBe(201);
    const token: string = r.body.status.token;
    const who = await s.kubectl('1.33', { token }, ['auth', 'whoami', '-o', 'json']);
    expect(JSON.parse(who.stdout).status.userInfo.extra).toMatchObject({
      'authentication.kubernetes.io/pod-name': ['bound'],
      'authentication.kubernetes.io/pod-uid': [pod.body.metadata.uid],
    });
    expect([200, 403]).toContain((await listPodsAs(token)).status);

    const stale = await requestToken('demo', 'default', {
      boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'bound', uid: 'not-the-uid' },
    });
    expect(stale.status).toBe(409);
    expect((await asAdmin('/api/v1/namespaces/demo/pods/bound?gracePeriodSeconds=0', 'DELETE')).status).toBe(
      200,
    );
    await expect.poll(async () => (await listPodsAs(token)).status, poll).toBe(401);
    const log = await logContaining(s.cp.apiserver.logFile, ['has been invalidated']);
    expect(log).toContain('service account token has been invalidated: bound pod demo/bound does not exist');
  });
});

describe('ServiceAccount admission', () => {
  it('gives a new pod the kube-api-access projected volume, mounted read-only', async () => {
    const r = await asAdmin('/api/v1/namespaces/demo/pods', 'POST', podBody('admitted'));
    expect(r.status).toBe(201);
    const spec = r.body.spec;
    expect(spec.serviceAccountName).toBe('default');
    const volume = spec.volumes.find((v: { name: string }) => v.name.startsWith('kube-api-access-'));
    expect(volume.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(volume.projected.sources[0]).toEqual({
      serviceAccountToken: { expirationSeconds: 3607, path: 'token' },
    });
    expect(spec.containers[0].volumeMounts).toEqual([
      { name: volume.name, readOnly: true, mountPath: TOKEN_PATH },
    ]);
  });

  it('leaves the volume out when the pod says automountServiceAccountToken: false', async () => {
    const r = await asAdmin(
      '/api/v1/namespaces/demo/pods',
      'POST',
      podBody('no-token', { automountServiceAccountToken: false }),
    );
    expect(r.status).toBe(201);
    expect(r.body.spec.volumes).toBeUndefined();
  });

  it("refuses a pod whose ServiceAccount does not exist, in upstream's words", async () => {
    const r = await asAdmin(
      '/api/v1/namespaces/demo/pods',
      'POST',
      podBody('orphan', { serviceAccountName: 'nope' }),
    );
    expect(r.status).toBe(403);
    expect(r.body.message).toBe(
      'pods "orphan" is forbidden: error looking up service account demo/nope: serviceaccount "nope" not found',
    );
  });
});

describe('root-ca-cert-publisher', () => {
  it('puts kube-root-ca.crt in a new namespace and restores it when edited or deleted', async () => {
    await asAdmin('/api/v1/namespaces', 'POST', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'fresh' },
    });
    const path = '/api/v1/namespaces/fresh/configmaps/kube-root-ca.crt';
    const caOf = async () => (await asAdmin(path)).body?.data?.['ca.crt'];
    await expect.poll(caOf, poll).toBe(s.ca);
    const current = (await asAdmin(path)).body;
    expect(current.metadata.annotations['kubernetes.io/description']).toMatch(/^Contains a CA bundle/);
    expect((await asAdmin(path, 'PUT', { ...current, data: { 'ca.crt': 'edited' } })).status).toBe(200);
    await expect.poll(caOf, poll).toBe(s.ca);
    expect((await asAdmin(path, 'DELETE')).status).toBe(200);
    await expect.poll(caOf, poll).toBe(s.ca);
  });
});

describe('kubelet credentials (Node authorizer + NodeRestriction)', () => {
  let node: Identity;
  let podUid: string;
  beforeAll(async () => {
    const ca = await loadSigner(s.ca, await readFile(pkiPaths(s.dir, 'ca').key, 'utf8'));
    const cert = await issue(ca, {
      name: 'node-n1',
      commonName: 'system:node:n1',
      organizations: ['system:nodes'],
      usage: 'client',
      dnsNames: [],
      ips: [],
    });
    node = { cert: cert.certPem, key: cert.keyPem };
    await asAdmin('/api/v1/namespaces/demo/serviceaccounts', 'POST', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'builder' },
    });
    const pod = await asAdmin(
      '/api/v1/namespaces/demo/pods',
      'POST',
      podBody('on-n1', { nodeName: 'n1', serviceAccountName: 'builder' }),
    );
    expect(pod.status).toBe(201);
    podUid = pod.body.metadata.uid;
  });

  it('lets a node create a token bound to a pod on it, for that pod’s account only', async () => {
    const ref = { kind: 'Pod', apiVersion: 'v1', name: 'on-n1', uid: podUid };
    await expect
      .poll(async () => (await requestToken('demo', 'builder', { boundObjectRef: ref }, node)).status, poll)
      .toBe(201);
    const unbound = await requestToken('demo', 'builder', {}, node);
    expect(unbound.status).toBe(403);
    expect(unbound.body.message).toBe(
      'serviceaccounts "builder" is forbidden: node requested token not bound to a pod',
    );
    const other = await requestToken('demo', 'default', { boundObjectRef: ref }, node);
    expect(other.status).toBe(403);
    expect(other.body.message).toBe(
      'serviceaccounts "default" is forbidden: User "system:node:n1" cannot create resource "serviceaccounts/token" in API group "" in the namespace "demo"',
    );
  });

  it('lets a node read kube-root-ca.crt for its pods, not other configmaps', async () => {
    const ca = await s.https('/api/v1/namespaces/demo/configmaps/kube-root-ca.crt', { identity: node });
    expect(ca.status).toBe(200);
    const other = await s.https('/api/v1/namespaces/kube-system/configmaps/kube-root-ca.crt', {
      identity: node,
    });
    expect(other.status).toBe(403);
  });
});

describe('the kubernetes Service on the secure port', () => {
  it('targets the secure port, and its Endpoints carry the advertise address and that port', async () => {
    const port = Number(new URL(s.url).port);
    const svc = await asAdmin('/api/v1/namespaces/default/services/kubernetes');
    expect(svc.body.spec.ports).toEqual([{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }]);
    const ep = await asAdmin('/api/v1/namespaces/default/endpoints/kubernetes');
    expect(ep.body.subsets[0].ports).toEqual([{ name: 'https', port, protocol: 'TCP' }]);
    expect(ep.body.subsets[0].addresses[0].ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });
});

describe('a pod on a real kubelet', () => {
  let k: TestNode | undefined;
  afterAll(async () => {
    await k?.stop();
  });

  it('reads token, ca.crt and namespace from its token volume, and the token authenticates', async () => {
    k = await startTestNode('sa-tokens', s.cp);
    const script = `for f in token ca.crt namespace; do echo "--- $f"; cat ${TOKEN_PATH}/$f; echo; done; echo "--- env"; env | grep ^KUBERNETES_SERVICE_; echo "--- end"; sleep 3600`;
    const created = await asAdmin(
      '/api/v1/namespaces/demo/pods',
      'POST',
      podBody('reader', {
        nodeName: k.nodeName,
        terminationGracePeriodSeconds: 1,
        containers: [
          { name: 'c', image: BUSYBOX_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script] },
        ],
      }),
    );
    expect(created.status).toBe(201);
    const logs = async () => (await fetch(`${s.cp.url}/api/v1/namespaces/demo/pods/reader/log`)).text();
    await expect.poll(logs, { timeout: 90_000, interval: 1000 }).toContain('--- end');
    const out = await logs();
    const section = (name: string) => out.split(`--- ${name}\n`)[1].split('\n--- ')[0];
    const token = section('token').trim();
    expect(section('ca.crt').trim()).toBe(s.ca.trim());
    expect(section('namespace').trim()).toBe('demo');
    expect(section('env')).toContain('KUBERNETES_SERVICE_PORT=443');
    expect(section('env')).toMatch(/KUBERNETES_SERVICE_HOST=\d+\.\d+\.\d+\.\d+/);
    // The RoleBinding from the first test lets demo:default list pods: authenticated, bound to this pod.
    expect((await listPodsAs(token)).status).toBe(200);
    const who = await s.kubectl('1.33', { token }, ['auth', 'whoami', '-o', 'json']);
    expect(JSON.parse(who.stdout).status.userInfo).toMatchObject({
      username: 'system:serviceaccount:demo:default',
      extra: { 'authentication.kubernetes.io/pod-name': ['reader'] },
    });
  });
});
