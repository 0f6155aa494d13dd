// The installer's acceptance, end to end on this machine, on the cluster global-setup.ts brought
// up from nothing with `npm run up`: its output ends like kube-up.sh; the real kubectl (1.33 and
// 1.27) with the written kubeconfig sees 3 Ready nodes and Healthy components; `validate`
// passes; the master runs kube-proxy and hostgw (no kubelet) and keeps the cluster's ranges
// inside the cluster; a deployment runs over the minions with pod-to-pod traffic through host-gw
// and a Service through kube-proxy (ClusterIP and NodePort); `nodekube ssh` works from another
// directory; a second `up` converges without restarting anything; a minion whose kubelet cannot
// start makes `validate` fail within its bound, naming the host and the unit, and the repaired
// minion validates again (the cluster is left whole for the next file). Timings are printed as
// JSON (bench-style), never asserted.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import {
  hostOf,
  inventory,
  KUBECONFIG,
  kubectl,
  minionNames,
  nodekube,
  onNode,
  REPO_ROOT,
  run,
  UP_LOG,
  UP_RESULT,
} from './support';

const timings: Record<string, number> = {};

describe('npm run up: one master, three minions, validated like kube-up.sh', () => {
  afterAll(() => {
    process.stdout.write(`${JSON.stringify({ e2e: 'installer', timingsMs: timings })}\n`);
  });

  it('brought the cluster up from nothing and ended with "Cluster validation succeeded"', () => {
    const up = JSON.parse(readFileSync(UP_RESULT, 'utf8')) as { code: number; ms: number };
    const output = readFileSync(UP_LOG, 'utf8');
    timings.upFromNothing = up.ms;
    expect(output).toContain('vagrant up (docker provider)');
    expect(output).toMatch(/Waiting for 3 ready nodes|Found 3 node\(s\)\./);
    expect(output).toContain('Found 3 node(s).');
    expect(output).toContain('Validate output:');
    expect(output).toContain('Cluster validation succeeded');
    expect(output).toContain(`export KUBECONFIG=${KUBECONFIG}`);
    expect(output).toMatch(/Load the seed images onto every minion/);
    expect(up.code).toBe(0);
  });

  it.each(['1.33', '1.27'])(
    'kubectl %s with the written kubeconfig sees 3 Ready nodes and Healthy components',
    async (version) => {
      const nodes = await kubectl(version, ['get', 'nodes', '--no-headers']);
      for (const name of minionNames()) expect(nodes).toMatch(new RegExp(`^${name}\\s+Ready\\s`, 'm'));
      expect(nodes).not.toMatch(/^master\s/m); // the master runs no kubelet: it is no Node
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

  it('the master runs kube-proxy and kube-hostgw (no kubelet), with a route to every minion’s pods', async () => {
    const units = await onNode(
      'master',
      'systemctl is-active kube-proxy kube-hostgw; systemctl is-active kubelet; true',
    );
    expect(units.output.trim().split('\n')).toEqual(['active', 'active', 'inactive']);
    const routes = (await onNode('master', 'ip -4 route show proto 201')).output;
    for (const m of minionNames()) expect(routes).toContain(`${hostOf(m).podCidr} via ${hostOf(m).ip} dev`);
    // Nothing for the cluster's own ranges takes the default route, on the master or a minion.
    const inv = inventory();
    for (const node of ['master', 'minion2']) {
      const r = (await onNode(node, 'ip -4 route show proto 201')).output;
      expect(r).toContain(`unreachable ${inv.clusterCidr}`);
      expect(r).toMatch(
        new RegExp(
          `^${inv.serviceCidr.replaceAll('.', '\\.')} dev lo scope link src ${hostOf(node).ip.replaceAll('.', '\\.')}`,
          'm',
        ),
      );
      expect((await onNode(node, 'ip -4 route get 10.244.250.250')).output).toMatch(
        /unreachable|No route to host/,
      );
    }
  });

  it('runs a deployment over the minions: pods reach each other via host-gw, a Service via kube-proxy', async () => {
    // httpd is one of the seed images `up` loaded on every minion (provision/seed-images.sh).
    await kubectl('1.33', ['create', 'deployment', 'web', '--image=httpd', '--replicas=3']);
    await kubectl('1.33', ['rollout', 'status', 'deployment/web', '--timeout=180s']);
    const page = '<html><body><h1>It works!</h1></body></html>\n';

    interface PodView {
      metadata: { name: string };
      spec: { nodeName: string };
      status: { podIP: string };
    }
    const pods: PodView[] = JSON.parse(
      await kubectl('1.33', ['get', 'pods', '-l', 'app=web', '-o', 'json']),
    ).items;
    // Spread one per minion, each IP from its node's pod CIDR.
    expect(pods.map((p) => p.spec.nodeName).sort()).toEqual(minionNames());
    for (const p of pods)
      expect(p.status.podIP.startsWith((hostOf(p.spec.nodeName).podCidr ?? '').replace(/0\/24$/, ''))).toBe(
        true,
      );

    // Pod to pod across nodes: no NAT, just the host-gw routes between the minions.
    const [a, b] = pods;
    const fetch = (pod: string, url: string) =>
      kubectl('1.33', ['exec', pod, '--', 'timeout', '10', 'wget', '-qO-', url]);
    expect(await fetch(a.metadata.name, `http://${b.status.podIP}/index.html`)).toBe(page);

    // A Service: its ClusterIP from a pod, its NodePort on another minion's address.
    await kubectl('1.33', ['expose', 'deployment', 'web', '--port=80', '--type=NodePort']);
    const svc = JSON.parse(await kubectl('1.33', ['get', 'service', 'web', '-o', 'json']));
    await expect
      .poll(() => fetch(a.metadata.name, `http://${svc.spec.clusterIP}/index.html`).catch(() => ''), {
        timeout: 60_000,
        interval: 2_000,
      })
      .toBe(page);
    const nodePort = svc.spec.ports[0].nodePort;
    const viaNodePort = await onNode(
      'minion1',
      `curl -s -m 10 http://${hostOf('minion2').ip}:${nodePort}/index.html`,
    );
    expect(viaNodePort.output).toContain('It works!');

    await kubectl('1.33', ['delete', 'service', 'web']);
    await kubectl('1.33', ['delete', 'deployment', 'web', '--wait=true', '--timeout=120s']);
  });

  it('./bin/nodekube ssh works from another directory (the project folder is where the CLI is)', async () => {
    const r = await run(
      'ssh-elsewhere',
      `${REPO_ROOT}/bin/nodekube`,
      ['ssh', 'minion1', '--', 'hostname'],
      60_000,
      tmpdir(),
    );
    expect(r.output).not.toContain('ENOENT');
    expect(r.output.trim()).toBe('minion1');
    expect(r.code).toBe(0);
  });

  it('a second up converges without restarting anything', async () => {
    const again = await run('up-again', 'bash', ['provision/up-local.sh'], 10 * 60_000);
    timings.upConverge = again.ms;
    expect(again.output).toContain('Cluster validation succeeded');
    expect(again.output).not.toMatch(/\b(started|restarted)\b/);
    expect(again.output).toMatch(/unchanged \([0-9a-f]{12}\)/); // the bundle was not shipped again
    expect(again.output).toMatch(/unchanged \(\d+ images\)/); // nor the seed images
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
    try {
      // The Node keeps its last Ready status until the controller-manager's 40 s grace period ends.
      await expect
        .poll(
          async () => (await kubectl('1.33', ['get', 'node', 'minion2', '--no-headers'])).split(/\s+/)[1],
          {
            timeout: 180_000,
            interval: 5_000,
          },
        )
        .toBe('NotReady');
      // Bound: 60 s of validation.
      const v = await nodekube('validate-broken', ['validate', '--timeout', '60s'], 3 * 60_000);
      timings.validateBrokenKubelet = v.ms;
      expect(v.code).not.toBe(0);
      expect(v.code).not.toBe(124); // it ended by itself, not by our kill
      expect(v.output).toMatch(/minion2: kubelet is /);
      expect(v.output).toContain('journalctl -u kubelet');
      expect(v.output).not.toContain('Cluster validation succeeded');
    } finally {
      // Whatever happened, leave the cluster whole for the next e2e file.
      const fix =
        'sudo rm -rf /etc/systemd/system/kubelet.service.d && sudo systemctl daemon-reload && sudo systemctl restart kubelet';
      expect((await nodekube('repair', ['ssh', 'minion2', '--', fix])).code).toBe(0);
    }
    const healed = await nodekube('validate-repaired', ['validate', '--timeout', '3m']);
    expect(healed.output).toContain('Cluster validation succeeded');
  });
});
