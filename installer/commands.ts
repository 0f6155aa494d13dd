// The installer's commands beyond `up`: what each does on the hosts. main.ts only parses
// arguments and calls these.
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { clusterClient } from './api';
import {
  type CertRow,
  catFilesCommand,
  certRows,
  certTable,
  expiringSoon,
  needsAttention,
  parseCatFiles,
} from './certs';
import type { Context } from './context';
import { renderTeardown } from './down';
import { drainAndDeleteNode } from './drain';
import { findHost, type Host, minionsOf } from './inventory';
import { hostFiles } from './pki/host-files';
import { runStep } from './run';
import { activeStates } from './services';
import { hostKeyId, type Remote } from './ssh';
import { pkiOf } from './steps/pki';
import { unitsFor } from './units';

/** Per host: which units are active, and the versions it runs. */
export async function status(ctx: Context): Promise<boolean> {
  let allActive = true;
  await runStep(ctx, {
    title: 'Status',
    hosts: (inv) => inv.hosts,
    async run(c, host, remote) {
      const units = [
        ...unitsFor(c.inv, host).map((u) => u.name),
        ...(host.roles.includes('minion') ? ['docker'] : []),
      ];
      const states = await activeStates(remote, units);
      const versions = await remote.exec(
        `echo "node $(node --version 2>/dev/null), bundle $(cut -c1-12 /opt/nodekube/BUNDLE_SHA256 2>/dev/null || echo none)"`,
        { allowFail: true },
      );
      const down = [...states].filter(([, s]) => s !== 'active');
      if (down.length) allActive = false;
      const summary = [...states].map(([u, s]) => `${u}=${s}`).join(' ');
      if (down.length) throw new Error(`${summary}; ${versions.stdout.trim()}`);
      return `${summary}; ${versions.stdout.trim()}`;
    },
  }).catch(() => undefined);
  const soon = expiringSoon(await pkiOf(ctx), new Date());
  for (const c of soon)
    ctx.out.line(
      `! certificate ${c.name} expires ${c.notAfter.toISOString().slice(0, 10)}: run ./bin/nodekube certs renew`,
    );
  return allActive;
}

/** `nodekube down` on the hosts (the docker provider's machines are destroyed by main.ts). */
export async function teardown(ctx: Context, hosts: Host[] = ctx.inv.hosts): Promise<void> {
  await runStep(ctx, {
    title: 'Remove nodekube from the hosts (units, bundle, etcd data, pod containers, KUBE-* chains)',
    hosts: () => hosts,
    async run(c, host, remote) {
      await remote.exec(renderTeardown(c.inv, host), { sudo: true, timeoutMs: 120_000 });
      return 'removed';
    },
  });
}

export function forgetHostKeys(ctx: Context, hosts: Host[] = ctx.inv.hosts): void {
  ctx.sessions.knownHosts.forget(hosts.map(hostKeyId));
}

/** Runs a command on one node, streaming its output; resolves with its exit code. */
export async function sshCommand(ctx: Context, name: string, command: string): Promise<number> {
  const remote = await ctx.sessions.get(findHost(ctx.inv, name));
  const r = await remote.exec(command, {
    allowFail: true,
    timeoutMs: 3_600_000,
    onStdout: (b) => process.stdout.write(b),
    onStderr: (b) => process.stderr.write(b),
  });
  return r.code;
}

export const COMPONENT_UNIT: Record<string, string> = {
  apiserver: 'kube-apiserver',
  'controller-manager': 'kube-controller-manager',
  scheduler: 'kube-scheduler',
  proxy: 'kube-proxy',
  hostgw: 'kube-hostgw',
};

export async function logs(ctx: Context, name: string, component: string, lines: number): Promise<number> {
  const unit = COMPONENT_UNIT[component] ?? component;
  return sshCommand(ctx, name, `sudo -n journalctl -u ${unit}.service -n ${lines} --no-pager`);
}

/** `docker save` here, `docker load` on every minion at once: images without a registry. */
export async function loadImage(ctx: Context, images: string[]): Promise<void> {
  await runStep(ctx, {
    title: `Load ${images.join(', ')} onto every minion`,
    hosts: minionsOf,
    run: (_c, _host, remote) => saveAndLoad(remote, images),
  });
}

/** `docker save IMAGES` here piped into `docker load` on one host; its output, one line. */
export async function saveAndLoad(remote: Remote, images: string[]): Promise<string> {
  const save = spawn('docker', ['save', ...images], { stdio: ['ignore', 'pipe', 'pipe'] });
  let saveErr = '';
  save.stderr.on('data', (b) => {
    saveErr += b;
  });
  const saved = new Promise<void>((resolve, reject) =>
    save.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`docker save: ${saveErr.trim() || `exit ${code}`}`)),
    ),
  );
  // Through a PassThrough: a small image can be saved before the SSH channel opens, and
  // node-ssh then sees an ended (readable === false) socket as "not a stream" and fails.
  const body = save.stdout.pipe(new PassThrough());
  const r = await remote.exec('docker load', { sudo: true, stdin: body, timeoutMs: 600_000 });
  await saved;
  return r.stdout.trim().split('\n').join('; ');
}

/** Drain through the Eviction API (PodDisruptionBudgets honoured) and delete the Node. */
export async function drainAndDelete(ctx: Context, name: string): Promise<string> {
  const client = await clusterClient(ctx, 'nodekube-installer/0.1');
  return drainAndDeleteNode(client, name, {
    boundMs: ctx.opts.validateTimeoutMs,
    onRetry: (pod, why) => ctx.out.line(`  evicting ${pod}: ${why}; retrying`),
  });
}

/** `nodekube certs check`: per host, each certificate's expiry and whether it is current; false when any needs attention. */
export async function certsCheck(ctx: Context, now = new Date()): Promise<boolean> {
  const pki = await pkiOf(ctx);
  const rows: CertRow[] = [];
  await runStep(ctx, {
    title: 'Read the certificates on each host',
    hosts: (inv) => inv.hosts,
    async run(c, host, remote) {
      const want = hostFiles(c.inv, host, pki).filter(
        (f) => f.path.endsWith('.crt') || f.path.endsWith('.conf'),
      );
      const r = await remote.exec(catFilesCommand(want.map((f) => f.path)), { sudo: true, allowFail: true });
      const mine = certRows(host.name, want, parseCatFiles(r.stdout));
      rows.push(...mine);
      const bad = mine.filter((x) => needsAttention(x, now)).length;
      return `${mine.length} certificates${bad ? `, ${bad} need attention` : ''}`;
    },
  });
  rows.sort((a, b) => a.host.localeCompare(b.host) || a.where.localeCompare(b.where));
  ctx.out.line(certTable(rows, now));
  return !rows.some((x) => needsAttention(x, now));
}

/**
 * `nodekube dashboard`: `kubectl proxy` with the admin kubeconfig on 127.0.0.1, as the seed opens
 * the UI; the page then reads the cluster with that identity (no privileged backdoor). Runs until
 * interrupted; resolves with kubectl's exit code.
 */
export function dashboard(ctx: Context, port: number): Promise<number> {
  const proxy = spawn('kubectl', [`--kubeconfig=${ctx.opts.kubeconfigPath}`, 'proxy', `--port=${port}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  ctx.out.line(`Dashboard: http://127.0.0.1:${port}/ui/  (Ctrl-C stops the proxy)`);
  const stop = () => proxy.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise((resolve) =>
    proxy.on('close', (code) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(code ?? 0);
    }),
  );
}
