// Run the official Python client's e2e suite (kubernetes-client/python kubernetes/e2e_test)
// against a nodekube cluster started from source: etcd, apiserver, controller-manager,
// scheduler and three hollow nodes (test/integration/controller-cluster.ts). The suite is
// fetched code and stays outside the repo; this script only points it at the cluster through a
// kubeconfig (base.py loads $KUBECONFIG) and runs pytest. Exit code: pytest's.
//
//   node --import tsx scripts/python-client-e2e.ts /work/pyclient-e2e [pytest args…]

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startControlPlane } from '../test/support/apiserver';
import { freePort } from '../test/support/ports';
import { type Started, startAgent, waitForHttpOk } from '../test/support/process';

const [suiteArg, ...pytestArgs] = process.argv.slice(2);
if (!suiteArg) {
  console.error('usage: python-client-e2e.ts <suite-dir> [pytest args…]');
  process.exit(2);
}
const suite = resolve(suiteArg);

function kubeconfig(server: string): string {
  return `apiVersion: v1
kind: Config
clusters: [{name: nodekube, cluster: {server: "${server}"}}]
users: [{name: nodekube, user: {}}]
contexts: [{name: nodekube, context: {cluster: nodekube, user: nodekube, namespace: default}}]
current-context: nodekube
`;
}

const NODES = ['hollow-1', 'hollow-2', 'hollow-3'];
const NEEDS_A_KUBELET = [
  'test_client.py::TestClient::test_pod_apis',
  'test_client.py::TestClient::test_exit_code',
  'test_client.py::TestClient::test_portforward_http',
  'test_client.py::TestClient::test_portforward_raw',
];

async function readyNodes(url: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/nodes`);
  const list = (await res.json()) as {
    items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }>;
  };
  return list.items.filter((n) =>
    n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  ).length;
}

const [cmPort, schedPort] = [await freePort(), await freePort()];
const cp = await startControlPlane({
  name: 'apiserver-pyclient',
  flags: [
    `--controller-manager-health-url=http://127.0.0.1:${cmPort}/healthz`,
    `--scheduler-health-url=http://127.0.0.1:${schedPort}/healthz`,
  ],
});
const started: Started[] = [];
const work = mkdtempSync(join(tmpdir(), 'nodekube-pyclient-'));
let code = 1;
try {
  const master = [`--master=${cp.url}`, '--bind-address=127.0.0.1'];
  started.push(
    startAgent('controller-manager-pyclient', 'controller-manager', [...master, `--port=${cmPort}`]),
  );
  started.push(startAgent('scheduler-pyclient', 'scheduler', [...master, `--port=${schedPort}`]));
  for (const name of NODES)
    started.push(
      startAgent(`hollow-pyclient-${name}`, 'hollow-node', [
        `--master=${cp.url}`,
        `--name=${name}`,
        '--node-status-update-frequency=2s',
      ]),
    );
  await waitForHttpOk(`http://127.0.0.1:${cmPort}/healthz`, 60_000, started[0].logFile);
  await waitForHttpOk(`http://127.0.0.1:${schedPort}/healthz`, 60_000, started[1].logFile);
  for (let i = 0; (await readyNodes(cp.url)) < NODES.length; i++) {
    if (i > 120) throw new Error('hollow nodes did not become Ready in 60 s');
    await new Promise((r) => setTimeout(r, 500));
  }
  const config = join(work, 'kubeconfig');
  writeFileSync(config, kubeconfig(cp.url));
  // The suite opens its YAML as `kubernetes/e2e_test/test_yaml/…` from the working directory,
  // so it runs in a scratch folder where that path leads to the suite; the plugin
  // (scripts/pyclient) registers the suite as the `kubernetes.e2e_test` package it imports.
  mkdirSync(join(work, 'kubernetes'));
  symlinkSync(suite, join(work, 'kubernetes', 'e2e_test'));
  code = await new Promise<number>((done) => {
    const args = ['-m', 'pytest', '-v', '-rA', '-p', 'no:cacheprovider', '-p', 'nodekube_pyclient'];
    // exec and port-forward need a kubelet; a hollow node has none, and the apiserver would dial
    // the made-up InternalIP it reports (10.200.x.y), which is not ours to send traffic to.
    for (const t of NEEDS_A_KUBELET) args.push('--deselect', `kubernetes/e2e_test/${t}`);
    // Debian's interpreter: python3-kubernetes and python3-pytest are installed for it.
    const p = spawn('/usr/bin/python3', [...args, 'kubernetes/e2e_test', ...pytestArgs], {
      cwd: work,
      env: { ...process.env, KUBECONFIG: config },
      stdio: 'inherit',
    });
    p.once('exit', (c) => done(c ?? 1));
  });
} finally {
  await Promise.all(started.map((p) => p.stop()));
  await cp.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exit(code);
