// The node agents: kubelet (pods on Docker) on each minion; kube-proxy (service rules in
// iptables) and kube-hostgw (routes to the minions' pod CIDRs) on every host, the master too,
// all pointed at the master.
import { factsOf, type HostStep } from '../context';
import { applyUnits } from '../services';
import { nodeAgentUnits } from '../units';

export const nodeAgents: HostStep = {
  title: 'Start the node agents (kubelet on minions; kube-proxy, kube-hostgw everywhere)',
  hosts: (inv) => inv.hosts,
  async run(ctx, host, remote) {
    return applyUnits(remote, nodeAgentUnits(ctx.inv, host), factsOf(ctx, host));
  },
};
