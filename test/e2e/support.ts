// What the e2e files share: the one cluster global-setup.ts brought up (its inventory, the
// kubeconfig `up` wrote), and small runners for ./bin/nodekube, kubectl and ssh on a node.
// Addresses come from the inventory (vagrant_config.yml or NODEKUBE_VAGRANT_CONFIG), never
// from constants, so the suite runs on any cluster the inventory describes.
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Host, type Inventory, parseVagrantConfig } from '../../installer/inventory';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const LOGS = join(REPO_ROOT, '.nodekube', 'test-logs');
export const KUBECONFIG = join(REPO_ROOT, '.nodekube', 'kubeconfig');
export const INVENTORY_FILE = resolve(REPO_ROOT, process.env.NODEKUBE_VAGRANT_CONFIG ?? 'vagrant_config.yml');
/** Where global-setup.ts keeps the output of `npm run up` from nothing, and its figures. */
export const UP_LOG = join(LOGS, 'e2e-up.log');
export const UP_RESULT = join(LOGS, 'e2e-up.json');

export const inventory = (): Inventory => parseVagrantConfig(readFileSync(INVENTORY_FILE, 'utf8'));
export const hostOf = (name: string): Host => {
  const h = inventory().hosts.find((x) => x.name === name);
  if (!h) throw new Error(`${name} is not in ${INVENTORY_FILE}`);
  return h;
};
export const minionNames = (): string[] =>
  inventory()
    .hosts.filter((h) => h.roles.includes('minion'))
    .map((h) => h.name);

/** The node containers' name prefix and label (Vagrantfile: name_prefix, default nodekube). */
export function clusterPrefix(): string {
  return /^name_prefix:\s*(\S+)/m.exec(readFileSync(INVENTORY_FILE, 'utf8'))?.[1] ?? 'nodekube';
}

/** This cluster's node containers (label nodekube.cluster=<prefix>): another cluster's stay out. */
export async function nodeContainers(): Promise<string[]> {
  const { stdout } = await promisify(execFile)('docker', [
    'ps',
    '-aq',
    '--filter',
    'label=nodekube.node',
    '--filter',
    `label=nodekube.cluster=${clusterPrefix()}`,
  ]);
  return stdout.split('\n').filter(Boolean);
}

export interface Run {
  code: number;
  /** stdout and stderr as they arrived, interleaved: for messages and logs. */
  output: string;
  /** stdout alone: for parsing. A warning on stderr can land mid-line in `output` (iptables-nft
   * prints "iptables-legacy tables present" when Docker's DNS rules sit in a node's legacy table). */
  stdout: string;
  ms: number;
}

/** Runs a command in the repo, teeing its output to .nodekube/test-logs/e2e-<name>.log; killed at the bound. */
export function run(
  name: string,
  cmd: string,
  args: string[],
  boundMs: number,
  cwd = REPO_ROOT,
): Promise<Run> {
  mkdirSync(LOGS, { recursive: true });
  const log = createWriteStream(join(LOGS, `e2e-${name}.log`));
  const t0 = Date.now();
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    let stdout = '';
    const take = (b: Buffer) => {
      output += b;
      log.write(b);
    };
    child.stdout.on('data', (b: Buffer) => {
      stdout += b;
      take(b);
    });
    child.stderr.on('data', take);
    const timer = setTimeout(() => child.kill('SIGTERM'), boundMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      log.end();
      done({ code: code ?? 124, output, stdout, ms: Date.now() - t0 });
    });
  });
}

export const nodekube = (name: string, args: string[], boundMs = 10 * 60_000) =>
  run(name, join(REPO_ROOT, 'bin', 'nodekube'), args, boundMs);

/** A shell command on a node over `nodekube ssh` (the seeds' `node$ …` lines); output and exit code. */
export async function onNode(node: string, command: string, boundMs = 60_000): Promise<Run> {
  return run(`ssh-${node}`, join(REPO_ROOT, 'bin', 'nodekube'), ['ssh', node, '--', command], boundMs);
}

export const KUBECTL_DIR = process.env.KUBECTL_DIR ?? '/usr/lib/google-cloud-sdk/bin';

export interface KubectlRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** kubectl VERSION ARGS against the cluster; never throws, the caller asserts on code and output. */
export function kubectlRun(
  version: string,
  args: string[],
  opts: { input?: string; timeoutMs?: number } = {},
) {
  return new Promise<KubectlRun>((done) => {
    const child = execFile(
      join(KUBECTL_DIR, `kubectl.${version}`),
      [`--kubeconfig=${KUBECONFIG}`, ...args],
      { timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) =>
        done({
          code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
          stdout,
          // A kill at the bound leaves stderr empty: say so, or the failure reads as "exited 1: ".
          stderr: stderr || (err?.killed ? `killed after ${opts.timeoutMs ?? 120_000} ms` : ''),
        }),
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** kubectl that must succeed: its stdout, or an error naming the command and its stderr. */
export async function kubectl(
  version: string,
  args: string[],
  opts: { input?: string; timeoutMs?: number } = {},
) {
  const r = await kubectlRun(version, args, opts);
  if (r.code !== 0)
    throw new Error(`kubectl ${version} ${args.join(' ')} exited ${r.code}: ${r.stderr || r.stdout}`);
  return r.stdout;
}
