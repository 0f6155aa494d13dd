// A node's KUBE-* chains as `iptables-restore --noflush` leaves them, for tests: apply the
// syncer's restore texts one after another, then compare the result with a full build of the
// same state (a partial sync must leave the node exactly where a full one would). Like the real
// thing: a declared chain (`:CHAIN - [0:0]`) is created or flushed, an undeclared one keeps its
// rules, `-A` needs an existing chain, a jump needs an existing target, and `-X` fails on a
// chain that still has rules or that a rule still jumps to. A table's changes land at its COMMIT, or not at all.

/** Table → chain → its "-A chain …" lines. */
export type NodeChains = Map<string, Map<string, string[]>>;

export class RestoreError extends Error {
  override name = 'RestoreError';
}

function jumpTarget(line: string): string | undefined {
  return / -j (KUBE-\S+)/.exec(line)?.[1];
}

function copy(chains: Map<string, string[]> | undefined): Map<string, string[]> {
  return new Map([...(chains ?? [])].map(([c, lines]) => [c, [...lines]]));
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
        pending = copy(this.tables.get(name));
      } else if (!pending || !name) throw new RestoreError(`${where}: outside a table`);
      else if (line.startsWith(':')) pending.set(line.slice(1).split(' ')[0], []);
      else if (line.startsWith('-A ')) {
        const chain = line.split(' ')[1];
        const target = jumpTarget(line);
        if (!pending.has(chain)) throw new RestoreError(`${where}: no chain ${chain}`);
        if (target && !pending.has(target)) throw new RestoreError(`${where}: no chain ${target}`);
        pending.get(chain)?.push(line);
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

  /** `iptables-save` of the given tables, laid out as rules.ts writes a full sync. */
  save(tables = ['filter', 'nat']): string {
    const out: string[] = [];
    for (const name of tables) {
      const chains = this.tables.get(name) ?? new Map<string, string[]>();
      const names = [...chains.keys()].sort();
      out.push(`*${name}`, ...names.map((c) => `:${c} - [0:0]`));
      for (const c of names) out.push(...(chains.get(c) ?? []));
      out.push('COMMIT');
    }
    return `${out.join('\n')}\n`;
  }
}
