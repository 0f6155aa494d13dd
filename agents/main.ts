// nodekube-agent <component> [flags]: one bundled file carries every component, the way
// hyperkube once did. Each component's index.ts parses its flags, wires its parts and runs.

import { webcrypto } from 'node:crypto';
import {
  CONTROL_PLANE_HEAP_GROWING,
  collectGarbageWhenIdle,
  type HeapGrowing,
  IDLE_CHECK_MS,
} from './api/idle-gc';
import { createLogger } from './api/log';
import { mapStackTracesOfBundle } from './api/stack-traces';

// The nodes run Debian 12's Node.js 18, where WebCrypto is not yet the global `crypto` (it is
// from Node 19). jose (service-account tokens) and @peculiar/x509 look for it there.
globalThis.crypto ??= webcrypto as Crypto;

mapStackTracesOfBundle();

type ComponentMain = (argv: string[]) => Promise<void>;

const components: Record<string, () => Promise<{ main: ComponentMain }>> = {
  apiserver: () => import('./apiserver/index'),
  'controller-manager': () => import('./controller-manager/index'),
  scheduler: () => import('./scheduler/index'),
  kubelet: () => import('./kubelet/index'),
  proxy: () => import('./kube-proxy/index'),
  hostgw: () => import('./hostgw/index'),
  'hollow-node': () => import('./hollow-node/index'),
  dns: () => import('./dns/index'),
};

/** Components whose heap is held to what is live, busy and quiet (api/idle-gc.ts says why). */
const heapGrowing: Record<string, HeapGrowing> = {
  apiserver: CONTROL_PLANE_HEAP_GROWING,
  'controller-manager': CONTROL_PLANE_HEAP_GROWING,
  scheduler: CONTROL_PLANE_HEAP_GROWING,
};

async function run(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  const load = name ? components[name] : undefined;
  if (!load) {
    process.stderr.write(`usage: nodekube-agent <${Object.keys(components).join('|')}> [flags]\n`);
    process.exitCode = 2;
    return;
  }
  const { main } = await load();
  const log = createLogger(name);
  collectGarbageWhenIdle(
    (c) => log.info('Collected garbage while idle', { ...c }),
    IDLE_CHECK_MS,
    heapGrowing[name],
  );
  await main(rest);
}

run(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`nodekube-agent: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
