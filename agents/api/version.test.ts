import { describe, expect, it } from 'vitest';
import { buildNode as buildHollowNode } from '../hollow-node/node-object';
import { buildNode as buildKubeletNode } from '../kubelet/node-object';
import { describeNode } from '../kubelet/node-status';
import { KUBERNETES_VERSION, versionInfo } from './version';

describe('one version for every component', () => {
  it('/version reports major, minor and a gitVersion kubectl parses as semver', () => {
    expect(versionInfo()).toMatchObject({ major: '1', minor: '30', gitVersion: 'v1.30.0-nodekube' });
    expect(KUBERNETES_VERSION.gitVersion).toMatch(
      new RegExp(`^v${KUBERNETES_VERSION.major}\\.${KUBERNETES_VERSION.minor}\\.\\d+(-[0-9A-Za-z.-]+)?$`),
    );
  });

  it('the kubelet and the hollow node report it as kubeletVersion and kubeProxyVersion', () => {
    const kubelet = buildKubeletNode(
      describeNode({
        nodeName: 'minion-1',
        nodeIP: '192.168.200.101',
        hostname: 'h',
        podCIDR: '10.244.1.0/24',
        kubeletPort: 10250,
        cpuCores: 2,
        memoryBytes: 4 * 1024 ** 3,
        ephemeralBytes: 20 * 1024 ** 3,
        kernelVersion: '6.1.0',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'docker://20.10.24',
        machineID: 'm',
        bootID: 'b',
      }),
      [],
    );
    const hollow = buildHollowNode({ name: 'hollow-1', internalIP: '10.0.0.1' }, 0);
    for (const node of [kubelet, hollow]) {
      expect(node.status?.nodeInfo).toMatchObject({
        kubeletVersion: 'v1.30.0-nodekube',
        kubeProxyVersion: 'v1.30.0-nodekube',
      });
    }
  });
});
