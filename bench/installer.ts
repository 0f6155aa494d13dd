// Installer wall times on this machine (goal from the issue: `npm run up` from nothing ≤ 3 min
// with a cached node image; kubespray's Vagrant path takes 13–15 min):
//   imageCached   provision/node-image/build.sh when the image is current (a label check)
//   imageCold     the same with --force (debootstrap + import; only with BENCH_COLD_IMAGE=1)
//   vagrantUp     four node containers from nothing (docker provider, --parallel)
//   up            `nodekube up` on fresh machines, through validation
//   upConverge    `nodekube up` again (nothing to change)
//   down          `nodekube down` (vagrant destroy -f)
// Part of `npm run bench` (`run()`), or alone: `node --import tsx bench/installer.ts` (needs `npm run build` first).
// Validation waits for Ready minions: BENCH_VALIDATE_TIMEOUT (default 5m) bounds it, and the
// JSON says whether it succeeded.
// It tears the cluster down and builds it again: with a cluster running here it only does so
// under `npm run bench -- installer --destructive` (BENCH_DESTRUCTIVE=1), and otherwise reports
// that it skipped.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runWhenMain } from './lib/report';

const ROOT = join(import.meta.dirname, '..');
const VALIDATE = process.env.BENCH_VALIDATE_TIMEOUT ?? '5m';

function timed(cmd: string, args: string[]): Promise<{ ms: number; code: number; tail: string }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: { ...process.env, VAGRANT_DEFAULT_PROVIDER: 'docker', NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (b) => {
      out = (out + b).slice(-4000);
    });
    child.stderr.on('data', (b) => {
      out = (out + b).slice(-4000);
    });
    child.on('close', (code) =>
      resolve({ ms: Date.now() - t0, code: code ?? 1, tail: out.trim().split('\n').at(-1) ?? '' }),
    );
  });
}

/** Node containers of this folder's Vagrant machines that are running now. */
function runningMachines(): string[] {
  const dir = join(ROOT, '.vagrant/machines');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => {
    const idFile = join(dir, name, 'docker/id');
    if (!existsSync(idFile)) return false;
    try {
      const id = readFileSync(idFile, 'utf8').trim();
      return execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', id]).toString().trim() === 'true';
    } catch {
      return false;
    }
  });
}

export async function run(): Promise<Record<string, unknown>> {
  const running = runningMachines();
  if (running.length && process.env.BENCH_DESTRUCTIVE !== '1')
    return { skipped: `a cluster is running here (${running.join(', ')}); pass --destructive to rebuild it` };
  const result: Record<string, unknown> = { bench: 'installer', validateTimeout: VALIDATE };
  const phase = async (name: string, cmd: string, args: string[]) => {
    const r = await timed(cmd, args);
    result[name] = { ms: r.ms, exit: r.code, last: r.tail };
    process.stderr.write(`${name}: ${(r.ms / 1000).toFixed(1)}s exit ${r.code}\n`);
    return r;
  };

  if (process.env.BENCH_COLD_IMAGE === '1')
    await phase('imageCold', 'bash', ['provision/node-image/build.sh', '--force']);
  await phase('imageCached', 'bash', ['provision/node-image/build.sh']);
  await phase('downBefore', './bin/nodekube', ['down']);
  await phase('vagrantUp', 'vagrant', ['up', '--parallel']);
  await phase('up', './bin/nodekube', ['up', '--forget-host-keys', '--timeout', VALIDATE]);
  await phase('upConverge', './bin/nodekube', ['up', '--timeout', VALIDATE]);
  if (process.env.BENCH_KEEP !== '1') await phase('down', './bin/nodekube', ['down']);
  return result;
}

runWhenMain(import.meta.url, run);
