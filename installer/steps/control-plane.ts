// The control plane on the master: kube-apiserver, then kube-controller-manager and kube-scheduler,
// each a systemd unit rendered from its typed flags object (units.ts). Waits for the apiserver's
// /healthz so later steps talk to a live API.
import { factsOf, type HostStep } from '../context';
import { masterOf } from '../inventory';
import { applyUnits, waitOnHost } from '../services';
import { masterUnits } from '../units';

export const controlPlane: HostStep = {
  title: 'Start the control plane (kube-apiserver, kube-controller-manager, kube-scheduler)',
  hosts: (inv) => [masterOf(inv)],
  async run(ctx, host, remote) {
    const units = masterUnits(ctx.inv, host, ctx.opts.profile).filter((u) => u.name !== 'etcd');
    const note = await applyUnits(remote, units, factsOf(ctx, host));
    await waitOnHost(
      remote,
      'kube-apiserver /healthz',
      'curl -fsS --max-time 3 http://127.0.0.1:8080/healthz',
      60_000,
    );
    return note;
  },
};
