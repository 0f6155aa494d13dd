// A node's KUBE-* chains as `iptables-restore --noflush` leaves them, for tests: apply the
// syncer's restore texts one after another, then compare the result with a full build of the
// same state (a partial sync must leave the node exactly where a full one would). Like the real
// thing: a declared chain (`:CHAIN - [0:0]`) is created or flushed, an undeclared one keeps its
// rules, the built-in chains (PREROUTING, …) always exist, `-A` appends and `-I` inserts first
// into an existing chain, a jump needs an existing target, and `-X` fails on a chain that still
// has rules or that a rule still jumps to. A table's changes land at its COMMIT, or not at all.

/** Table → chain → its "-A chain …" lines. */
export type NodeChains = Map<string, Map<string, string[]>>;

export class RestoreError extends Error {
  override name = 'RestoreError';
}

function jumpTarget(line: string): string | undefined {
  return / -j (KUBE-\S+)/.exec(line)?.[1];
}

/** The chains every table starts with, in iptables-save's order. */
const BUILT_IN: Record<string, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
};

function copy(chains: Map<string, string[]> | undefined, table: string): Map<string, string[]> {
  const out = new Map((BUILT_IN[table] ?? []).map((c) => [c, [] as string[]]));
  for (const [c, lines] of chains ?? []) out.set(c, [...lines]);
  return out;
}

export class RestoreModel {
  readonly tables: NodeChains = new Map();

  /** Apply one restore text; throws RestoreError (and keeps the tables not yet committed). */
  apply(text: string): void {
    let name: string | undefined;
    let pending: Map<string, string[]> | undefined;
    for (const [i, line] of text.split('\n').entries()) {
      const where = `line ${i + 1} (${line})`;
      if (line === '' || line.startsWith('#')) continue;
      if (line.startsWith('*')) {
        name = line.slice(1);
        pending = copy(this.tables.get(name), name);
      } else if (!pending || !name) throw new RestoreError(`${where}: outside a table`);
      else if (line.startsWith(':')) pending.set(line.slice(1).split(' ')[0], []);
      else if (line.startsWith('-A ') || line.startsWith('-I ')) {
        const chain = line.split(' ')[1];
        const target = jumpTarget(line);
        if (!pending.has(chain)) throw new RestoreError(`${where}: no chain ${chain}`);
        if (target && !pending.has(target)) throw new RestoreError(`${where}: no chain ${target}`);
        const rules = pending.get(chain) ?? [];
        // As iptables-save prints it: an inserted rule reads back as `-A`.
        if (line.startsWith('-A ')) rules.push(line);
        else rules.unshift(`-A ${line.slice(3)}`);
      } else if (line.startsWith('-X ')) {
        const chain = line.slice(3);
        const user = [...pending.values()].flat().find((l) => jumpTarget(l) === chain);
        if (!pending.has(chain)) throw new RestoreError(`${where}: no chain ${chain}`);
        if (pending.get(chain)?.length) throw new RestoreError(`${where}: ${chain} is not empty`);
        if (user) throw new RestoreError(`${where}: ${chain} is still used by "${user}"`);
        pending.delete(chain);
      } else if (line === 'COMMIT') {
        this.tables.set(name, pending);
        pending = undefined;
      } else throw new RestoreError(`${where}: not understood`);
    }
    if (pending) throw new RestoreError(`table ${name} has no COMMIT`);
  }

  /**
   * `iptables-save` of the given tables. The chains kube-proxy owns are laid out as rules.ts
   * writes a full sync; with `builtIn`, the built-in chains and their rules (the hooks) come
   * first, as iptables-save prints them — what the syncer reads.
   */
  save(tables = ['filter', 'nat'], { builtIn = false } = {}): string {
    const out: string[] = [];
    for (const name of tables) {
      const chains = copy(this.tables.get(name), name);
      const builtIns = builtIn ? (BUILT_IN[name] ?? []) : [];
      const own = [...chains.keys()].filter((c) => !BUILT_IN[name]?.includes(c)).sort();
      out.push(`*${name}`, ...builtIns.map((c) => `:${c} ACCEPT [0:0]`), ...own.map((c) => `:${c} - [0:0]`));
      for (const c of [...builtIns, ...own]) out.push(...(chains.get(c) ?? []));
      out.push('COMMIT');
    }
    return `${out.join('\n')}\n`;
  }
}
