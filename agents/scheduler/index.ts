// nodekube-agent scheduler --kubeconfig=FILE|--master=URL [--port=10259] [--bind-address=0.0.0.0] [--leader-elect=true]
// Flags, wiring, start: informers + queue + plugins (scheduler.ts), /healthz and /metrics on
// --port (componentstatuses probes it), and leader election on the kube-system/kube-scheduler
// Lease so only one scheduler of several binds pods.

import { parseFlags } from '../api/flags';
import { runComponent } from '../client/component';
import { startScheduler } from './scheduler';

export const defaultFlags = {
  /** Empty: --kubeconfig, else a pod's service account, else http://127.0.0.1:8080 (client/connection.ts). */
  master: '',
  kubeconfig: '',
  port: 10259,
  bindAddress: '0.0.0.0',
  leaderElect: true,
  kubeApiQps: 50,
  kubeApiBurst: 100,
  schedulerName: 'default-scheduler',
};

export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, defaultFlags);
  await runComponent({
    name: 'kube-scheduler',
    component: 'scheduler',
    flags,
    async run({ client, log, registry }, signal) {
      const s = startScheduler({ client, log, registry, schedulerName: flags.schedulerName }, signal);
      await s.synced;
      log.info('Scheduler caches synced; scheduling');
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    },
  });
}
