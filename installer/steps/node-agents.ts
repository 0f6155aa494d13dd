// The node agents on each minion: kubelet (pods on Docker), kube-proxy (service rules in
// iptables) and kube-hostgw (routes to the other nodes' pod CIDRs), all pointed at the master.
import { factsOf, type HostStep } from '../context';
import { minionsOf } from '../inventory';
import { applyUnits } from '../services';
import { minionUnits } from '../units';

export const nodeAgents: HostStep = {
  title: 'Start the node agents (kubelet, kube-proxy, kube-hostgw)',
  hosts: minionsOf,
  async run(ctx, host, remote) {
    return applyUnits(remote, minionUnits(ctx.inv, host), factsOf(ctx, host).bundleChanged);
  },
};
