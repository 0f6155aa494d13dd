// Processes a test starts, and ends by their own pid (never by name): etcd, agents, dockerd.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AGENT_ENVIRONMENT, AGENT_NODE_OPTIONS } from '../../installer/units';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const LOG_DIR = join(REPO_ROOT, '.nodekube', 'test-logs');

export interface Started {
  proc: ChildProcess;
  pid: number;
  logFile: string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once (a crash), resolves on exit. */
  kill(): Promise<void>;
}

/** Start a program with its output in .nodekube/test-logs/<name>.log. */
export function startProcess(
  name: string,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Started {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const proc = spawn(cmd, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.pipe(log);
  proc.stderr?.pipe(log);
  if (proc.pid === undefined) throw new Error(`could not start ${cmd}`);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  return {
    proc,
    pid: proc.pid,
    logFile,
    async stop(graceMs = 5000) {
      if (!alive()) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => alive() && proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (!alive()) return;
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Run an agent from source (through tsx), so tests need no build and never race another test's
 * `npm run build` (the e2e tests run the bundled dist/ on the nodes instead); or, with
 * NODEKUBE_AGENT_BUNDLE=1, which `npm run bench` sets after building, from
 * dist/bin/nodekube-agent.cjs as the cluster runs it: tsx costs each process ~33 MB of memory
 * (apiserver idle: 113 MB from source, 80 MB bundled), which a benchmark of the control plane's
 * memory must not count.
 */
export function startAgent(
  name: string,
  component: string,
  flags: string[],
  env: NodeJS.ProcessEnv = {},
): Started {
  const program =
    process.env.NODEKUBE_AGENT_BUNDLE === '1'
      ? [join(REPO_ROOT, 'dist', 'bin', 'nodekube-agent.cjs')]
      : ['--import', 'tsx', join(REPO_ROOT, 'agents', 'main.ts')];
  // The Node options and environment the installer's units give the agents: tests and benches
  // run them alike.
  const nodeOptions = AGENT_NODE_OPTIONS[component] ?? [];
  return startProcess(name, process.execPath, [...nodeOptions, ...program, component, ...flags], {
    ...AGENT_ENVIRONMENT,
    ...env,
  });
}

/** Poll `url` until it answers 200, or fail after `timeoutMs` naming the log to read. */
export async function waitForHttpOk(url: string, timeoutMs = 30_000, logFile?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `${url} did not answer 200 within ${timeoutMs} ms (last: ${last})${logFile ? `; see ${logFile}` : ''}`,
  );
}

/**
 * An agent's log once it holds every one of `patterns`. Its output reaches the file through this
 * process's pipe a moment after the agent answered, so a test that reads the log right after a
 * response may read it short; fails after `timeoutMs` naming what was missing.
 */
export async function logContaining(
  logFile: string,
  patterns: Array<string | RegExp>,
  timeoutMs = 5_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await readFile(logFile, 'utf8');
    const missing = patterns.filter((p) => (typeof p === 'string' ? !log.includes(p) : !p.test(log)));
    if (missing.length === 0 || Date.now() > deadline) {
      if (missing.length)
        throw new Error(`${logFile} lacks ${missing.map(String).join(', ')} after ${timeoutMs} ms`);
      return log;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
