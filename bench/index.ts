// npm run bench: runs every bench/*.ts module's exported `run()` one after another, prints one
// JSON object `{ "machine": …, "<module>": <its result>, … }` on stdout and writes the same to
// bench/results/<date>-<host>.json (the README's table is generated from the latest committed
// one: `npm run bench:table`). A module that throws is recorded as `{ "error" }` and makes the
// run exit 1. Name modules on the command line to run only those:
// `npm run bench -- apiserver kube-proxy`. `--destructive` lets the installer bench tear down and
// recreate a running cluster (without it, that bench refuses to touch one).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadNow, machine } from './lib/report';

interface BenchModule {
  run(): Promise<unknown>;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--destructive')) process.env.BENCH_DESTRUCTIVE = '1';
  const only = new Set(args.filter((a) => !a.startsWith('--')));
  const dir = import.meta.dirname;
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.test.ts'))
    .map((f) => basename(f, '.ts'))
    .filter((n) => only.size === 0 || only.has(n))
    .sort();
  const unknown = [...only].filter((n) => !names.includes(n));
  if (unknown.length) throw new Error(`no bench module named ${unknown.join(', ')}`);

  const results: Record<string, unknown> = {};
  let failed = false;
  for (const name of names) {
    const mod = (await import(join(dir, `${name}.ts`))) as Partial<BenchModule>;
    if (typeof mod.run !== 'function') continue;
    process.stderr.write(`bench: ${name} …\n`);
    const started = Date.now();
    const where = { machine: machine(), startedAt: new Date().toISOString() };
    try {
      const result = await mod.run();
      where.machine.loadAfter = loadNow();
      results[name] = { ...where, seconds: (Date.now() - started) / 1000, ...(result as object) };
    } catch (err) {
      failed = true;
      results[name] = { error: err instanceof Error ? err.message : String(err) };
    }
    process.stderr.write(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const out = join(dir, 'results');
  mkdirSync(out, { recursive: true });
  // One file per day and host; modules not run this time keep their earlier entry of that day.
  const file = join(out, `${new Date().toISOString().slice(0, 10)}-${machine().host}.json`);
  const earlier = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(file, `${JSON.stringify({ ...earlier, ...results }, null, 2)}\n`);
  const text = `${JSON.stringify(results, null, 2)}\n`;
  process.stderr.write(`bench: results in ${file}${failed ? ' (a module failed)' : ''}\n`);
  process.stdout.write(text);
  // Some modules' clients keep sockets and timers alive (keep-alive agents, informers); the
  // results are out, so end here rather than hang.
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
