// The only place kube-proxy (and hostgw, which shares it) runs iptables. Everything here is I/O;
// what to write is decided by rules.ts.
//
// Backends: iptables 1.8 comes in two flavours that keep separate rule sets — "legacy" (the
// x_tables kernel API) and "nf_tables". Rules written with one are invisible to the other's
// `-save`, and a node whose kube-proxy and kubelet/Docker use different ones ends up with two
// half rule sets (kubernetes#71305). Like upstream (pkg/util/iptables, and the
// iptables-wrapper script in the kube-proxy image) we pick ONE backend at start-up and call its
// binaries by their explicit names (iptables-nft-restore / iptables-legacy-restore) from then on.

import { spawn } from 'node:child_process';

export type Table = 'nat' | 'filter';
export type Backend = 'nft' | 'legacy';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a command, feeding `input` to its stdin; never rejects for a non-zero exit. */
export function runCommand(cmd: string, args: string[], input?: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    // A command that exits without reading its input closes the pipe: not our error to raise.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}

/** `iptables v1.8.9 (nf_tables)` → nft; `iptables v1.8.7 (legacy)` or older → legacy. */
export function backendFromVersion(versionLine: string): Backend {
  return versionLine.includes('nf_tables') ? 'nft' : 'legacy';
}

/** Each chain's "-A" lines in `iptables-save` output, per table, built-in chains included. */
export function rulesInSave(saveText: string): Map<Table, Map<string, string[]>> {
  const out = new Map<Table, Map<string, string[]>>();
  let chains: Map<string, string[]> | undefined;
  for (const line of saveText.split('\n')) {
    if (line.startsWith('*')) {
      chains = out.get(line.slice(1) as Table) ?? new Map();
      out.set(line.slice(1) as Table, chains);
    } else if (!chains) continue;
    else if (line.startsWith(':')) chains.set(wordAt(line, 1), []);
    else if (line.startsWith('-A ')) chains.get(wordAt(line, 3))?.push(line);
  }
  return out;
}

/** The word of `line` that starts at `from` (up to the next space or the end). */
function wordAt(line: string, from: number): string {
  const end = line.indexOf(' ', from);
  return end < 0 ? line.slice(from) : line.slice(from, end);
}

/** Names of the chains declared in `iptables-save` output, per table. */
export function chainsInSave(saveText: string): Map<Table, string[]> {
  return new Map([...rulesInSave(saveText)].map(([table, chains]) => [table, [...chains.keys()]]));
}

export class IptablesError extends Error {
  override name = 'IptablesError';
}

/** How commands are run: directly, or wrapped (tests pass `nsenter --net=/run/netns/X`). */
export type Exec = (cmd: string, args: string[], input?: string) => Promise<CommandResult>;

export function execWith(prefix: string[]): Exec {
  if (prefix.length === 0) return runCommand;
  return (cmd, args, input) => runCommand(prefix[0], [...prefix.slice(1), cmd, ...args], input);
}

export class Iptables {
  private constructor(
    readonly backend: Backend,
    private readonly exec: Exec,
  ) {}

  /**
   * Prefer the backend that already holds kube-proxy chains (a restart must keep using it);
   * otherwise the one `iptables` itself is, which is what Docker on this node uses.
   * `prefix` wraps every command (tests: `['nsenter', '--net=/run/netns/X']`).
   */
  static async detect(prefix: string[] = []): Promise<Iptables> {
    const exec = execWith(prefix);
    const version = await exec('iptables', ['-V']);
    const defaultBackend = backendFromVersion(version.stdout + version.stderr);
    for (const candidate of [defaultBackend, defaultBackend === 'nft' ? 'legacy' : 'nft'] as Backend[]) {
      const saved = await exec(`iptables-${candidate}-save`, ['-t', 'nat']).catch(() => undefined);
      if (saved?.code === 0 && saved.stdout.includes(':KUBE-SERVICES')) return new Iptables(candidate, exec);
    }
    return new Iptables(defaultBackend, exec);
  }

  /** A given backend, without detecting (benches compare the two side by side). */
  static of(backend: Backend, prefix: string[] = []): Iptables {
    return new Iptables(backend, execWith(prefix));
  }

  private async run(args: string[], input?: string): Promise<CommandResult> {
    return this.exec(`iptables-${this.backend}`, ['-w', '5', ...args], input);
  }

  /** Apply restore text atomically, per table, leaving chains it does not mention alone. */
  async restore(text: string): Promise<void> {
    const r = await this.exec(`iptables-${this.backend}-restore`, ['--noflush', '--wait'], text);
    if (r.code !== 0) throw new IptablesError(`iptables-restore failed (exit ${r.code}): ${r.stderr.trim()}`);
  }

  /**
   * `iptables-save` of one table, or of all of them. Under nf_tables one save of all tables
   * costs about what `-t nat` alone does, since either reads the whole ruleset from the kernel:
   * at 10,000 services 3.1 s, against 3.2 s for nat and 2.4 s more for the small filter table
   * (bench/results/2026-12-03-vm-nft-transactions.json).
   */
  async save(table?: Table): Promise<string> {
    const r = await this.exec(`iptables-${this.backend}-save`, table ? ['-t', table] : []);
    if (r.code !== 0)
      throw new IptablesError(`iptables-save ${table ? `-t ${table} ` : ''}failed: ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** Create the chain unless it exists (iptables -N fails with "Chain already exists"). */
  async ensureChain(table: Table, chain: string): Promise<void> {
    const r = await this.run(['-t', table, '-N', chain]);
    if (r.code !== 0 && !/already exists/i.test(r.stderr)) {
      throw new IptablesError(`iptables -t ${table} -N ${chain}: ${r.stderr.trim()}`);
    }
  }

  /** -C, then -I (or -A) only when missing: running it twice leaves one copy of the rule. */
  async ensureRule(
    table: Table,
    chain: string,
    args: string[],
    position: 'first' | 'last' = 'first',
  ): Promise<boolean> {
    const check = await this.run(['-t', table, '-C', chain, ...args]);
    if (check.code === 0) return false;
    const r = await this.run(['-t', table, position === 'first' ? '-I' : '-A', chain, ...args]);
    if (r.code !== 0)
      throw new IptablesError(`iptables -t ${table} -I ${chain} ${args.join(' ')}: ${r.stderr.trim()}`);
    return true;
  }

  async chainExists(table: Table, chain: string): Promise<boolean> {
    return (await this.run(['-t', table, '-S', chain])).code === 0;
  }

  /** Delete every copy of a rule; a missing rule is not an error. */
  async deleteRule(table: Table, chain: string, args: string[]): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const r = await this.run(['-t', table, '-D', chain, ...args]);
      if (r.code !== 0) return;
    }
  }

  async deleteChains(table: Table, chains: string[]): Promise<void> {
    if (chains.length === 0) return;
    const lines = [
      `*${table}`,
      ...chains.map((c) => `:${c} - [0:0]`),
      ...chains.map((c) => `-X ${c}`),
      'COMMIT',
      '',
    ];
    await this.restore(lines.join('\n'));
  }
}
