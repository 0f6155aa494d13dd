// The failure drills, end to end, on the cluster test/e2e/global-setup.ts brought up (with
// `nodekube up --profile fast`, so a node drill takes about a minute). Each drill runs as a user
// would run it — `./bin/nodekube drill NAME --profile fast --json` — and must pass, report the
// timeline a reader can check (node drills: NotReady before the eviction before the replacements;
// the node recovered; the cluster whole last), and leave the cluster as it found it: the same
// nodes Ready, the same objects (uids), no `drill` namespace, no NODEKUBE-DRILL chain on any
// node. Bad input exits 2 and touches nothing. Timelines are printed as JSON, never asserted
// against the clock.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { kubectlPath } from '../support/kubectl';
import { REPO_ROOT } from '../support/process';

const KUBECONFIG = `${REPO_ROOT}/.nodekube/kubeconfig`;
const NODE_DRILLS = ['kubelet-stop', 'node-crash', 'partition'];
const CONTROL_PLANE_DRILLS = ['master-restart', 'etcd-restart'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function nodekube(args: string[], boundMs = 6 * 60_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn('./bin/nodekube', args, { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => {
      stdout += b;
    });
    child.stderr.on('data', (b) => {
      stderr += b;
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), boundMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 124, stdout, stderr });
    });
  });
}

async function kubectl(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(kubectlPath('1.33'), [`--kubeconfig=${KUBECONFIG}`, ...args], {
    timeout: 60_000,
  });
  return stdout;
}

/** What "as found" means: Ready nodes, and every object's uid outside the drill's own namespace. */
async function clusterState(): Promise<{ ready: string[]; uids: string[] }> {
  const nodes = JSON.parse(await kubectl(['get', 'nodes', '-o', 'json'])) as {
    items: { metadata: { name: string }; status: { conditions: { type: string; status: string }[] } }[];
  };
  const ready = nodes.items
    .filter((n) => n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((n) => n.metadata.name)
    .sort();
  const all = JSON.parse(
    await kubectl([
      'get',
      'namespaces,services,deployments,replicasets,configmaps,serviceaccounts',
      '-A',
      '-o',
      'json',
    ]),
  ) as { items: { metadata: { uid: string; namespace?: string } }[] };
  return { ready, uids: all.items.map((o) => o.metadata.uid).sort() };
}

async function drillChains(): Promise<string[]> {
  const found: string[] = [];
  for (const host of ['master', 'minion1', 'minion2', 'minion3']) {
    const r = await nodekube(
      [
        'ssh',
        host,
        '--',
        'sudo -n iptables -w -S NODEKUBE-DRILL >/dev/null 2>&1 && echo present || echo absent',
      ],
      60_000,
    );
    if (r.stdout.includes('present')) found.push(host);
  }
  return found;
}

describe('nodekube drill', () => {
  let found: { ready: string[]; uids: string[] };
  beforeAll(async () => {
    found = await clusterState();
  });

  it('lists the drills, and refuses bad input with one line and exit 2, touching nothing', async () => {
    const list = await nodekube(['drill', 'list']);
    expect(list.code).toBe(0);
    for (const d of [...NODE_DRILLS, ...CONTROL_PLANE_DRILLS]) expect(list.stdout).toContain(d);
    for (const [args, message] of [
      [['drill', 'reboot'], 'unknown drill "reboot"'],
      [['drill', 'kubelet-stop', '--node', 'minion9'], 'unknown node "minion9"'],
      [['drill', 'partition', '--node', 'master'], 'master is the master'],
      [['drill', 'kubelet-stop', '--profile', 'default'], 'the cluster runs the fast profile, not default'],
    ] as const) {
      const r = await nodekube([...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n').at(-1)).toContain(message);
    }
    expect(await clusterState()).toEqual(found);
  });

  for (const drill of [...NODE_DRILLS, ...CONTROL_PLANE_DRILLS]) {
    it(`${drill} passes and leaves the cluster as found`, async () => {
      const r = await nodekube(['drill', drill, '--profile', 'fast', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout);
      process.stdout.write(
        `${JSON.stringify({ drill, timeline: result.timeline, availability: result.availability })}\n`,
      );
      expect(result).toMatchObject({ drill, profile: 'fast', result: 'pass', reasons: [] });
      expect(result.objects.lost).toBe(0);
      expect(result.objects.duplicated).toBe(0);
      const t = result.timeline;
      if (NODE_DRILLS.includes(drill)) {
        expect(result.node).toMatch(/^minion\d$/);
        // the story in order: NotReady, evicted, replaced; recovered; whole last
        expect(t.nodeNotReadyAt).toBeGreaterThanOrEqual(0);
        expect(t.podsEvictedAt).toBeGreaterThanOrEqual(t.nodeNotReadyAt);
        expect(t.replacementsReadyAt).toBeGreaterThanOrEqual(t.podsEvictedAt);
        expect(t.nodeRecoveredAt).toBeGreaterThan(t.nodeNotReadyAt);
        expect(t.clusterWholeAt).toBeGreaterThanOrEqual(t.nodeRecoveredAt);
      } else {
        expect(result.node).toBeNull();
        expect(t.nodeNotReadyAt).toBeNull();
        expect(t.podsEvictedAt).toBeNull();
        expect(t.clusterWholeAt).not.toBeNull();
      }
      expect(result.availability.requests).toBeGreaterThan(0);
      expect(r.stderr).toMatch(/picture: .*index\.html/);
      expect(await clusterState()).toEqual(found);
      expect(await kubectl(['get', 'namespaces', '-o', 'name'])).not.toContain('namespace/drill');
      expect(await drillChains()).toEqual([]);
    });
  }
});
