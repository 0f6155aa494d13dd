import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { containerSpec, sandboxSpec } from './container-spec';

const pod: Pod = {
  metadata: { name: 'web', namespace: 'default', uid: 'u1' },
  spec: {
    terminationGracePeriodSeconds: 5,
    containers: [
      {
        name: 'app',
        image: 'nodekube/busybox:test',
        command: ['sh', '-c'],
        args: ['echo $(GREETING)'],
        ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }],
        resources: { requests: { cpu: '250m' }, limits: { cpu: '500m', memory: '64Mi' } },
      },
    ],
  },
};

describe('sandboxSpec', () => {
  it('names the pause container k8s_POD_… and publishes hostPorts on it', () => {
    const s = sandboxSpec(pod, 1, 'nodekube/pause:1.0');
    expect(s.name).toBe('k8s_POD_web_default_u1_1');
    expect(s.portBindings).toEqual([
      { containerPort: 80, hostPort: 8080, protocol: 'TCP', hostIP: undefined },
    ]);
    expect(s.labels).toMatchObject({
      'io.kubernetes.docker.type': 'podsandbox',
      'io.kubernetes.pod.uid': 'u1',
      'io.kubernetes.pod.terminationGracePeriod': '5',
    });
  });
});

describe('containerSpec', () => {
  it('maps command/args, expands $(VAR), and turns resources into cgroup numbers', () => {
    const s = containerSpec(pod, pod.spec!.containers[0], {
      attempt: 3,
      sandboxId: 'sb',
      env: new Map([['GREETING', 'hi']]),
      binds: [],
      isInit: false,
    });
    expect(s).toMatchObject({
      name: 'k8s_app_web_default_u1_3',
      entrypoint: ['sh', '-c'],
      cmd: ['echo hi'],
      env: ['GREETING=hi'],
      cpuShares: 256, // 250m × 1024
      cpuQuota: 50_000, // 500m of a 100 ms period
      cpuPeriod: 100_000,
      memory: 64 * 1024 * 1024,
    });
    expect(s.labels['io.kubernetes.container.restartCount']).toBe('3');
    expect(s.labels['io.kubernetes.container.hash']).toMatch(/^[0-9a-f]{8}$/);
  });
});
