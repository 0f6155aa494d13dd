// The installed cluster is locked down the way a kubeadm cluster is (issue 9), checked from the
// outside with real clients: no credentials → 401 (but /healthz and /version answer); a client
// certificate from another CA is refused at TLS; the plain port answers only on the master's
// loopback; minion1's kubelet identity cannot touch minion2's Node; the kubelet's :10250 wants a
// client certificate; etcd lets in only the apiserver; a Secret is ciphertext in etcd; and a pod
// running the official JavaScript client (@kubernetes/client-node, in-cluster configuration from
// its mounted service-account token) gets upstream's 403 until a RoleBinding lets it list pods.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiUrlOf, SECURE_PORT } from '../../installer/inventory';
import { HOST_PATHS } from '../../installer/pki/host-files';
import { createCa, issue } from '../../installer/pki/x509';
import { ETCDCTL } from '../../installer/units';
import { hostOf, inventory, KUBECTL_DIR, kubectl, kubectlRun, nodekube, onNode, REPO_ROOT } from './support';

const NS = 'e2e-security';
const CA = readFileSync(join(REPO_ROOT, '.nodekube/pki/ca.crt'), 'utf8');
let dir: string;

interface Reply {
  status: number;
  body: string;
}

/** One HTTPS GET to the apiserver (or a kubelet), with the cluster CA and an optional client pair. */
function get(url: string, client: { cert?: string; key?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: CA, ...client, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nodekube-e2e-security-'));
  await kubectlRun('1.33', ['delete', 'namespace', NS, '--ignore-not-found', '--wait=true']);
  await kubectl('1.33', ['create', 'namespace', NS]);
});

// Gone before the next file starts: a namespace still terminating would count as a change to
// the drills' "cluster as found".
afterAll(async () => {
  await kubectlRun(
    '1.33',
    ['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=180s'],
    { timeoutMs: 200_000 },
  );
  rmSync(dir, { recursive: true, force: true });
});

