// The installer's SSH layer and a real step against a real node: one container from the node
// image (systemd, sshd, etcd inside), started like the Vagrantfile's docker provider starts it.
// Checks exit codes, sudo -n, command timeouts, write-if-changed, host-key pinning, preflight
// facts, and the etcd step converging (started, then unchanged).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../installer/context';
import { type Host, parseVagrantConfig } from '../../installer/inventory';
import { HOST_PATHS } from '../../installer/pki/host-files';
import { memoryReporter } from '../../installer/report';
import { runSteps } from '../../installer/run';
import { KnownHosts, Remote, RemoteCommandError, Sessions } from '../../installer/ssh';
import { etcd } from '../../installer/steps/etcd';
import { pki, shipPki } from '../../installer/steps/pki';
import { evaluatePreflight, FACTS_SCRIPT, parseFacts } from '../../installer/steps/preflight';
import { ETCDCTL } from '../../installer/units';
import { REPO_ROOT } from '../support/process';

const sh = promisify(execFile);
const IMAGE = 'nodekube/node:bookworm';
const NAME = `nodekube-it-ssh-${process.pid}`;
// Same capabilities and mounts as the Vagrantfile's docker provider (no --privileged).
const CAPS = [
  'SYS_ADMIN',
  'NET_ADMIN',
  'SYS_PTRACE',
  'SYS_NICE',
  'IPC_LOCK',
  'SYS_BOOT',
  'DAC_READ_SEARCH',
  'AUDIT_CONTROL',
  'AUDIT_READ',
  'MKNOD',
  'NET_RAW',
  'SYS_CHROOT',
];

let dir: string;
let host: Host;
let knownHosts: KnownHosts;
let remote: Remote;

