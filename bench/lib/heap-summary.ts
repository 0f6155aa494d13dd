// Reading a V8 heap snapshot (what `node --heapsnapshot-signal=SIGUSR2` writes on that signal)
// into the few tables that found issue 12's memory: live bytes by kind of node, the biggest
// constructors, and how much of the strings are copies of one another.
//
//   NODE_OPTIONS=--heapsnapshot-signal=SIGUSR2 npm run bench -- scheduler   # then kill -USR2 <pid>
//   node --import tsx bench/lib/heap-summary.ts Heap.*.heapsnapshot
//
// A snapshot is taken after a full collection, so it holds only what is live; RSS also counts
// the garbage not yet collected, the young generation and malloc's arenas.
import { readFileSync } from 'node:fs';
import { runWhenMain } from './report';

/** The parts of the .heapsnapshot format read here (nodes is a flat array of node_fields). */
export interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface HeapSummary {
  liveMiB: number;
  byType: Record<string, { MiB: number; count: number }>;
  topConstructors: Array<{ name: string; MiB: number; count: number }>;
  strings: {
    MiB: number;
    duplicateMiB: number;
    mostCopied: Array<{ value: string; copies: number; MiB: number }>;
  };
}

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

export function summarize(snap: HeapSnapshot, top = 15): HeapSummary {
  const fields = snap.snapshot.meta.node_fields;
  const typeNames = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const byType = new Map<string, { bytes: number; count: number }>();
  const byConstructor = new Map<string, { bytes: number; count: number }>();
  const byString = new Map<string, { bytes: number; count: number }>();
  const add = (m: Map<string, { bytes: number; count: number }>, key: string, bytes: number) => {
    const e = m.get(key) ?? { bytes: 0, count: 0 };
    e.bytes += bytes;
    e.count++;
    m.set(key, e);
  };
  let live = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = typeNames[snap.nodes[i + typeAt]];
    const name = snap.strings[snap.nodes[i + nameAt]];
    const bytes = snap.nodes[i + sizeAt];
    live += bytes;
    add(byType, type, bytes);
    if (type === 'object') add(byConstructor, name, bytes);
    // A string node's name is its text (for long ones, its first characters).
    if (type === 'string') add(byString, name, bytes);
  }
  let stringBytes = 0;
  let duplicateBytes = 0;
  for (const e of byString.values()) {
    stringBytes += e.bytes;
    duplicateBytes += e.bytes - e.bytes / e.count;
  }
  const byBytes = <T extends { bytes: number }>(a: [string, T], b: [string, T]) => b[1].bytes - a[1].bytes;
  const copiesBytes = (e: { bytes: number; count: number }) => e.bytes - e.bytes / e.count;
  return {
    liveMiB: mib(live),
    byType: Object.fromEntries(
      [...byType].sort(byBytes).map(([t, e]) => [t, { MiB: mib(e.bytes), count: e.count }]),
    ),
    topConstructors: [...byConstructor]
      .sort(byBytes)
      .slice(0, top)
      .map(([name, e]) => ({ name, MiB: mib(e.bytes), count: e.count })),
    strings: {
      MiB: mib(stringBytes),
      duplicateMiB: mib(duplicateBytes),
      mostCopied: [...byString]
        .sort((a, b) => copiesBytes(b[1]) - copiesBytes(a[1]))
        .slice(0, top)
        .map(([value, e]) => ({ value: value.slice(0, 60), copies: e.count, MiB: mib(e.bytes) })),
    },
  };
}

export async function run(): Promise<object> {
  const files = process.argv.slice(2);
  if (!files.length)
    throw new Error('usage: node --import tsx bench/lib/heap-summary.ts <file.heapsnapshot>…');
  return Object.fromEntries(
    files.map((f) => [f, summarize(JSON.parse(readFileSync(f, 'utf8')) as HeapSnapshot)]),
  );
}

runWhenMain(import.meta.url, run);
