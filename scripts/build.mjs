// Bundles the agents and the installer into single CommonJS files that run on Node 18+
// (Debian 12's nodejs on the nodes). The dashboard page (agents/dashboard)
// is built first, for the browser, and carried inside the agent bundle as a string constant.
import { mkdir, rm } from 'node:fs/promises';
import { build } from 'esbuild';
import { buildPage } from '../agents/dashboard/build-page.ts';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  // ssh2 (via node-ssh and docker-modem) has optional native addons; without them it is pure JS.
  external: ['cpu-features', '*.node'],
  define: {
    'process.env.WS_NO_BUFFER_UTIL': '"1"',
    'process.env.WS_NO_UTF_8_VALIDATE': '"1"',
  },
};

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