describe('the secured apiserver', () => {
  const api = () => apiUrlOf(inventory());

  it('answers 401 without credentials, except the public paths', async () => {
    const pods = await get(`${api()}/api/v1/pods`);
    expect(pods.status).toBe(401);
    expect(JSON.parse(pods.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    for (const path of ['/healthz', '/version']) expect((await get(`${api()}${path}`)).status).toBe(200);
  });

  it('refuses a client certificate from another CA at TLS', async () => {
    const stranger = await createCa('not-the-cluster-ca');
    const { X509Certificate } = await import('node:crypto');
    const { loadSigner } = await import('../../installer/pki/x509');
    const pair = await issue(await loadSigner(stranger.certPem, stranger.keyPem), {
      name: 'mallory',
      commonName: 'kubernetes-admin',
      organizations: ['system:masters'],
      usage: 'client',
      dnsNames: [],
      ips: [],
    });
    expect(new X509Certificate(pair.certPem).subject).toContain('system:masters');
    await expect(get(`${api()}/api/v1/pods`, { cert: pair.certPem, key: pair.keyPem })).rejects.toThrow();
  });

  it('keeps the plain port on the master’s loopback: localhost:8080 answers there, its private address does not', async () => {
    const master = hostOf('master');
    const local = await onNode('master', 'curl -s --max-time 5 http://localhost:8080/version');
    expect(local.output).toContain('"gitVersion"');
    const remote = await onNode(
      'minion1',
      `curl -s --max-time 5 http://${master.ip}:8080/version; echo exit=$?`,
    );
    expect(remote.output).toMatch(/exit=(7|28)/);
    expect(api()).toBe(`https://${master.ip}:${SECURE_PORT}`);
  });

  it('answers kubectl auth whoami and can-i for the admin (1.30 and 1.33)', async () => {
    for (const v of ['1.30', '1.33']) {
      expect(await kubectl(v, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'])).toBe(
        'kubernetes-admin',
      );
      expect((await kubectl(v, ['auth', 'can-i', 'delete', 'nodes'])).trim()).toBe('yes');
    }
  });
});

describe('node identities and the kubelet', () => {
  it('lets minion1’s kubelet identity read nodes but not label minion2', async () => {
    const conf = await onNode('minion1', `sudo cat ${HOST_PATHS.kubeletConf}`);
    expect(conf.code).toBe(0);
    const file = join(dir, 'minion1.conf');
    writeFileSync(file, conf.output, { mode: 0o600 });
    const as = (args: string[]) =>
      promisify(execFile)(join(KUBECTL_DIR, 'kubectl.1.33'), [`--kubeconfig=${file}`, ...args]).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code?: number; stderr?: string }) => ({ code: e.code ?? 1, out: e.stderr ?? '' }),
      );
    expect((await as(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'])).out).toBe(
      'system:node:minion1',
    );
    const other = await as(['label', 'node', 'minion2', 'e2e-security=stolen']);
    expect(other.code).not.toBe(0);
    expect(other.out).toMatch(/forbidden/i);
    expect((await as(['get', 'secrets', '-n', 'kube-system'])).out).toMatch(/forbidden/i);
  });

  it('wants a client certificate on :10250 (401 without one)', async () => {
    const minion1 = hostOf('minion1');
    const anonymous = await get(`https://${minion1.ip}:10250/pods`);
    expect(anonymous.status).toBe(401);
  });

  it('still streams logs and exec through the apiserver (apiserver → kubelet over TLS)', async () => {
    await kubectl('1.33', [
      'run',
      'sec-echo',
      '-n',
      NS,
      '--image=busybox',
      '--restart=Never',
      '--',
      'sh',
      '-c',
      'echo hello-from-a-secured-kubelet; sleep 600',
    ]);
    await kubectl('1.33', ['wait', '-n', NS, '--for=condition=Ready', 'pod/sec-echo', '--timeout=120s']);
    expect(await kubectl('1.33', ['logs', '-n', NS, 'sec-echo'])).toContain('hello-from-a-secured-kubelet');
    expect((await kubectl('1.27', ['exec', '-n', NS, 'sec-echo', '--', 'echo', 'exec-ok'])).trim()).toBe(
      'exec-ok',
    );
  });
});

describe('the components’ own identities', () => {
  // A missing rule refuses the same request again and again (every sync, every relist). The one
  // refusal a healthy cluster shows is a race upstream has too: a pod deleted while its kubelet
  // was fetching the pod's ConfigMap, Secret or token, so the Node authorizer no longer links
  // them. That is one refusal per object, never a series.
  it('were never refused by RBAC, and by the Node authorizer only once per object (a pod deleted mid-sync)', async () => {
    const r = await onNode(
      'master',
      [
        "sudo journalctl -u kube-apiserver --no-pager -o cat | grep 'Forbidden user=system:'",
        "grep -v -e 'user=system:serviceaccount:e2e-security' -e 'is not allowed to modify node' -e 'may only get individual secrets'",
        'true',
      ].join(' | '),
    );
    const refusals = r.output.split('\n').filter((l) => l.includes('Forbidden'));
    const race = /reason="no relationship found between node/;
    expect(refusals.filter((l) => !race.test(l))).toEqual([]);
    const perObject = new Map<string, number>();
    for (const l of refusals) {
      const key = /user=\S+ target="[^"]*"/.exec(l)?.[0] ?? l;
      perObject.set(key, (perObject.get(key) ?? 0) + 1);
    }
    expect([...perObject].filter(([, n]) => n > 2)).toEqual([]);
  });
});

describe('nodekube certs check', () => {
  it('lists every host’s certificates, all current and far from expiry (exit 0)', async () => {
    const r = await nodekube('certs-check', ['certs', 'check'], 120_000);
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/^HOST\s+CERTIFICATE\s+SUBJECT\s+EXPIRES\s+RESIDUAL TIME\s+STATE$/m);
    expect(r.output).toMatch(/^master\s+\/etc\/kubernetes\/pki\/apiserver\.crt\s+kube-apiserver\s.*\sok$/m);
    expect(r.output).toMatch(
      /^minion2\s+\/etc\/kubernetes\/kubelet\.conf \(client\)\s+system:node:minion2\s.*\sok$/m,
    );
    expect(r.output).not.toMatch(/missing|stale|renew soon/);
  });
});

describe('etcd', () => {
  it('lets in only a client with the apiserver’s certificate', async () => {
    const anonymous = await onNode(
      'master',
      `sudo curl -sS --max-time 5 --cacert ${HOST_PATHS.ca} https://127.0.0.1:2379/version; echo exit=$?`,
    );
    expect(anonymous.output).not.toMatch(/exit=0\b/);
    const asApiserver = await onNode('master', `sudo ${ETCDCTL} endpoint health`);
    expect(asApiserver.output).toMatch(/is healthy/);
  });

  it('stores a Secret as ciphertext (k8s:enc:aescbc:v1:), read back in clear through the API', async () => {
    await kubectl('1.33', [
      'create',
      'secret',
      'generic',
      'sealed',
      '-n',
      NS,
      '--from-literal=word=plain-text-canary',
    ]);
    // the first bytes as text, every unprintable byte a dot
    const raw = await onNode(
      'master',
      `sudo ${ETCDCTL} get /registry/secrets/${NS}/sealed --print-value-only | head -c 40 | tr -c '[:print:]' .`,
    );
    expect(raw.output).toContain('k8s:enc:aescbc:v1:key1:');
    const all = await onNode(
      'master',
      `sudo ${ETCDCTL} get /registry/secrets/${NS}/sealed --print-value-only | grep -c plain-text-canary; true`,
    );
    expect(all.output.trim().split('\n').at(-1)).toBe('0');
    const back = await kubectl('1.33', ['get', 'secret', 'sealed', '-n', NS, '-o', 'jsonpath={.data.word}']);
    expect(Buffer.from(back, 'base64').toString()).toBe('plain-text-canary');
  });
});

