// The kubelet on a real Docker engine, driven through a real apiserver: pods become pause +
// app containers with upstream's names, serve on their pod IP, restart per policy with back-off,
// follow probes, get env and volumes, and go away when deleted.

import type { Node, Pod } from 'kubernetes-types/core/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX_IMAGE, nodeContainers } from '../support/docker';
import { type TestNode, api, createPod, getPod, podOn, startTestNode } from '../support/kubelet';

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
    await expect.poll(async () => (await api<Node>(node.cp, 'GET', `/api/v1/nodes/${node.nodeName}`)).status?.conditions?.find((c) => c.type === 'Ready')?.status, poll).toBe('True');
    const n = await api<Node>(node.cp, 'GET', `/api/v1/nodes/${node.nodeName}`);
    expect(n.spec?.podCIDR).toBe('10.244.9.0/24');
    expect(n.status?.addresses).toContainEqual({ type: 'InternalIP', address: '127.0.0.1' });
    expect(n.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(node.kubeletPort);
    expect(n.status?.capacity?.pods).toBe('110');
    expect(n.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^docker:\/\//);
    const lease = await api<{ spec: { holderIdentity: string } }>(node.cp, 'GET', `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node.nodeName}`);
    expect(lease.spec.holderIdentity).toBe(node.nodeName);
  });

  it('runs a pod: pause + app container named k8s_…, Running and serving on its pod IP', async () => {
    const created = await createPod(node.cp, podOn(node, 'web', { containers: [{ name: 'httpd', ...busybox, command: ['httpd', '-f', '-p', '8080', '-h', '/www'], ports: [{ containerPort: 8080 }] }] }));
    const uid = created.metadata?.uid;
    await expect.poll(async () => (await getPod(node.cp, 'default', 'web')).status?.phase, poll).toBe('Running');
    const pod = await getPod(node.cp, 'default', 'web');
    expect(pod.status?.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(pod.status?.containerStatuses?.[0]).toMatchObject({ name: 'httpd', ready: true, restartCount: 0, containerID: expect.stringMatching(/^docker:\/\//) });
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    const names = (await nodeContainers(node.nodeName)).map((c) => c.Names[0]);
    expect(names).toContain(`/k8s_POD_web_default_${uid}_0`);
    expect(names).toContain(`/k8s_httpd_web_default_${uid}_0`);
    await expect.poll(async () => (await fetch(`http://${pod.status?.podIP}:8080/`).then((r) => r.text()).catch(() => '')), poll).toBe('hello from nodekube\n');
  });
});
