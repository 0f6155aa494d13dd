// The installer's acceptance, end to end on this machine: `npm run up` from nothing brings up
// one master and three minions (Vagrant's docker provider) and ends like kube-up.sh; the real
// kubectl (1.33 and 1.27) with the written kubeconfig sees 3 Ready nodes and Healthy components;
// `validate` passes; a deployment runs over the minions with pod-to-pod traffic through host-gw
// and a Service through kube-proxy (ClusterIP and NodePort); a second `up` converges without restarting anything; a minion whose kubelet
// cannot start makes `validate` fail within its bound, naming the host and the unit; `down`
// leaves no node containers. Timings are printed as JSON (bench-style), never asserted.
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { kubectlPath } from '../support/kubectl';
import { REPO_ROOT } from '../support/process';

const LOGS = join(REPO_ROOT, '.nodekube', 'test-logs');
const KUBECONFIG = join(REPO_ROOT, '.nodekube', 'kubeconfig');
const MINIONS = ['minion1', 'minion2', 'minion3'];
const timings: Record<string, number> = {};

interface Run {
  code: number;
  output: string;
  ms: number;
}

/** Runs a command in the repo, teeing its output to .nodekube/test-logs/<name>.log; killed at the bound. */
function run(name: string, cmd: string, args: string[], boundMs: number): Promise<Run> {
  mkdirSync(LOGS, { recursive: true });
  const log = createWriteStream(join(LOGS, `e2e-${name}.log`));
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    const take = (b: Buffer) => {
      output += b;
      log.write(b);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => child.kill('SIGTERM'), boundMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      log.end();
      resolve({ code: code ?? 124, output, ms: Date.now() - t0 });
    });
  });
}

const nodekube = (name: string, args: string[], boundMs = 10 * 60_000) =>
  run(name, './bin/nodekube', args, boundMs);

async function kubectl(version: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    kubectlPath(version),
    [`--kubeconfig=${KUBECONFIG}`, ...args],
    { timeout: 60_000 },
  );
  return stdout;
}

async function nodeContainers(): Promise<string[]> {
  const { stdout } = await promisify(execFile)('docker', ['ps', '-aq', '--filter', 'label=nodekube.node']);
  return stdout.split('\n').filter(Boolean);
}

