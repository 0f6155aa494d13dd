// The kubelet on a real Docker engine, driven through a real apiserver: pods become pause +
// app containers with upstream's names, serve on their pod IP, restart per policy with back-off,
// follow probes, get env and volumes, and go away when deleted.

import type { Node } from 'kubernetes-types/core/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX_IMAGE, nodeContainers } from '../support/docker';
import { api, createPod, getPod, podOn, startTestNode, type TestNode } from '../support/kubelet';

let node: TestNode;
beforeAll(async () => {
  node = await startTestNode('kubelet');
});
afterAll(async () => {
  await node?.stop();
});

const busybox = { image: BUSYBOX_IMAGE, imagePullPolicy: 'IfNotPresent' };
const poll = { timeout: 60_000, interval: 250 };

describe('kubelet', () => {
  it('registers its Node with capacity, addresses, the kubelet port and Ready', async () => {
    await expect
      .poll(
        async () =>
          (await api<Node>(node.cp, 'GET', `/api/v1/nodes/${node.nodeName}`)).status?.conditions?.find(
            (c) => c.type === 'Ready',
          )?.status,
        poll,
      )
      .toBe('True');
    const n = await api<Node>(node.cp, 'GET', `/api/v1/nodes/${node.nodeName}`);
    expect(n.spec?.podCIDR).toBe('10.244.9.0/24');
    expect(n.status?.addresses).toContainEqual({ type: 'InternalIP', address: '127.0.0.1' });
    expect(n.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(node.kubeletPort);
    expect(n.status?.capacity?.pods).toBe('110');
    expect(n.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^docker:\/\//);
    const lease = await api<{ spec: { holderIdentity: string } }>(
      node.cp,
      'GET',
      `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node.nodeName}`,
    );
    expect(lease.spec.holderIdentity).toBe(node.nodeName);
  });

  it('runs a pod: pause + app container named k8s_…, Running and serving on its pod IP', async () => {
    const created = await createPod(
      node.cp,
      podOn(node, 'web', {
        containers: [
          {
            name: 'httpd',
            ...busybox,
            command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
            ports: [{ containerPort: 8080 }],
          },
        ],
      }),
    );
    const uid = created.metadata?.uid;
    await expect
      .poll(async () => (await getPod(node.cp, 'default', 'web')).status?.phase, poll)
      .toBe('Running');
    const pod = await getPod(node.cp, 'default', 'web');
    expect(pod.status?.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(pod.status?.containerStatuses?.[0]).toMatchObject({
      name: 'httpd',
      ready: true,
      restartCount: 0,
      containerID: expect.stringMatching(/^docker:\/\//),
    });
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    const names = (await nodeContainers(node.nodeName)).map((c) => c.Names[0]);
    expect(names).toContain(`/k8s_POD_web_default_${uid}_0`);
    expect(names).toContain(`/k8s_httpd_web_default_${uid}_0`);
    await expect
      .poll(
        async () =>
          await fetch(`http://${pod.status?.podIP}:8080/`)
            .then((r) => r.text())
            .catch(() => ''),
        poll,
      )
      .toBe('hello from nodekube\n');
  });
});

describe('kubelet restarts and probes', () => {
  it('CrashLoopBackOff: restarts a crashing container with a growing back-off', async () => {
    await createPod(
      node.cp,
      podOn(node, 'crasher', {
        containers: [{ name: 'c', ...busybox, command: ['sh', '-c', 'echo crashing; exit 3'] }],
      }),
    );
    const status = async () => (await getPod(node.cp, 'default', 'crasher')).status?.containerStatuses?.[0];
    await expect
      .poll(async () => (await status())?.state?.waiting?.message ?? '', { timeout: 90_000, interval: 500 })
      .toContain('back-off 10s');
    const s = await status();
    expect(s?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(s?.lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    await expect
      .poll(async () => (await status())?.state?.waiting?.message ?? '', { timeout: 90_000, interval: 500 })
      .toContain('back-off 20s');
    expect((await status())?.restartCount).toBeGreaterThanOrEqual(2);
    expect((await getPod(node.cp, 'default', 'crasher')).status?.phase).toBe('Running');
  });

  it('a container that cannot start is RunContainerError, then waits in CrashLoopBackOff', async () => {
    await createPod(
      node.cp,
      podOn(node, 'unstartable', { containers: [{ name: 'c', ...busybox, command: ['no-such-program'] }] }),
    );
    const status = async () =>
      (await getPod(node.cp, 'default', 'unstartable')).status?.containerStatuses?.[0];
    await expect
      .poll(async () => (await status())?.state?.waiting?.reason, { timeout: 60_000, interval: 500 })
      .toBe('CrashLoopBackOff');
    expect((await status())?.state?.waiting?.message).toContain('back-off 10s');
    // Before the back-off, every 2 s a new attempt: the count would race upwards.
    const restarts = (await status())?.restartCount ?? 0;
    expect(restarts).toBeLessThanOrEqual(2);
  });

  it('a failing liveness probe restarts the container', async () => {
    await createPod(
      node.cp,
      podOn(node, 'unlively', {
        containers: [
          {
            name: 'c',
            ...busybox,
            command: ['sh', '-c', 'touch /tmp/alive; sleep 3; rm /tmp/alive; sleep 3600'],
            livenessProbe: {
              exec: { command: ['cat', '/tmp/alive'] },
              periodSeconds: 1,
              failureThreshold: 2,
            },
          },
        ],
      }),
    );
    await expect
      .poll(
        async () =>
          (await getPod(node.cp, 'default', 'unlively')).status?.containerStatuses?.[0]?.restartCount ?? 0,
        poll,
      )
      .toBeGreaterThanOrEqual(1);
    const events = await api<{ items: Array<{ reason: string; message: string }> }>(
      node.cp,
      'GET',
      '/api/v1/namespaces/default/events',
    );
    expect(
      events.items.some((e) => e.reason === 'Unhealthy' && e.message.startsWith('Liveness probe failed')),
    ).toBe(true);
  });

  it('a readiness probe flips the Ready condition both ways', async () => {
    await createPod(
      node.cp,
      podOn(node, 'ready-flip', {
        containers: [
          {
            name: 'c',
            ...busybox,
            command: ['sh', '-c', 'sleep 3600'],
            readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 },
          },
        ],
      }),
    );
    const ready = async () =>
      (await getPod(node.cp, 'default', 'ready-flip')).status?.conditions?.find((c) => c.type === 'Ready')
        ?.status;
    await expect
      .poll(async () => (await getPod(node.cp, 'default', 'ready-flip')).status?.phase, poll)
      .toBe('Running');
    expect(await ready()).toBe('False');
    const pod = await getPod(node.cp, 'default', 'ready-flip');
    const id = pod.status?.containerStatuses?.[0]?.containerID?.replace('docker://', '') ?? '';
    const { docker } = await import('../support/docker');
    const run = async (cmd: string) => {
      const ex = await docker()
        .getContainer(id)
        .exec({ Cmd: ['sh', '-c', cmd] });
      await ex.start({});
    };
    await run('touch /tmp/ready');
    await expect.poll(ready, poll).toBe('True');
    await run('rm /tmp/ready');
    await expect.poll(ready, poll).toBe('False');
  });
});

describe('kubelet env and volumes', () => {
  it('env from ConfigMap, Secret, fieldRef and service variables; configMap/secret/emptyDir/hostPath volumes', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const hostDir = `${node.rootDir}/host-data`;
    mkdirSync(hostDir, { recursive: true });
    writeFileSync(`${hostDir}/from-host.txt`, 'host file\n');
    await api(node.cp, 'POST', '/api/v1/namespaces/default/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings' },
      data: { color: 'blue', 'app.conf': 'mode=fast\n' },
    });
    await api(node.cp, 'POST', '/api/v1/namespaces/default/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds' },
      data: { password: Buffer.from('s3cret').toString('base64') },
    });
    await api(node.cp, 'POST', '/api/v1/namespaces/default/services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'redis-master' },
      spec: { ports: [{ port: 6379 }], selector: { app: 'redis' } },
    });
    const script = [
      'echo COLOR=$COLOR PASSWORD=$PASSWORD POD=$POD_NAME REDIS=$REDIS_MASTER_SERVICE_PORT',
      'cat /etc/config/app.conf /etc/creds/password /host/from-host.txt',
      'echo scratch > /scratch/x && cat /scratch/x',
      'sleep 3600',
    ].join('; ');
    await createPod(
      node.cp,
      podOn(node, 'configured', {
        volumes: [
          { name: 'config', configMap: { name: 'settings' } },
          { name: 'creds', secret: { secretName: 'creds' } },
          { name: 'scratch', emptyDir: {} },
          { name: 'host', hostPath: { path: hostDir } },
        ],
        containers: [
          {
            name: 'c',
            ...busybox,
            command: ['sh', '-c', script],
            env: [
              { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'settings', key: 'color' } } },
              { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            ],
            volumeMounts: [
              { name: 'config', mountPath: '/etc/config' },
              { name: 'creds', mountPath: '/etc/creds', readOnly: true },
              { name: 'scratch', mountPath: '/scratch' },
              { name: 'host', mountPath: '/host' },
            ],
          },
        ],
      }),
    );
    await expect
      .poll(async () => (await getPod(node.cp, 'default', 'configured')).status?.phase, poll)
      .toBe('Running');
    const logs = async () =>
      (await fetch(`http://127.0.0.1:${node.kubeletPort}/containerLogs/default/configured/c`)).text();
    await expect.poll(logs, poll).toContain('scratch');
    const text = await logs();
    expect(text).toContain('COLOR=blue PASSWORD=s3cret POD=configured REDIS=6379');
    expect(text).toContain('mode=fast\ns3crethost file\nscratch\n'); // the secret has no trailing newline
  });

  it('a missing ConfigMap holds the container in CreateContainerConfigError; image policy Never without the image is ErrImageNeverPull', async () => {
    await createPod(
      node.cp,
      podOn(node, 'no-config', {
        containers: [{ name: 'c', ...busybox, envFrom: [{ configMapRef: { name: 'does-not-exist' } }] }],
      }),
    );
    await createPod(
      node.cp,
      podOn(node, 'no-image', {
        containers: [{ name: 'c', image: 'nodekube/absent:1.0', imagePullPolicy: 'Never' }],
      }),
    );
    const reason = async (name: string) =>
      (await getPod(node.cp, 'default', name)).status?.containerStatuses?.[0]?.state?.waiting?.reason;
    await expect.poll(() => reason('no-config'), poll).toBe('CreateContainerConfigError');
    await expect.poll(() => reason('no-image'), poll).toBe('ErrImageNeverPull');
    expect((await getPod(node.cp, 'default', 'no-image')).status?.phase).toBe('Pending');
  });
});

