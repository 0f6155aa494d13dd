// Docker on each minion, with the node's pod CIDR as its bridge (`bip` = first address of
// 10.244.N.0/24). Written before Docker first starts; restarted only when daemon.json changed
// (a restart stops the node's containers).
import type { HostStep } from '../context';
import { minionsOf } from '../inventory';
import { activeStates, waitOnHost } from '../services';
import { dockerDaemonConfig } from '../units';

export const docker: HostStep = {
  title: "Configure Docker with each minion's pod CIDR",
  hosts: minionsOf,
  async run(_ctx, host, remote) {
    const config = `${JSON.stringify(dockerDaemonConfig(host), null, 2)}\n`;
    const changed = await remote.writeFileIfChanged('/etc/docker/daemon.json', config);
    // Debian's docker has a SysV script too, which makes `enable` slow: only when needed.
    const enabled = await remote.exec(
      'systemctl is-enabled --quiet docker.service && systemctl is-enabled --quiet docker.socket',
      {
        allowFail: true,
      },
    );
    if (enabled.code !== 0)
      await remote.exec('systemctl enable --quiet docker.socket docker.service', { sudo: true });
    const active = (await activeStates(remote, ['docker'])).get('docker') === 'active';
    const action = !active ? 'start' : changed ? 'restart' : 'none';
    if (action !== 'none')
      await remote.exec(`systemctl ${action} docker.service`, { sudo: true, timeoutMs: 90_000 });
    await waitOnHost(remote, 'docker', 'sudo -n docker info --format "{{.ServerVersion}}"', 30_000);
    return `bip ${dockerDaemonConfig(host).bip}, ${action === 'none' ? 'unchanged' : action === 'start' ? 'started' : 'restarted'}`;
  },
};
