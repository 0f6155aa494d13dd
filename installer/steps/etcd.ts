// etcd on the master: one member, client and peer URLs on loopback (only the apiserver, beside
// it, talks to etcd). Healthy means `etcdctl endpoint health` answers.
import type { HostStep } from '../context';
import { masterOf } from '../inventory';
import { applyUnits, waitOnHost } from '../services';
import { masterUnits } from '../units';

export const etcd: HostStep = {
  title: 'Start etcd on the master',
  hosts: (inv) => [masterOf(inv)],
  async run(ctx, host, remote) {
    const unit = masterUnits(ctx.inv, host).filter((u) => u.name === 'etcd');
    const note = await applyUnits(remote, unit, false);
    await waitOnHost(
      remote,
      'etcd',
      'ETCDCTL_API=3 etcdctl --endpoints=http://127.0.0.1:2379 --command-timeout=3s endpoint health',
      30_000,
    );
    return `${note}, healthy`;
  },
};
