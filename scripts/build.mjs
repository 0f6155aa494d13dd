// Bundles the agents and the installer into single CommonJS files that run on Node 18+
// (Debian 12's nodejs on the nodes). The dashboard page (agents/dashboard)
// is built first, for the browser, and carried inside the agent bundle as a string constant.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { buildPage } from '../agents/dashboard/build-page.ts';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: 'linked',
  // Stack traces need the map's positions, not the sources' text (4.3 of its 6.7 MB; the nodes
  // would read it into every agent's memory: agents/api/stack-traces.ts).
  sourcesContent: false,
  logLevel: 'warning',
  // ssh2 (via node-ssh and docker-modem) has optional native addons; without them it is pure JS.
  external: ['cpu-features', '*.node'],
  define: {
    'process.env.WS_NO_BUFFER_UTIL': '"1"',
    'process.env.WS_NO_UTF_8_VALIDATE': '"1"',
  },
};

/**
 * V8 keeps each script's source for as long as the process runs (it compiles functions lazily),
 * as a one-byte string only if every character fits in Latin-1. esbuild escapes strings to ASCII
 * but keeps comments as written, and one `—` in a comment made the agents' 3.5 MB source a 7 MiB
 * two-byte string in every agent (a heap snapshot of the apiserver). Outside strings, only
 * comments can hold such characters; each UTF-16 unit becomes one `?`, so the columns the source
 * map records do not move.
 */
async function keepSourceLatin1(file) {
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace(/[\u0100-\uffff]/g, '?'));
}

await rm('dist', { recursive: true, force: true });
await mkdir('dist/bin', { recursive: true });
const dashboard = await buildPage();
await Promise.all([
  build({
    ...common,
    entryPoints: ['agents/main.ts'],
    outfile: 'dist/bin/nodekube-agent.cjs',
    define: { ...common.define, NODEKUBE_DASHBOARD_HTML: JSON.stringify(dashboard) },
  }),
  build({ ...common, entryPoints: ['installer/main.ts'], outfile: 'dist/bin/nodekube.cjs' }),
]);
await keepSourceLatin1('dist/bin/nodekube-agent.cjs');
