// A secured node end to end (issue 9): certificates from installer/pki, the apiserver on its
// secure port dialling kubelets with its kubelet-client certificate and checking their serving
// certificates, and a real kubelet on Docker that
//   - finds the apiserver only through --kubeconfig (its own system:node:<name> certificate, file
//     references relative to the kubeconfig), so everything it does goes over TLS under Node+RBAC;
//   - serves HTTPS with its serving certificate, wants client certificates from the cluster CA,
//     refuses anonymous requests and asks the apiserver (SubjectAccessReview) about the rest.
// The real kubectl, as admin, reads logs and execs through the apiserver; direct calls to the
// kubelet show upstream's 401 and 403.

import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import type { Node } from 'kubernetes-types/core/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { R } from '../../agents/api/resources';
import { issueServiceAccountToken } from '../../agents/apiserver/auth/service-account';
import { createClient, loadConnection } from '../../agents/client';
import { ensurePki, pkiPaths } from '../../installer/pki/pki';
import { issue, loadSigner } from '../../installer/pki/x509';
import { BUSYBOX_IMAGE } from '../support/docker';
import { podOn, startTestNode, type TestNode, testNodeName } from '../support/kubelet';
import { logContaining, REPO_ROOT } from '../support/process';
import {
  type Identity,
  SA_ISSUER,
  type SecureControlPlane,
  startSecureControlPlane,
} from '../support/secure-apiserver';

let s: SecureControlPlane;
let node: TestNode;
let ca: string;
let jane: Identity;
let kubeletPort = 0;
const nodeName = testNodeName('kubelet-secure');
const poll = { timeout: 60_000, interval: 250 };

/** One HTTPS exchange with the kubelet, verifying its serving certificate against the cluster CA. */
function kubeletHttps(
  path: string,
  opts: { identity?: Identity; method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: kubeletPort,
        path,
        method: opts.method ?? 'GET',
        ca,
        cert: opts.identity?.cert,
        key: opts.identity?.key,
        headers: opts.headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A new service account in `default` and an hour's token for it, signed as the apiserver signs them. */
async function serviceAccountToken(name: string): Promise<string> {
  const sa = await s.https('/api/v1/namespaces/default/serviceaccounts', {
    identity: s.admin,
    method: 'POST',
    body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } },
  });
  return issueServiceAccountToken(s.saSigningKey, {
    issuer: SA_ISSUER,
    namespace: 'default',
    name,
    uid: sa.body.metadata.uid,
    audiences: [SA_ISSUER],
    expirationSeconds: 3600,
  });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await check().catch(() => false)); ) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  s = await startSecureControlPlane((dir) => [
    `--kubelet-client-certificate=${pkiPaths(dir, 'apiserver-kubelet-client').cert}`,
    `--kubelet-client-key=${pkiPaths(dir, 'apiserver-kubelet-client').key}`,
    `--kubelet-certificate-authority=${pkiPaths(dir, 'ca').cert}`,
  ]);
  ca = s.ca;
  // The same cluster as startSecureControlPlane's, now with this node: its client and serving pairs.
  await ensurePki(s.dir, {
    masterName: 'localhost',
    masterIp: '127.0.0.1',
    serviceIp: '10.96.0.1',
    nodes: [{ name: nodeName, ip: '127.0.0.1' }],
  });
  const signer = await loadSigner(ca, await readFile(pkiPaths(s.dir, 'ca').key, 'utf8'));
  const janePair = await issue(signer, {
    name: 'jane',
    commonName: 'jane',
    organizations: ['developers'],
    usage: 'client',
    dnsNames: [],
    ips: [],
  });
  jane = { cert: janePair.certPem, key: janePair.keyPem };
  // kubeadm's kubelet.conf shape, with file references relative to the kubeconfig (client-go resolves them so).
  const kubeconfig = join(s.dir, 'kubelet.conf');
  await writeFile(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: nodekube, cluster: {server: "${s.url}", certificate-authority: ca.crt}}]