describe('a pod with the official client, in-cluster', () => {
  /** client-node bundled into one file, run by the Node.js of the cluster's own DNS image. */
  let script: string;
  const POD = 'client-node';

  beforeAll(async () => {
    const entry = join(dir, 'list-pods.mjs');
    writeFileSync(
      entry,
      [
        "import { readFileSync } from 'node:fs';",
        "import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';",
        'const kc = new KubeConfig();',
        'kc.loadFromCluster();',
        "const namespace = readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/namespace', 'utf8');",
        'try {',
        '  const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace });',
        '  console.log("LISTED " + pods.items.map((p) => p.metadata.name).join(","));',
        '} catch (err) {',
        '  console.log("ERROR " + err.code + " " + (typeof err.body === "string" ? err.body : JSON.stringify(err.body)));',
        '}',
      ].join('\n'),
    );
    // One ES module with every dependency inside; `require` for the CommonJS parts it bundles.
    await build({
      entryPoints: [entry],
      outfile: join(dir, 'list-pods.out.mjs'),
      bundle: true,
      platform: 'node',
      target: 'node18',
      format: 'esm',
      minify: true,
      logLevel: 'error',
      nodePaths: [join(REPO_ROOT, 'node_modules')],
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
    script = readFileSync(join(dir, 'list-pods.out.mjs'), 'utf8');
    const image = await kubectl('1.33', [
      'get',
      'deployment',
      'coredns',
      '-n',
      'kube-system',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    await kubectl('1.33', [
      'run',
      POD,
      '-n',
      NS,
      `--image=${image}`,
      '--image-pull-policy=IfNotPresent',
      '--restart=Never',
      '--command',
      '--',
      '/usr/bin/node',
      '-e',
      'setInterval(() => {}, 1 << 30)',
    ]);
    await kubectl('1.33', ['wait', '-n', NS, '--for=condition=Ready', `pod/${POD}`, '--timeout=120s']);
    await nodeInPod(
      ['-e', "require('fs').writeFileSync('/tmp/list-pods.mjs', require('fs').readFileSync(0))"],
      script,
    );
  });

  /** The pod's own Node.js (`kubectl exec [-i] … -- /usr/bin/node ARGS`), its output trimmed. */
  const nodeInPod = (args: string[], input?: string) =>
    kubectl(
      '1.33',
      ['exec', ...(input === undefined ? [] : ['-i']), '-n', NS, POD, '--', '/usr/bin/node', ...args],
      {
        input,
      },
    ).then((s) => s.trim());
  const listFromThePod = () => nodeInPod(['/tmp/list-pods.mjs']);

  it('has its service-account token, CA and namespace mounted (kube-api-access-*)', async () => {
    const files = await nodeInPod([
      '-e',
      "console.log(require('fs').readdirSync('/var/run/secrets/kubernetes.io/serviceaccount').sort().join(' '))",
    ]);
    expect(files).toBe('ca.crt namespace token');
  });

  it('shows its token to a kubelet: authenticated by TokenReview, 403 on nodes/proxy (no RBAC for it)', async () => {
    const answer = await nodeInPod([
      '-e',
      [
        "const fs = require('fs'), https = require('https');",
        "const dir = '/var/run/secrets/kubernetes.io/serviceaccount/';",
        `https.get({ host: '${hostOf('minion1').ip}', port: 10250, path: '/pods', ca: fs.readFileSync(dir + 'ca.crt'),`,
        "  headers: { Authorization: 'Bearer ' + fs.readFileSync(dir + 'token', 'utf8') } }, (res) => {",
        "  let body = ''; res.on('data', (c) => (body += c)); res.on('end', () => console.log(res.statusCode + ' ' + body.trim()));",
        '});',
      ].join('\n'),
    ]);
    expect(answer).toBe(
      `403 Forbidden (user=system:serviceaccount:${NS}:default, verb=get, resource=nodes, subresource(s)=[proxy])`,
    );
  });

  it('gets upstream’s 403 before a RoleBinding, the list after', async () => {
    const before = await listFromThePod();
    expect(before).toMatch(/^ERROR 403 /);
    expect(before).toContain(
      `pods is forbidden: User \\"system:serviceaccount:${NS}:default\\" cannot list resource \\"pods\\" in API group \\"\\" in the namespace \\"${NS}\\"`,
    );
    await kubectl('1.33', [
      'create',
      'rolebinding',
      'default-view',
      '-n',
      NS,
      '--clusterrole=view',
      `--serviceaccount=${NS}:default`,
    ]);
    await expect.poll(listFromThePod, { timeout: 30_000, interval: 2_000 }).toMatch(/^LISTED .*client-node/);
    // view in its own namespace only
    const elsewhere = await kubectlRun('1.33', [
      'auth',
      'can-i',
      'list',
      'pods',
      '-n',
      'kube-system',
      `--as=system:serviceaccount:${NS}:default`,
    ]);
    expect(elsewhere.stdout.trim()).toBe('no');
  });
});
