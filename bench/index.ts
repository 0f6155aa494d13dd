// npm run bench: runs every bench/*.ts module's exported `run()` one after another and prints one
// JSON object, `{ "<module>": <its result>, … }`. Name modules on the command line to run only
// those: `node --import tsx bench/index.ts apiserver`.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

interface BenchModule {
  run(): Promise<unknown>;
}

async function main(): Promise<void> {
  const only = new Set(process.argv.slice(2));
  const dir = import.meta.dirname;
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.test.ts'))
    .map((f) => basename(f, '.ts'))
    .filter((n) => only.size === 0 || only.has(n))
    .sort();
  const results: Record<string, unknown> = {};
  for (const name of names) {
    const mod = (await import(join(dir, `${name}.ts`))) as Partial<BenchModule>;
    if (typeof mod.run !== 'function') continue;
    process.stderr.write(`bench: ${name} …\n`);
    const started = Date.now();
    try {
      results[name] = await mod.run();
    } catch (err) {
      results[name] = { error: err instanceof Error ? err.message : String(err) };
    }
    process.stderr.write(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  // Some modules' clients keep sockets and timers alive (keep-alive agents, informers); the
  // results are out, so end here rather than hang.
  process.exit(process.exitCode ?? 0);
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