users: [{name: "system:node:${nodeName}", user: {client-certificate: "nodes/${nodeName}.crt", client-key: "nodes/${nodeName}.key"}}]
contexts: [{name: kubelet, context: {cluster: nodekube, user: "system:node:${nodeName}"}}]
current-context: kubelet
`,
  );
  const serving = pkiPaths(s.dir, `nodes/${nodeName}-serving`);
  node = await startTestNode(
    'kubelet-secure',
    s.cp,
    [
      `--tls-cert-file=${serving.cert}`,
      `--tls-private-key-file=${serving.key}`,
      `--client-ca-file=${pkiPaths(s.dir, 'ca').cert}`,
      '--anonymous-auth=false',
      '--authentication-token-webhook',
      '--authorization-mode=Webhook',
    ],
    {
      nodeName,
      apiFlags: [`--kubeconfig=${kubeconfig}`],
      waitReady: (port, logFile) =>
        until(`kubelet /healthz over HTTPS as admin (see ${logFile})`, async () => {
          kubeletPort = port;
          return (await kubeletHttps('/healthz', { identity: s.admin })).status === 200;
        }),
    },
  );
  // No controller-manager here: make the namespace's `default` ServiceAccount as its controller
  // would, since ServiceAccount admission (the plane signs tokens) looks it up; and no token
  // volume, whose CA ConfigMap that controller-manager would publish (service-account-tokens.test.ts).
  await s.https('/api/v1/namespaces/default/serviceaccounts', {
    identity: s.admin,
    method: 'POST',
    body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } },
  });
  const created = await s.https('/api/v1/namespaces/default/pods', {
    identity: s.admin,
    method: 'POST',
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      ...podOn(node, 'talker', {
        automountServiceAccountToken: false,
        containers: [
          {
            name: 'app',
            image: BUSYBOX_IMAGE,
            imagePullPolicy: 'IfNotPresent',
            command: ['sh', '-c', 'echo hello over tls; sleep 3600'],
          },
        ],
      }),
    },
  });
  if (created.status !== 201)
    throw new Error(`create pod: ${created.status} ${JSON.stringify(created.body)}`);
  await until('pod talker Running', async () => {
    const pod = await s.https('/api/v1/namespaces/default/pods/talker', { identity: s.admin });
    return pod.body?.status?.phase === 'Running';
  });
});
afterAll(async () => {
  await node?.stop();
  await s?.stop();
});

describe('the kubelet as an API client', () => {
  it('registers its Node and keeps it Ready through the secure port, as system:node:<name>', async () => {
    await expect
      .poll(async () => {
        const r = await s.https(`/api/v1/nodes/${nodeName}`, { identity: s.admin });
        return (r.body as Node).status?.conditions?.find((c) => c.type === 'Ready')?.status;
      }, poll)
      .toBe('True');
    const log = await logContaining(node.kubelet.logFile, ['Talking to the apiserver']);
    expect(log).toContain(`Talking to the apiserver server=${s.url}`);
    expect(log).toContain('kubelet.conf');
  });
});

describe("the shared client with a kubeconfig token file (what a pod's agent uses)", () => {
  it('sends the token over TLS: the apiserver knows the service account, and RBAC answers for it', async () => {
    const token = await serviceAccountToken('reader');
    await writeFile(join(s.dir, 'reader.token'), `${token}\n`);
    const conf = join(s.dir, 'reader.conf');
    await writeFile(
      conf,
      `clusters: [{name: c, cluster: {server: "${s.url}", certificate-authority: ca.crt}}]
