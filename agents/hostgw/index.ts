// nodekube-agent hostgw --kubeconfig=FILE|--master=URL --hostname-override=NAME --node-ip=IP
//   [--cluster-cidr=10.244.0.0/16] [--service-cluster-ip-range=10.96.0.0/12] [--healthz-port=10266] [--resync-period=30s] [--cleanup]
//
// The pod network, "host-gw" style: every node routes each other node's pod CIDR via that
// node's InternalIP, so a packet from pod 10.244.1.2 to pod 10.244.2.2 leaves minion1 for
// 192.168.200.102 and arrives with its source untouched. No overlay, no encapsulation — it
// needs the nodes on one L2 network, which the seeds' Vagrant setup gives (192.168.200.0/24).
//
// Why a component of its own rather than part of the kubelet or kube-proxy: the pod network is
// a plug-in in Kubernetes, not a kubelet feature. On the seeds' clusters that plug-in was
// flannel (its kube-flannel-ds pod and `flannel.alpha.coreos.com/*` node annotations show in
// seed 000), whose host-gw backend did exactly this job: watch Nodes, add/remove routes,
// allow forwarding, masquerade pod traffic leaving the cluster. Keeping it separate keeps the
// kubelet about pods and kube-proxy about services, and lets a reader swap the network
// without touching either — as one swaps flannel for calico.
//
// The Node's spec.podCIDR is assigned by whoever registers the node (the kubelet's --pod-cidr,
// or the controller-manager's allocator); this agent only reads it.

import { parseDuration, parseFlags, renderFlags } from '../api/flags';
import { serveHealth } from '../api/health-server';
import { createLogger } from '../api/log';
import { processMetrics, Registry } from '../api/metrics';
import { R } from '../api/resources';
import type { KubeObject, Node } from '../api/types';
import { createClient, createInformer, DEFAULT_MASTER, loadConnection } from '../client';
import { Iptables } from '../kube-proxy/iptables';
import { NetworkReconciler } from './reconciler';
import { RouteTable } from './routes';

export const defaultFlags = {
  /** Empty: --kubeconfig, else a pod's service account, else http://127.0.0.1:8080 (client/connection.ts). */
  master: '',
  kubeconfig: '',
  hostnameOverride: '',
  nodeIp: '',
  clusterCidr: '10.244.0.0/16',
  // Empty: leave the service range to the default route (the old behaviour).
  serviceClusterIpRange: '',
  healthzPort: 10266,
  bindAddress: '0.0.0.0',
  resyncPeriod: '30s',
  cleanup: false,
};

export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, defaultFlags);
  const log = createLogger('hostgw');
  log.info(`Running hostgw ${renderFlags(flags).join(' ')}`);
  const routes = new RouteTable(await Iptables.detect());
  if (flags.cleanup) {
    await routes.cleanup();
    log.info('Removed hostgw routes and rules');
    return;
  }
  if (!flags.hostnameOverride)
    throw new Error('--hostname-override is required: it names this node among the Nodes');

  const connection = await loadConnection(flags, { fallbackServer: DEFAULT_MASTER });
  log.info('Talking to the apiserver', { server: connection.baseUrl, via: connection.origin });
  const client = createClient({ ...connection, userAgent: 'nodekube-hostgw/0.1' });
  const nodes = createInformer<Node & KubeObject>(client, R.nodes);
  const registry = new Registry();
  processMetrics(registry);
  const reconciler = new NetworkReconciler({
    routes,
    nodes: () => nodes.list(),
    self: flags.hostnameOverride,
    clusterCIDR: flags.clusterCidr,
    serviceCIDR: flags.serviceClusterIpRange || undefined,
    nodeIP: flags.nodeIp || undefined,
    log,
    registry,
    resyncMs: parseDuration(flags.resyncPeriod),
  });
  const wake = () => reconciler.requestSync();
  nodes.addEventHandler({ add: wake, update: wake, delete: wake });
  const checks = {
    routes: () => {
      if (!reconciler.healthy()) throw new Error('routes not synced recently');
    },
  };
  const server =
    flags.healthzPort > 0
      ? await serveHealth({ port: flags.healthzPort, bindAddress: flags.bindAddress, registry, checks })
      : undefined;

  nodes.start();
  await nodes.waitForSync();
  log.info('Node cache synced; programming routes', { nodes: nodes.list().length });
  reconciler.start();

  await new Promise<void>((resolve) => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => resolve());
  });
  nodes.stop();
  await reconciler.stop();
  await server?.close();
}