describe('kubelet pod lifecycle', () => {
  it('runs init containers in order before the app container; a restartPolicy Never pod Succeeds', async () => {
    await createPod(
      node.cp,
      podOn(node, 'with-init', {
        restartPolicy: 'Never',
        volumes: [{ name: 'work', emptyDir: {} }],
        initContainers: [
          {
            name: 'first',
            ...busybox,
            command: ['sh', '-c', 'echo one >> /work/order'],
            volumeMounts: [{ name: 'work', mountPath: '/work' }],
          },
          {
            name: 'second',
            ...busybox,
            command: ['sh', '-c', 'echo two >> /work/order'],
            volumeMounts: [{ name: 'work', mountPath: '/work' }],
          },
        ],
        containers: [
          {
            name: 'main',
            ...busybox,
            command: ['cat', '/work/order'],
            volumeMounts: [{ name: 'work', mountPath: '/work' }],
          },
        ],
      }),
    );
    await expect
      .poll(async () => (await getPod(node.cp, 'default', 'with-init')).status?.phase, poll)
      .toBe('Succeeded');
    const pod = await getPod(node.cp, 'default', 'with-init');
    expect(pod.status?.initContainerStatuses?.map((s) => s.state?.terminated?.reason)).toEqual([
      'Completed',
      'Completed',
    ]);
    expect(pod.status?.containerStatuses?.[0].state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    const logs = await (
      await fetch(`http://127.0.0.1:${node.kubeletPort}/containerLogs/default/with-init/main`)
    ).text();
    expect(logs).toBe('one\ntwo\n');
  });

  it('deleting a pod stops and removes its containers, then the pod is gone', async () => {
    const created = await createPod(
      node.cp,
      podOn(node, 'doomed', { containers: [{ name: 'c', ...busybox }] }),
    );
    const uid = created.metadata?.uid ?? '';
    await expect
      .poll(async () => (await getPod(node.cp, 'default', 'doomed')).status?.phase, poll)
      .toBe('Running');
    const mine = async () =>
      (await nodeContainers(node.nodeName)).filter((c) => c.Labels['io.kubernetes.pod.uid'] === uid).length;
    expect(await mine()).toBe(2);
    await api(node.cp, 'DELETE', '/api/v1/namespaces/default/pods/doomed');
    await expect.poll(mine, poll).toBe(0);
    await expect
      .poll(async () => (await fetch(`${node.cp.url}/api/v1/namespaces/default/pods/doomed`)).status, poll)
      .toBe(404);
  });
});

describe('kubelet restart', () => {
  it('adopts running pods without restarting them and removes containers of pods deleted meanwhile', async () => {
    const survivor = await createPod(
      node.cp,
      podOn(node, 'survivor', { containers: [{ name: 'c', ...busybox }] }),
    );
    const orphan = await createPod(
      node.cp,
      podOn(node, 'orphan', { containers: [{ name: 'c', ...busybox }] }),
    );
    for (const name of ['survivor', 'orphan'])
      await expect
        .poll(async () => (await getPod(node.cp, 'default', name)).status?.phase, poll)
        .toBe('Running');
    const idsOf = async (uid: string | undefined) =>
      (await nodeContainers(node.nodeName))
        .filter((c) => c.Labels['io.kubernetes.pod.uid'] === uid && c.State === 'running')
        .map((c) => c.Id)
        .sort();
    const before = await idsOf(survivor.metadata?.uid);
    expect(before).toHaveLength(2);

    await node.kubelet.stop(15_000);
    await api(node.cp, 'DELETE', '/api/v1/namespaces/default/pods/orphan', {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: 0,
    });
    await expect
      .poll(async () => (await fetch(`${node.cp.url}/api/v1/namespaces/default/pods/orphan`)).status, poll)
      .toBe(404);
    expect(await idsOf(orphan.metadata?.uid)).toHaveLength(2); // nobody has touched them yet
    await node.restartKubelet();

    await expect.poll(() => idsOf(orphan.metadata?.uid), poll).toEqual([]);
    expect(await idsOf(survivor.metadata?.uid)).toEqual(before);
    const pod = await getPod(node.cp, 'default', 'survivor');
    expect(pod.status?.phase).toBe('Running');
    expect(pod.status?.containerStatuses?.[0].restartCount).toBe(0);
  });
});

describe('kubelet container settings', () => {
  it('resources become Docker limits, hostPort publishes on the node, postStart runs, /metrics counts starts', async () => {
    const { freePort } = await import('../support/ports');
    const { docker } = await import('../support/docker');
    const hostPort = await freePort();
    await createPod(
      node.cp,
      podOn(node, 'limited', {
        containers: [
          {
            name: 'c',
            ...busybox,
            command: [
              'sh',
              '-c',
              'while [ ! -f /tmp/hooked ]; do sleep 0.2; done; cat /tmp/hooked; httpd -f -p 8080 -h /www',
            ],
            ports: [{ containerPort: 8080, hostPort }],
            resources: { requests: { cpu: '250m', memory: '32Mi' }, limits: { cpu: '500m', memory: '64Mi' } },
            lifecycle: {
              postStart: { exec: { command: ['sh', '-c', 'echo post-start ran > /tmp/hooked'] } },
            },
          },
        ],
      }),
    );
    await expect
      .poll(async () => (await getPod(node.cp, 'default', 'limited')).status?.phase, poll)
      .toBe('Running');
    const pod = await getPod(node.cp, 'default', 'limited');
    expect(pod.status?.qosClass).toBe('Burstable');
    const id = pod.status?.containerStatuses?.[0]?.containerID?.replace('docker://', '') ?? '';
    const info = await docker().getContainer(id).inspect();
    expect(info.HostConfig).toMatchObject({
      Memory: 64 * 1024 * 1024,
      CpuQuota: 50_000,
      CpuPeriod: 100_000,
      CpuShares: 256,
    });
    await expect
      .poll(
        async () =>
          (await fetch(`http://127.0.0.1:${node.kubeletPort}/containerLogs/default/limited/c`)).text(),
        poll,
      )
      .toBe('post-start ran\n');
    await expect
      .poll(
        async () =>
          await fetch(`http://127.0.0.1:${hostPort}/`)
            .then((r) => r.text())
            .catch(() => ''),
        poll,
      )
      .toBe('hello from nodekube\n');
    const metrics = await (await fetch(`http://127.0.0.1:${node.kubeletPort}/metrics`)).text();
    expect(metrics).toMatch(/kubelet_pod_start_duration_seconds_count [1-9]/);
    expect(metrics).toMatch(/kubelet_running_pods [1-9]/);
  });
});

describe('kubelet host network', () => {
  it('a hostNetwork pod shares the node network: pod IP = node IP, its port answers on the node', async () => {
    const { freePort } = await import('../support/ports');
    const port = await freePort();
    await createPod(
      node.cp,
      podOn(node, 'on-host', {
        hostNetwork: true,
        containers: [
          { name: 'c', ...busybox, command: ['httpd', '-f', '-p', `127.0.0.1:${port}`, '-h', '/www'] },
        ],
      }),
    );
    await expect
      .poll(async () => (await getPod(node.cp, 'default', 'on-host')).status?.phase, poll)
      .toBe('Running');
    expect((await getPod(node.cp, 'default', 'on-host')).status?.podIP).toBe('127.0.0.1');
    await expect
      .poll(
        async () =>
          await fetch(`http://127.0.0.1:${port}/`)
            .then((r) => r.text())
            .catch(() => ''),
        poll,
      )
      .toBe('hello from nodekube\n');
  });
});
