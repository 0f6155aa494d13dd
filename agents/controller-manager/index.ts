// nodekube-agent controller-manager --kubeconfig=FILE|--master=URL [--port=10257] [--leader-elect=true]
//   [--node-monitor-period=5s] [--node-monitor-grace-period=40s] [--cluster-cidr=10.244.0.0/16] …
// Flags → one config; one client; one shared informer per resource; /healthz and /metrics on
// --port (componentstatuses probes it); leader election on kube-system/kube-controller-manager;
// then every enabled controller runs its workers until the lease or the process ends.

import { setMaxListeners } from 'node:events';
import { createLogger } from '../api/log';
import type { Registry } from '../api/metrics';
import { createEventRecorder, createWorkQueue, runController } from '../client';
import { runComponent } from '../client/component';
import type { ApiClient } from '../client/types';
import { type ControllerManagerConfig, loadConfig } from './config';
import { controllerEntries } from './controllers';
import { createInformerFactory } from './informer-factory';

export async function main(argv: string[]): Promise<void> {
  const config = loadConfig(argv);
  await runComponent({
    name: 'kube-controller-manager',
    component: 'controller-manager',
    flags: config.flags,
    run: ({ client, registry }, signal) => runControllers(client, config, signal, registry),
  });
}

/** Build the enabled controllers over one informer factory, sync the caches, run until `signal`. */
export async function runControllers(
  client: ApiClient,
  config: ControllerManagerConfig,
  signal: AbortSignal,
  registry?: Registry,
): Promise<void> {
  const log = createLogger('controller-manager');
  const informers = createInformerFactory(client);
  const recorder = createEventRecorder(client, { component: 'controller-manager' });
  const controllers = controllerEntries
    .filter((e) => config.enabled(e.name))
    .map((e) => {
      const queue = createWorkQueue(e.name);
      const clog = createLogger(e.name);
      return e.build(
        { client, informers, recorder, queue, config, now: Date.now, log: (m) => clog.info(m) },
        config,
      );
    });
  registry?.gaugeFunc(
    'controller_manager_controllers',
    'Controllers running in this manager.',
    () => controllers.length,
  );
  const syncs = registry?.counter(
    'controller_manager_syncs_total',
    'sync(key) calls by controller and result.',
    ['controller', 'result'],
  );
  const depth = registry?.gauge('workqueue_depth', 'Keys waiting in each controller queue.', ['name']);
  // Every worker of every controller waits on this one signal.
  setMaxListeners(0, signal);
  informers.start();
  await informers.waitForSync(signal);
  if (signal.aborted) return;
  log.info('Caches synced; starting controllers', { controllers: controllers.map((c) => c.name).join(',') });
  const timers = controllers
    .filter((c) => c.tick)
    .map((c) => setInterval(() => c.tick?.run(), c.tick?.everyMs));
  await Promise.all(
    controllers.map((c) =>
      runController({
        name: c.name,
        queue: c.queue,
        sync: async (key) => {
          depth?.set({ name: c.name }, c.queue.len());
          try {
            await c.sync(key);
            syncs?.inc({ controller: c.name, result: 'success' });
          } catch (err) {
            syncs?.inc({ controller: c.name, result: 'error' });
            throw err;
          }
        },
        workers: c.workers,
        signal,
        log: { info: (m) => log.info(`${c.name}: ${m}`), error: (m) => log.error(`${c.name}: ${m}`) },
      }),
    ),
  );
  for (const t of timers) clearInterval(t);
  informers.stop();
}