describe('npm run up: one master, three minions, validated like kube-up.sh', () => {
  afterAll(async () => {
    // Whatever happened, leave no node containers behind.
    if ((await nodeContainers()).length) await nodekube('cleanup-down', ['down']);
    process.stdout.write(`${JSON.stringify({ e2e: 'installer', timingsMs: timings })}\n`);
  });

  it('starts from nothing', async () => {
    if ((await nodeContainers()).length) expect((await nodekube('pre-down', ['down'])).code).toBe(0);
    expect(await nodeContainers()).toEqual([]);
  });

  it('brings the cluster up and ends with "Cluster validation succeeded"', async () => {
    const up = await run('up', 'bash', ['provision/up-local.sh'], 20 * 60_000);
    timings.upFromNothing = up.ms;
    expect(up.output).toMatch(/Waiting for 3 ready nodes|Found 3 node\(s\)\./);
    expect(up.output).toContain('Found 3 node(s).');
    expect(up.output).toContain('Validate output:');
    expect(up.output).toContain('Cluster validation succeeded');
    expect(up.output).toContain(`export KUBECONFIG=${KUBECONFIG}`);
    expect(up.code).toBe(0);
  });

  it.each(['1.33', '1.27'])(
    'kubectl %s with the written kubeconfig sees 3 Ready nodes and Healthy components',
    async (version) => {
      const nodes = await kubectl(version, ['get', 'nodes', '--no-headers']);
      for (const name of MINIONS) expect(nodes).toMatch(new RegExp(`^${name}\\s+Ready\\s`, 'm'));
      const cs = await kubectl(version, ['get', 'componentstatuses', '--no-headers']);
      for (const name of ['etcd-0', 'controller-manager', 'scheduler'])
        expect(cs).toMatch(new RegExp(`^${name}\\s+Healthy\\s`, 'm'));
    },
  );

  it('validate exits 0', async () => {
    const v = await nodekube('validate', ['validate']);
    expect(v.output).toContain('Cluster validation succeeded');
    expect(v.code).toBe(0);
  });

  it('runs a deployment over the minions: pods reach each other via host-gw, a Service via kube-proxy', async () => {
    expect((await run('demo-image', 'bash', ['provision/demo-image.sh'], 120_000)).code).toBe(0);
    expect((await nodekube('load-image', ['load-image', 'demo/web:1'])).code).toBe(0);
    await kubectl('1.33', ['create', 'deployment', 'web', '--image=demo/web:1', '--replicas=3']);
    await kubectl('1.33', ['rollout', 'status', 'deployment/web', '--timeout=180s']);

    interface PodView {
      metadata: { name: string };
      spec: { nodeName: string };
      status: { podIP: string };
    }
    const pods: PodView[] = JSON.parse(
      await kubectl('1.33', ['get', 'pods', '-l', 'app=web', '-o', 'json']),
    ).items;
    // Spread one per minion, each IP from its node's pod CIDR (minionN → 10.244.N.0/24).
    expect(pods.map((p) => p.spec.nodeName).sort()).toEqual(MINIONS);
    for (const p of pods)
      expect(p.status.podIP).toMatch(new RegExp(`^10\\.244\\.${p.spec.nodeName.slice(-1)}\\.`));

    // Pod to pod across nodes: no NAT, just the host-gw routes between the minions.
    const [a, b] = pods;
    const fetch = (pod: string, url: string) =>
      kubectl('1.33', ['exec', pod, '--', 'timeout', '10', 'wget', '-qO-', url]);
    expect(await fetch(a.metadata.name, `http://${b.status.podIP}/index.html`)).toBe('It works!\n');

    // A Service: its ClusterIP from a pod, its NodePort on another minion's address.
    await kubectl('1.33', ['expose', 'deployment', 'web', '--port=80', '--type=NodePort']);
    const svc = JSON.parse(await kubectl('1.33', ['get', 'service', 'web', '-o', 'json']));
    await expect
      .poll(() => fetch(a.metadata.name, `http://${svc.spec.clusterIP}/index.html`).catch(() => ''), {
        timeout: 60_000,
        interval: 2_000,
      })
      .toBe('It works!\n');
    const nodePort = svc.spec.ports[0].nodePort;
    const viaNodePort = await nodekube('nodeport', [
      'ssh',
      'minion1',
      '--',
      `curl -s -m 10 http://192.168.200.102:${nodePort}/index.html`,
    ]);
    expect(viaNodePort.output).toContain('It works!');

    await kubectl('1.33', ['delete', 'service', 'web']);
    await kubectl('1.33', ['delete', 'deployment', 'web', '--wait=true', '--timeout=120s']);
  });

  it('a second up converges without restarting anything', async () => {
    const again = await run('up-again', 'bash', ['provision/up-local.sh'], 10 * 60_000);
    timings.upConverge = again.ms;
    expect(again.output).toContain('Cluster validation succeeded');
    expect(again.output).not.toMatch(/\b(started|restarted)\b/);
    expect(again.output).toMatch(/unchanged \([0-9a-f]{12}\)/); // the bundle was not shipped again
    expect(again.code).toBe(0);
  });

  it('a minion whose kubelet cannot start fails validate within its bound, naming host and unit', async () => {
    // A bad flag in a drop-in: the kubelet exits at once and systemd keeps restarting it.
    const dropIn = [
      'sudo mkdir -p /etc/systemd/system/kubelet.service.d',
      "printf '[Service]\\nExecStart=\\nExecStart=/usr/bin/node /opt/nodekube/bin/nodekube-agent.cjs kubelet --no-such-flag\\n' | sudo tee /etc/systemd/system/kubelet.service.d/broken.conf >/dev/null",
      'sudo systemctl daemon-reload',
      'sudo systemctl restart kubelet',
    ].join(' && ');
    expect((await nodekube('break', ['ssh', 'minion2', '--', dropIn])).code).toBe(0);
    // The Node keeps its last Ready status until the controller-manager's 40 s grace period ends.
    await expect
      .poll(async () => (await kubectl('1.33', ['get', 'node', 'minion2', '--no-headers'])).split(/\s+/)[1], {
        timeout: 180_000,
        interval: 5_000,
      })
      .toBe('NotReady');
    // Bound: 60 s of validation.
    const v = await nodekube('validate-broken', ['validate', '--timeout', '60s'], 3 * 60_000);
    timings.validateBrokenKubelet = v.ms;
    expect(v.code).not.toBe(0);
    expect(v.code).not.toBe(124); // it ended by itself, not by our kill
    expect(v.output).toMatch(/minion2: kubelet is /);
    expect(v.output).toContain('journalctl -u kubelet');
    expect(v.output).not.toContain('Cluster validation succeeded');

    const fix =
      'sudo rm -rf /etc/systemd/system/kubelet.service.d && sudo systemctl daemon-reload && sudo systemctl restart kubelet';
    expect((await nodekube('repair', ['ssh', 'minion2', '--', fix])).code).toBe(0);
    const healed = await nodekube('validate-repaired', ['validate', '--timeout', '3m']);
    expect(healed.output).toContain('Cluster validation succeeded');
  });

  it('down leaves no node containers', async () => {
    const down = await nodekube('down', ['down']);
    timings.down = down.ms;
    expect(down.code).toBe(0);
    expect(await nodeContainers()).toEqual([]);
  });
});
