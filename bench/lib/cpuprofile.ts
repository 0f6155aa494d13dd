// Reading a V8 .cpuprofile (what `node --cpu-prof` writes) into two short tables: where the
// samples' own time went (self) and which parts of the program held the stack (inclusive), by
// function and by area — our code per file, the etcd client, Node's HTTP, GC, idle. Enough to
// decide what to work on; open the file in Chrome DevTools or speedscope for the flame graph.

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

export interface Share {
  what: string;
  percent: number;
}

export interface ProfileSummary {
  samples: number;
  self: Share[];
  inclusive: Share[];
  areas: Share[];
}

/** `name file:line`, the file relative to the repository or to node_modules. */
export function frameName(f: CallFrame, repoRoot: string): string {
  const file = f.url
    .replace(/^file:\/\//, '')
    .replace(`${repoRoot}/`, '')
    .replace(/^.*node_modules\//, '');
  const name = f.functionName || '(anonymous)';
  // Code compiled on load (tsx) reports line 0 for every function: then the file alone is given.
  if (!file) return name;
  return f.lineNumber > 0 ? `${name} ${file}:${f.lineNumber + 1}` : `${name} ${file}`;
}

/** The part of the program a frame belongs to; the first match from the stack's top decides. */
export function areaOf(f: CallFrame, repoRoot: string): string | undefined {
  const url = f.url.replace(/^file:\/\//, '');
  if (f.functionName === '(garbage collector)') return 'garbage collector';
  if (f.functionName === '(idle)') return 'idle';
  if (/node_modules\/(@grpc|etcd3|cockatiel|protobufjs|@protobuf)/.test(url))
    return 'etcd client (etcd3, grpc-js)';
  if (url.startsWith(`${repoRoot}/agents/`)) return url.slice(repoRoot.length + 1);
  if (/^node:(_http|http|net|internal\/(http|stream|streams|net))/.test(url)) return 'node http/net';
  return undefined;
}

const pct = (n: number, total: number) => Math.round((1000 * n) / total) / 10;

function top(counts: Map<string, number>, total: number, n: number): Share[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([what, c]) => ({ what, percent: pct(c, total) }));
}

/**
 * Self time per function, inclusive time per function (a function counted once per sample
 * however often it recurs), and self time per area — each sample's time goes to the area of
 * the innermost frame that has one ('other' when none does: V8 builtins called from nowhere
 * known, the module loader).
 */
export function summarize(profile: CpuProfile, repoRoot: string, n = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const hits = new Map<number, number>();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, c: number) => m.set(k, (m.get(k) ?? 0) + c);
  for (const [id, count] of hits) {
    const leaf = byId.get(id);
    if (!leaf) continue;
    add(self, frameName(leaf.callFrame, repoRoot), count);
    const seen = new Set<string>();
    let area: string | undefined;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = (byId.get(at) as ProfileNode).callFrame;
      const name = frameName(frame, repoRoot);
      if (!seen.has(name)) {
        seen.add(name);
        add(inclusive, name, count);
      }
      area ??= areaOf(frame, repoRoot);
    }
    add(areas, area ?? 'other', count);
  }
  const total = profile.samples.length;
  return {
    samples: total,
    self: top(self, total, n),
    inclusive: top(inclusive, total, n),
    areas: top(areas, total, n),
  };
}
