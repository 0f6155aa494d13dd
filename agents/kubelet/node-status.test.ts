import { describe, expect, it } from 'vitest';
import { decideConditions, HEALTHY_SIGNALS, nodeConditions } from './node-conditions';
import { buildLease, buildNode, microTime } from './node-object';
import { describeNode } from './node-status';

const facts = {
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
};

describe('buildNode', () => {
  it('reports capacity, addresses, the kubelet port, pod CIDR and Ready', () => {
    const n = buildNode(
      describeNode(facts),
      nodeConditions(decideConditions(HEALTHY_SIGNALS), '2026-11-22T06:00:00Z'),
    );
    expect(n.spec).toEqual({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] });
    expect(n.status?.capacity).toEqual({
      cpu: '2',
      memory: '4194304Ki',
      pods: '110',
      'ephemeral-storage': '20971520Ki',
    });
    expect(n.status?.addresses).toEqual([
      { type: 'InternalIP', address: '192.168.200.101' },
      { type: 'Hostname', address: 'minion-1' },
    ]);
    expect(n.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(10250);
    expect(n.status?.nodeInfo).toMatchObject({
      containerRuntimeVersion: 'docker://20.10.24',
      kubeletVersion: expect.stringMatching(/^v1\./),
    });
    expect(n.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'MemoryPressure=False',
      'DiskPressure=False',
      'PIDPressure=False',
      'Ready=True',
    ]);
  });

  it('keeps lastTransitionTime while a condition holds, moves the heartbeat', () => {
    const healthy = decideConditions(HEALTHY_SIGNALS);
    const first = nodeConditions(healthy, '2026-11-22T06:00:00Z');
    const second = nodeConditions(healthy, '2026-11-22T06:00:10Z', first);
    expect(second[3]).toMatchObject({
      type: 'Ready',
      lastHeartbeatTime: '2026-11-22T06:00:10Z',
      lastTransitionTime: '2026-11-22T06:00:00Z',
    });
  });
});

describe('buildLease', () => {
  it('is held by the node, in kube-node-lease, renewed with microsecond precision', () => {
    const l = buildLease('minion-1', 40, new Date('2026-11-22T06:00:00.123Z'));
    expect(l.metadata).toMatchObject({ name: 'minion-1', namespace: 'kube-node-lease' });
    expect(l.spec).toEqual({
      holderIdentity: 'minion-1',
      leaseDurationSeconds: 40,
      renewTime: '2026-11-22T06:00:00.123000Z',
    });
    expect(microTime(new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-01T00:00:00.000000Z');
  });
});
