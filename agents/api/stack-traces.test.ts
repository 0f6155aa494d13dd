import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoPath } from './stack-traces';

const run = promisify(execFile);

// A bundle built the way scripts/build.mjs builds the agents' (linked map, no sources' text),
// whose code throws from known lines of a TypeScript file.
const THROWER = `export function failDeep(): never {
  throw new TypeError('no such pod');
}
`;
const ENTRY = `import { mapStackTracesOfBundle } from ${JSON.stringify(join(import.meta.dirname, 'stack-traces.ts'))};
import { failDeep } from './thrower';
const mapped = mapStackTracesOfBundle();
const plain: { stack?: string } = {};
Error.captureStackTrace(plain);
try {
  failDeep();
} catch (err) {
  console.log(JSON.stringify({ mapped, stack: (err as Error).stack, plain: plain.stack }));
}
if (process.argv[2] === 'uncaught') failDeep();
`;

describe('mapStackTracesOfBundle', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nodekube-stack-'));
    writeFileSync(join(dir, 'thrower.ts'), THROWER);
    writeFileSync(join(dir, 'entry.ts'), ENTRY);
    await build({
      entryPoints: [join(dir, 'entry.ts')],
      outfile: join(dir, 'dist', 'bin', 'app.cjs'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      sourcemap: 'linked',
      sourcesContent: false,
      logLevel: 'silent',
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints frames of the bundle as the TypeScript line they came from', async () => {
    const { stdout } = await run(process.execPath, [join(dir, 'dist', 'bin', 'app.cjs')]);
    const { mapped, stack, plain } = JSON.parse(stdout);
    expect(mapped).toBe(true);
    const lines = stack.split('\n');
    expect(lines[0]).toBe('TypeError: no such pod');
    expect(lines[1]).toMatch(/^ {4}at failDeep \(.*thrower\.ts:2:9\)$/);
    expect(lines[2]).toMatch(/entry\.ts:7:3\)?$/);
    // Error.captureStackTrace on a plain object: headed `Error`, as V8's own formatting has it.
    expect(plain).toMatch(/^Error\n {4}at .*entry\.ts:5:7\)?$/m);
    expect(stack).not.toContain('app.cjs');
  });

  it('maps an uncaught error the same way, as Node prints it before exiting', async () => {
    const err = await run(process.execPath, [join(dir, 'dist', 'bin', 'app.cjs'), 'uncaught']).catch(
      (e) => e,
    );
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/TypeError: no such pod\n {4}at failDeep \(.*thrower\.ts:2:9\)/);
  });

  it('leaves frames as V8 has them when no map sits beside the bundle', async () => {
    rmSync(join(dir, 'dist', 'bin', 'app.cjs.map'));
    const { stdout } = await run(process.execPath, [join(dir, 'dist', 'bin', 'app.cjs')]);
    const { mapped, stack } = JSON.parse(stdout);
    expect(mapped).toBe(false);
    expect(stack).toMatch(/at failDeep \(.*app\.cjs:\d+:\d+\)/);
  });
});

describe('repoPath', () => {
  it('names a source from the repository root, as a reader finds it', () => {
    expect(repoPath('../../agents/scheduler/queue.ts')).toBe('agents/scheduler/queue.ts');
    expect(repoPath('../../node_modules/ws/lib/websocket.js')).toBe('node_modules/ws/lib/websocket.js');
  });
});