async function connectWhenUp(deadline: number): Promise<Remote> {
  for (;;) {
    try {
      return await Remote.connect(host, knownHosts, 5_000);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

beforeAll(async () => {
  await sh('bash', [join(REPO_ROOT, 'provision/node-image/build.sh')], { timeout: 170_000 }); // cached: a label check
  dir = mkdtempSync(join(tmpdir(), 'nodekube-it-ssh-'));
  await sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')]);
  await sh('docker', [
    'run',
    '-d',
    '--name',
    NAME,
    '--hostname',
    'itnode',
    ...CAPS.flatMap((c) => ['--cap-add', c]),
    '--security-opt',
    'seccomp=unconfined',
    '--security-opt',
    'apparmor=unconfined',
    '--tmpfs',
    '/run',
    '--tmpfs',
    '/run/lock',
    '-v',
    '/sys/fs/cgroup:/sys/fs/cgroup:ro',
    '-v',
    '/var/lib/docker',
    '-v',
    `${join(dir, 'key.pub')}:/etc/ssh/authorized_keys/vagrant:ro`,
    '--stop-signal',
    'SIGRTMIN+3',
    IMAGE,
  ]);
  const { stdout } = await sh('docker', ['inspect', '-f', '{{.NetworkSettings.IPAddress}}', NAME]);
  const ip = stdout.trim();
  const inv = parseVagrantConfig(
    `host_groups: {master: ${ip}, minion1: 192.0.2.1}\nssh: {user: vagrant, key: ${join(dir, 'key')}}\n`,
  );
  host = inv.hosts[0];
  knownHosts = new KnownHosts(join(dir, 'known_hosts'));
  remote = await connectWhenUp(Date.now() + 60_000);
});

afterAll(async () => {
  remote?.dispose();
  await sh('docker', ['rm', '-f', '-v', NAME]).catch(() => undefined);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('SSH to a node container', () => {
  it('returns output and exit codes, and throws naming host and command on failure', async () => {
    expect((await remote.exec('hostname')).stdout).toBe('itnode');
    expect((await remote.exec('exit 3', { allowFail: true })).code).toBe(3);
    const err = await remote.exec('echo nope >&2; exit 4').catch((e) => e);
    expect(err).toBeInstanceOf(RemoteCommandError);
    expect(err.message).toBe('master: `echo nope >&2; exit 4` exited 4: nope');
  });

  it('runs sudo without a password prompt, and passes stdin through it', async () => {
    expect((await remote.exec('id -u', { sudo: true })).stdout).toBe('0');
    expect((await remote.exec('cat', { sudo: true, stdin: 'through sudo' })).stdout).toBe('through sudo');
  });

  it('bounds a command with its timeout', async () => {
    await expect(remote.exec('sleep 30', { timeoutMs: 1_000 })).rejects.toThrow(
      'master: `sleep 30` timed out after 1s',
    );
    expect((await remote.exec('echo still usable')).stdout).toBe('still usable'); // the session survives
  });

  it('writes a file only when its content changes', async () => {
    expect(await remote.writeFileIfChanged('/etc/nodekube-it/a.conf', 'one\n')).toBe(true);
    expect(await remote.writeFileIfChanged('/etc/nodekube-it/a.conf', 'one\n')).toBe(false);
    expect(await remote.writeFileIfChanged('/etc/nodekube-it/a.conf', 'two\n', '0600')).toBe(true);
    expect(
      (
        await remote.exec('stat -c %a:%U /etc/nodekube-it/a.conf && cat /etc/nodekube-it/a.conf', {
          sudo: true,
        })
      ).stdout,
    ).toBe('600:root\ntwo');
  });

  it('pins the host key on first contact and refuses a changed one', async () => {
    const pinned = join(dir, 'pinned_hosts');
    writeFileSync(pinned, `master@${host.ssh.host}:22 SHA256:not-this-key\n`);
    await expect(Remote.connect(host, new KnownHosts(pinned), 5_000)).rejects.toThrow(
      /host key changed since first contact.*--forget-host-keys/,
    );
  });

  it('gathers preflight facts the judge accepts for a master', async () => {
    const facts = parseFacts((await remote.exec(FACTS_SCRIPT)).stdout);
    expect(facts).toMatchObject({ sudo: 'yes', init: 'systemd', os: 'debian 12' });
    expect(evaluatePreflight(host, facts, 0)).toEqual([]);
  });

  it('ships the master its credentials, starts etcd (TLS, client certs) from its unit, leaves it alone on a second run, restarts it after certs renew', async () => {
    const out = memoryReporter();
    const inv = parseVagrantConfig(`host_groups: {master: ${host.ip}, minion1: 192.0.2.1}\n`);
    const sessions = new Sessions(knownHosts);
    const ctx: Context = {
      inv: { ...inv, hosts: [host, inv.hosts[1]] },
      sessions,
      out,
      facts: new Map(),
      opts: {
        // the PKI goes to <root>/.nodekube/pki: this test's own directory
        root: dir,
        kubeconfigPath: join(dir, 'kc'),
        validateTimeoutMs: 1000,
        pollIntervalMs: 100,
      },
    };
    const master = { ...ctx, inv: { ...ctx.inv, hosts: [host] } };
    try {
      await runSteps(master, [pki, shipPki, etcd]);
      await runSteps({ ...master, facts: new Map() }, [shipPki, etcd]);
      // Without a client certificate from the cluster CA etcd lets nobody in.
      const anonymous = await remote.exec(
        `curl -sS --max-time 5 --cacert ${HOST_PATHS.ca} https://127.0.0.1:2379/version`,
        { sudo: true, allowFail: true },
      );
      expect(anonymous.code).not.toBe(0);
      const asApiserver = await remote.exec(`${ETCDCTL} endpoint health`, { sudo: true });
      expect(asApiserver.stdout + asApiserver.stderr).toMatch(/is healthy/);
      expect((await remote.exec(`stat -c %a ${HOST_PATHS.apiserverKey}`, { sudo: true })).stdout.trim()).toBe(
        '600',
      );
      await runSteps({ ...master, facts: new Map(), opts: { ...ctx.opts, renewCerts: true } }, [
        pki,
        shipPki,
        etcd,
      ]);
    } finally {
      await sessions.closeAll();
    }
    const notes = out.lines.filter((l) => l.startsWith('✓'));
    expect(notes).toEqual([
      expect.stringMatching(/^✓ local issued \d+ \(ca, apiserver/),
      '✓ master 18 of 18 files written',
      '✓ master etcd started, healthy',
      '✓ master 18 files unchanged',
      '✓ master etcd unchanged, healthy',
      expect.stringMatching(/^✓ local issued \d+ \(apiserver/),
      expect.stringMatching(/^✓ master 1\d of 18 files written$/),
      '✓ master etcd restarted, healthy',
    ]);
  });
});