users: [{name: reader, user: {tokenFile: reader.token}}]
contexts: [{name: x, context: {cluster: c, user: reader}}]
current-context: x
`,
    );
    const client = createClient(await loadConnection({ kubeconfig: conf, master: '' }));
    await expect(client.list(R.pods, { namespace: 'kube-system' })).rejects.toMatchObject({
      status: {
        code: 403,
        message: expect.stringContaining(
          'User "system:serviceaccount:default:reader" cannot list resource "pods"',
        ),
      },
    });
  });
});

describe('kubectl through the apiserver, which dials the kubelet over TLS', () => {
  it.each(['1.27', '1.33'])('kubectl %s: logs and exec as admin', async (v) => {
    const logs = await s.kubectl(v, s.admin, ['logs', 'talker']);
    expect(logs).toMatchObject({ code: 0, stdout: 'hello over tls\n' });
    const exec = await s.kubectl(v, s.admin, ['exec', 'talker', '--', 'sh', '-c', 'echo out; exit 3']);
    expect(exec.stdout).toBe('out\n');
    expect(exec.code).toBe(3);
  });
});

describe("the kubelet's own door", () => {
  it('no client certificate: 401 Unauthorized, for plain requests and upgrades alike', async () => {
    expect(await kubeletHttps('/pods')).toEqual({ status: 401, body: 'Unauthorized' });
    const upgrade = await kubeletHttps('/exec/default/talker/app?command=true&stdout=true', {
      method: 'POST',
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'SPDY/3.1',
        'X-Stream-Protocol-Version': 'v4.channel.k8s.io',
      },
    });
    expect(upgrade).toEqual({ status: 401, body: 'Unauthorized' });
  });

  it("a user RBAC does not let near nodes/proxy: 403 in upstream's words", async () => {
    expect(await kubeletHttps('/pods', { identity: jane })).toEqual({
      status: 403,
      body: 'Forbidden (user=jane, verb=get, resource=nodes, subresource(s)=[proxy])\n',
    });
    const upgrade = await kubeletHttps('/exec/default/talker/app?command=true&stdout=true', {
      identity: jane,
      method: 'POST',
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'SPDY/3.1',
        'X-Stream-Protocol-Version': 'v4.channel.k8s.io',
      },
    });
    expect(upgrade).toEqual({
      status: 403,
      body: 'Forbidden (user=jane, verb=create, resource=nodes, subresource(s)=[proxy])\n',
    });
  });

  it('a service-account token (TokenReview): 403 until RBAC grants nodes/stats, then in; a forged one 401', async () => {
    const token = await serviceAccountToken('scraper');
    const bearer = (t: string) => ({ headers: { Authorization: `Bearer ${t}` } });
    expect(await kubeletHttps('/stats/summary', bearer(token))).toEqual({
      status: 403,
      body: 'Forbidden (user=system:serviceaccount:default:scraper, verb=get, resource=nodes, subresource(s)=[stats])\n',
    });
    expect(await kubeletHttps('/stats/summary', bearer(`${token.slice(0, -4)}AAAA`))).toEqual({
      status: 401,
      body: 'Unauthorized',
    });
    for (const [path, body] of [
      [
        '/apis/rbac.authorization.k8s.io/v1/clusterroles',
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: 'stats-reader' },
          rules: [{ apiGroups: [''], resources: ['nodes/stats'], verbs: ['get'] }],
        },
      ],
      [
        '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: 'scraper-stats' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'stats-reader' },
          subjects: [{ kind: 'ServiceAccount', name: 'scraper', namespace: 'default' }],
        },
      ],
    ] as const)
      expect((await s.https(path, { identity: s.admin, method: 'POST', body })).status).toBe(201);
    // The kubelet remembers a no for 30 s (upstream's unauthorized TTL): the yes shows within that.
    await until('stats with the token once RBAC allows it', async () => {
      const r = await kubeletHttps('/stats/summary', bearer(token));
      return r.status === 200 && JSON.parse(r.body).node?.nodeName === nodeName;
    });
  });

  it('admin (system:masters) is let in', async () => {
    const r = await kubeletHttps('/pods', { identity: s.admin });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).items.map((p: { metadata: { name: string } }) => p.metadata.name)).toContain(
      'talker',
    );
  });
});

describe('a kubeconfig that cannot be used stops the agent at once, saying why', () => {
  /** Run an agent to its end; its exit code and the last line it wrote. */
  const run = (component: string, flags: string[]) =>
    new Promise<{ code: number; last: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', join(REPO_ROOT, 'agents', 'main.ts'), component, ...flags],
        { cwd: REPO_ROOT, timeout: 30_000 },
        (err, _stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
          resolve({ code, last: String(stderr).trim().split('\n').at(-1) ?? '' });
        },
      );
    });

  it('scheduler: a missing kubeconfig', async () => {
    expect(await run('scheduler', ['--kubeconfig=/nonexistent/scheduler.conf', '--port=0'])).toEqual({
      code: 1,
      last: 'nodekube-agent: kubeconfig "/nonexistent/scheduler.conf": no such file',
    });
  });

  it('kubelet: a client certificate the kubeconfig names but the disk lacks', async () => {
    const conf = join(s.dir, 'broken.conf');
    await writeFile(
      conf,
      `clusters: [{name: c, cluster: {server: "${s.url}", certificate-authority: ca.crt}}]
users: [{name: u, user: {client-certificate: gone.crt, client-key: gone.key}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
    );
    const r = await run('kubelet', [
      `--kubeconfig=${conf}`,
      '--hostname-override=broken',
      '--node-ip=127.0.0.1',
    ]);
    expect(r).toEqual({
      code: 1,
      last: `nodekube-agent: kubeconfig "${conf}": users[u].user.client-certificate: cannot read "${join(s.dir, 'gone.crt')}": no such file`,
    });
  });
});
