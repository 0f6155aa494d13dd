// nodekube-agent kubelet: parse flags, start the kubelet, stop it on SIGTERM.

import { parseFlags, renderFlags } from '../api/flags';
import { createLogger } from '../api/log';
import { KUBELET_DEFAULTS, startKubelet } from './kubelet';

export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, KUBELET_DEFAULTS);
  if ((!flags.kubeconfig && !flags.master) || !flags.hostnameOverride || !flags.nodeIp)
    throw new Error('--kubeconfig or --master, --hostname-override and --node-ip are required');
  const log = createLogger('kubelet');
  log.info(`Running kubelet ${renderFlags(flags).join(' ')}`);
  const kubelet = await startKubelet(flags, log);
  const shutdown = () => {
    log.info('Shutting down (containers keep running; a restarted kubelet adopts them)');
    kubelet.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
