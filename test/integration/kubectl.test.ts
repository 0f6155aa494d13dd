// The real kubectl (1.27, 1.30, 1.33) against the real apiserver on a real etcd: the workflows of
// issue #2's acceptance list. Each kubectl version works in its own namespace, so the three
// runs share one control plane without seeing each other's objects.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlPlane, startControlPlane } from '../support/apiserver';
import { KUBECTL_VERSIONS, type Kubectl, kubeconfigFor, kubectl, kubectlPath } from '../support/kubectl';
import { freePort } from '../support/ports';

let cp: ControlPlane;
const files = mkdtempSync(join(tmpdir(), 'nodekube-kubectl-test-'));
// componentstatuses probes these: a healthy stand-in for the controller-manager's /healthz, and a
// port nothing listens on for the scheduler.
const healthy = createServer((_req, res) => res.end('ok'));
let schedulerPort = 0;

beforeAll(async () => {
  await new Promise<void>((r) => healthy.listen(0, '127.0.0.1', () => r()));
  schedulerPort = await freePort();
  cp = await startControlPlane({
    name: 'apiserver-kubectl',
    flags: [
      `--controller-manager-health-url=http://127.0.0.1:${(healthy.address() as AddressInfo).port}/healthz`,
      `--scheduler-health-url=http://127.0.0.1:${schedulerPort}/healthz`,
    ],
  });
});
afterAll(async () => {
  await cp?.stop();
  healthy.close();
  rmSync(files, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const p = join(files, name);
  writeFileSync(p, text);
  return p;
}

const deploymentYaml = (
  ns: string,
  name: string,
  replicas: number,
  image = 'nginx:1.25',
) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels: {app: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{containerPort: 80}]
`;

/** Run and expect success; the failure message shows kubectl's own words. */
async function ok(k: Kubectl, args: string[], stdin?: string): Promise<string> {
  const r = await k(args, { stdin });
  expect(r.code, `kubectl ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

describe.each(KUBECTL_VERSIONS)('kubectl %s', (version) => {
  let k: Kubectl;
  const ns = `kc-${version.replace('.', '-')}`;
  const n = (args: string[]) => ['-n', ns, ...args];

  beforeAll(async () => {
    k = kubectl(version, cp.url);
    await ok(k, ['create', 'namespace', ns]);
  });

  it('version reports the server', async () => {
    expect(await ok(k, ['version'])).toMatch(/Server Version: .*v1\.30\./);
  });

  it('api-resources lists the catalogue with short names', async () => {
    const out = await ok(k, ['api-resources']);
    expect(out).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/m);
    expect(out).toMatch(/^pods\s+po\s+v1\s+true\s+Pod/m);
    expect(out).toMatch(/^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease/m);
  });

  it('get ns shows the system namespaces as a Table', async () => {
    const out = await ok(k, ['get', 'ns']);
    expect(out).toMatch(/^NAME\s+STATUS\s+AGE/);
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease', ns])
      expect(out).toMatch(new RegExp(`^${name}\\s+Active`, 'm'));
  });

  it('create -f, then get in every output format', async () => {
    await ok(k, ['create', '-f', file(`${ns}-d1.yaml`, deploymentYaml(ns, 'd1', 2))]);
    expect(await ok(k, n(['get', 'deploy']))).toMatch(
      /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nd1\s+0\/2\s+0\s+0\s+\d+s$/m,
    );
    expect(await ok(k, n(['get', 'deploy', '-o', 'wide']))).toMatch(
      /CONTAINERS\s+IMAGES\s+SELECTOR\n.*web\s+nginx:1\.25\s+app=d1/,
    );
    expect(await ok(k, n(['get', 'deploy', 'd1', '-o', 'yaml']))).toMatch(
      /kind: Deployment[\s\S]*replicas: 2/,
    );
    const json = JSON.parse(await ok(k, n(['get', 'deploy', 'd1', '-o', 'json'])));
    expect(json.metadata).toMatchObject({ name: 'd1', namespace: ns, generation: 1 });
    expect(
      await ok(k, n(['get', 'deploy', 'd1', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])),
    ).toBe('nginx:1.25');
    expect(await ok(k, n(['get', 'deploy', '-o', 'name']))).toBe('deployment.apps/d1\n');
  });

  it('apply -f creates, updates, and reports unchanged', async () => {
    const f = file(`${ns}-d2.yaml`, deploymentYaml(ns, 'd2', 1));
    expect(await ok(k, ['apply', '-f', f])).toMatch(/deployment.apps\/d2 created/);
    expect(await ok(k, ['apply', '-f', f])).toMatch(/deployment.apps\/d2 unchanged/);
    const f2 = file(`${ns}-d2b.yaml`, deploymentYaml(ns, 'd2', 4, 'nginx:1.26'));
    expect(await ok(k, ['apply', '-f', f2])).toMatch(/deployment.apps\/d2 configured/);
    expect(
      await ok(
        k,
        n([
          'get',
          'deploy',
          'd2',
          '-o',
          'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} {.metadata.generation}',
        ]),
      ),
    ).toBe('4 nginx:1.26 2');
  });

  it('describe shows the object and its pod template', async () => {
    const out = await ok(k, n(['describe', 'deploy', 'd1']));
    expect(out).toMatch(/^Name:\s+d1$/m);
    expect(out).toMatch(/Replicas:\s+2 desired/);
    expect(out).toMatch(/Image:\s+nginx:1\.25/);
  });

  it('label and annotate, then select by set-based selectors', async () => {
    await ok(k, n(['label', 'deploy', 'd1', 'tier=front']));
    await ok(k, n(['label', 'deploy', 'd2', 'tier=back']));
    await ok(k, n(['annotate', 'deploy', 'd1', 'owner=team-a']));
    expect(await ok(k, n(['get', 'deploy', '-l', 'tier in (front)', '-o', 'name']))).toBe(
      'deployment.apps/d1\n',
    );
    expect(await ok(k, n(['get', 'deploy', '-l', 'tier notin (front),tier', '-o', 'name']))).toBe(
      'deployment.apps/d2\n',
    );
    expect(await ok(k, n(['get', 'deploy', '-l', '!tier', '-o', 'name']))).toBe('');
    expect(await ok(k, n(['get', 'deploy', 'd1', '-o', 'jsonpath={.metadata.annotations.owner}']))).toBe(
      'team-a',
    );
    await ok(k, n(['label', 'deploy', 'd1', 'tier-']));
    expect(await ok(k, n(['get', 'deploy', '-l', 'tier', '-o', 'name']))).toBe('deployment.apps/d2\n');
  });

  it('patch: strategic merge, merge and JSON patch', async () => {
    await ok(
      k,
      n([
        'patch',
        'deploy',
        'd1',
        '-p',
        '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}',
      ]),
    );
    await ok(
      k,
      n(['patch', 'deploy', 'd1', '--type', 'merge', '-p', '{"metadata":{"labels":{"patched":"merge"}}}']),
    );
    await ok(
      k,
      n([
        'patch',
        'deploy',
        'd1',
        '--type',
        'json',
        '-p',
        '[{"op":"replace","path":"/spec/replicas","value":5}]',
      ]),
    );
    const out = await ok(
      k,
      n([
        'get',
        'deploy',
        'd1',
        '-o',
        'jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort} {.metadata.labels.patched} {.spec.replicas}',
      ]),
    );
    expect(out).toBe('nginx:1.27 80 merge 5');
  });

  it('scale and set image', async () => {
    expect(await ok(k, n(['scale', 'deploy', 'd1', '--replicas=3']))).toMatch(/deployment.apps\/d1 scaled/);
    expect(await ok(k, n(['set', 'image', 'deploy/d1', 'web=nginx:1.28']))).toMatch(/image updated/);
    expect(
      await ok(
        k,
        n([
          'get',
          'deploy',
          'd1',
          '-o',
          'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}',
        ]),
      ),
    ).toBe('3 nginx:1.28');
  });

  it('replace with the current resourceVersion, Conflict with a stale one', async () => {
    const current = JSON.parse(await ok(k, n(['get', 'deploy', 'd1', '-o', 'json'])));
    current.spec.replicas = 7;
    await ok(k, ['replace', '-f', '-'], JSON.stringify(current));
    expect(await ok(k, n(['get', 'deploy', 'd1', '-o', 'jsonpath={.spec.replicas}']))).toBe('7');
    current.spec.replicas = 8; // still carries the old resourceVersion
    const r = await k(['replace', '-f', '-'], { stdin: JSON.stringify(current) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /Error from server \(Conflict\): .*Operation cannot be fulfilled on deployments.apps "d1": the object has been modified/,
    );
  });

  it('create deployment, namespace and configmap imperatively', async () => {
    await ok(k, n(['create', 'deployment', 'imp', '--image=nginx:1.25', '--replicas=2']));
    await ok(k, ['create', 'namespace', `${ns}-extra`]);
    await ok(k, n(['create', 'configmap', 'cm1', '--from-literal=a=b']));
    expect(
      await ok(
        k,
        n(['get', 'deploy', 'imp', '-o', 'jsonpath={.spec.replicas} {.spec.selector.matchLabels.app}']),
      ),
    ).toBe('2 imp');
    expect(await ok(k, ['get', 'ns', `${ns}-extra`, '-o', 'name'])).toBe(`namespace/${ns}-extra\n`);
    expect(await ok(k, n(['get', 'cm', 'cm1', '-o', 'jsonpath={.data.a}']))).toBe('b');
  });

  it('expose allocates a ClusterIP and a NodePort', async () => {
    await ok(k, n(['expose', 'deploy', 'd1', '--port=80', '--name=d1-cip']));
    await ok(k, n(['expose', 'deploy', 'd1', '--port=80', '--type=NodePort', '--name=d1-np']));
    const [cip] = (await ok(k, n(['get', 'svc', 'd1-cip', '-o', 'jsonpath={.spec.clusterIP}']))).split(' ');
    expect(cip).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    const np = Number(await ok(k, n(['get', 'svc', 'd1-np', '-o', 'jsonpath={.spec.ports[0].nodePort}'])));
    expect(np).toBeGreaterThanOrEqual(30000);
    expect(np).toBeLessThanOrEqual(32767);
    expect(await ok(k, n(['get', 'svc', 'd1-np']))).toMatch(
      new RegExp(`d1-np\\s+NodePort\\s+10\\.\\S+\\s+<none>\\s+80:${np}/TCP`),
    );
  });

  it('errors print as Error from server (Reason)', async () => {
    const missing = await k(n(['get', 'deploy', 'nope']));
    expect(missing.stderr).toMatch(/Error from server \(NotFound\): deployments.apps "nope" not found/);
    const dup = await k(['create', '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }),
    });
    expect(dup.stderr).toMatch(
      new RegExp(`Error from server \\(AlreadyExists\\): .*namespaces "${ns}" already exists`),
    );
    const np = await ok(k, n(['get', 'svc', 'd1-np', '-o', 'jsonpath={.spec.ports[0].nodePort}']));
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'clash', namespace: ns },
      spec: { type: 'NodePort', selector: { app: 'd1' }, ports: [{ port: 81, nodePort: Number(np) }] },
    };
    const clash = await k(['create', '-f', '-'], { stdin: JSON.stringify(svc) });
    const neg = await k(['create', '-f', '-'], { stdin: deploymentYaml(ns, 'neg', -1) });
    expect(neg.stderr).toMatch(
      /The Deployment "neg" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0/,
    );
    expect(clash.stderr).toMatch(
      new RegExp(
        `The Service "clash" is invalid: spec.ports\\[0\\].nodePort: Invalid value: ${np}: provided port is already allocated`,
      ),
    );
  });

  it('get -w sees an object created later', async () => {
    const { kubeconfig, cacheDir } = kubeconfigFor(cp.url);
    const child = spawn(kubectlPath(version), [
      `--kubeconfig=${kubeconfig}`,
      `--cache-dir=${cacheDir}`,
      '-n',
      ns,
      'get',
      'configmaps',
      '-w',
    ]);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      await expect.poll(() => out, { timeout: 15_000 }).toMatch(/cm1/);
      await ok(k, n(['create', 'configmap', 'later', '--from-literal=x=y']));
      await expect.poll(() => out, { timeout: 15_000 }).toMatch(/^later\s+1\s+/m);
    } finally {
      child.kill();
    }
  });

  it('delete removes the object', async () => {
    expect(await ok(k, n(['delete', 'deploy', 'd2']))).toMatch(/deployment.apps "d2" deleted/);
    expect((await k(n(['get', 'deploy', 'd2']))).stderr).toMatch(/NotFound/);
  });

  it('componentstatuses probes etcd and the components live', async () => {
    const out = await ok(k, ['get', 'componentstatuses']);
    expect(out).toMatch(/^NAME\s+STATUS\s+MESSAGE\s+ERROR/);
    expect(out).toMatch(/^etcd-0\s+Healthy\s+\{"health":"true"\}/m);
    expect(out).toMatch(/^controller-manager\s+Healthy\s+ok/m);
    expect(out).toContain(
      `Get "http://127.0.0.1:${schedulerPort}/healthz": dial tcp 127.0.0.1:${schedulerPort}: connect: connection refused`,
    );
    expect(out).toMatch(/^scheduler\s+Unhealthy/m);
  });
});
