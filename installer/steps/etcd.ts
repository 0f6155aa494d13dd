// etcd on the master: one member, client and peer URLs on loopback over TLS with client
// certificates (only the apiserver, beside it, holds one). Healthy means `etcdctl endpoint
// health`, as the apiserver, answers.
import { factsOf, type HostStep } from '../context';
import { masterOf } from '../inventory';
import { applyUnits, waitOnHost } from '../services';
import { ETCDCTL, masterUnits } from '../units';

export const etcd: HostStep = {
  title: 'Start etcd on the master',
  hosts: (inv) => [masterOf(inv)],
  async run(ctx, host, remote) {
    const unit = masterUnits(ctx.inv, host).filter((u) => u.name === 'etcd');
    const note = await applyUnits(remote, unit, { ...factsOf(ctx, host), bundleChanged: false });
    await waitOnHost(remote, 'etcd', `sudo -n ${ETCDCTL} --command-timeout=3s endpoint health`, 30_000);
    return `${note}, healthy`;
  },
};
