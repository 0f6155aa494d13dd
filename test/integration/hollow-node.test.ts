// Hollow nodes against a real apiserver: one process registers two Nodes, renews their Leases,
// runs pods bound to them (Running with IPs; Never pods Succeeded), honours deletion, and when the
// process is killed its Leases stop being renewed (how tests make nodes die). Nodes advertise
// 127.0.0.1 and the hollow kubelet endpoint's port, so `kubectl logs` of their pods stays on this
// machine and answers "hollow node: no containers" (issue 13).
import type { Lease } from 'kubernetes-types/coordination/v1';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotFound } from '../../agents/api/errors';
import { R } from '../../agents/api/resources';
import type { KubeObject } from '../../agents/api/types';
import { type ApiClient, createClient } from '../../agents/client';
import { type ControlPlane, startControlPlane } from '../support/apiserver';
import { kubectl } from '../support/kubectl';
import { freePort } from '../support/ports';
import { type Started, startAgent, waitForHttpOk } from '../support/process';

type P = Pod & KubeObject;
let cp: ControlPlane;
let client: ApiClient;
let hollow: Started;
let kubeletPort: number;

const boundPod = (name: string, node: string, restartPolicy = 'Always'): P =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: node, restartPolicy, containers: [{ name: 'app', image: 'busybox' }] },
  }) as P;
const getPod = (name: string) => client.get<P>(R.pods, 'default', name);
const leaseRenewTime = async (node: string) =>
  (await client.get<Lease & KubeObject>(R.leases, 'kube-node-lease', node)).spec?.renewTime;

beforeAll(async () => {
  cp = await startControlPlane({ name: 'apiserver-hollow-test' });
  client = createClient({ baseUrl: cp.url });
  const port = await freePort();
  kubeletPort = await freePort();
  hollow = startAgent('hollow-it', 'hollow-node', [
    `--master=${cp.url}`,
    '--count=2',
    '--name-prefix=hollow-it',
    '--node-status-update-frequency=1s',
    '--pod-run-seconds=1',
    `--port=${port}`,
    `--kubelet-port=${kubeletPort}`,
  ]);
  await waitForHttpOk(`http://127.0.0.1:${port}/healthz`, 60_000, hollow.logFile);
});

afterAll(async () => {
  await hollow?.stop();
  await cp?.stop();
});

describe('hollow-node', () => {
  it('registers Ready nodes with capacity, addresses and node info', async () => {
    await expect
      .poll(
        async () => (await client.list<Node & KubeObject>(R.nodes)).items.map((n) => n.metadata?.name).sort(),
        { timeout: 30_000 },
      )
      .toEqual(['hollow-it-0', 'hollow-it-1']);
    const node = await client.get<Node & KubeObject>(R.nodes, undefined, 'hollow-it-1');
    expect(node.status?.capacity).toMatchObject({ cpu: '4', memory: '16Gi', pods: '110' });
    expect(node.status?.addresses).toEqual([
      { type: 'InternalIP', address: '127.0.0.1' },
      { type: 'Hostname', address: 'hollow-it-1' },
    ]);
    expect(node.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(kubeletPort);
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toBe('hollow://1.0');
    expect(node.metadata?.labels?.['kubernetes.io/hostname']).toBe('hollow-it-1');
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('renews each node Lease in kube-node-lease', async () => {
    await expect
      .poll(() => leaseRenewTime('hollow-it-0').catch(() => undefined), { timeout: 30_000 })
      .toBeTruthy();
    const first = await leaseRenewTime('hollow-it-0');
    await expect.poll(() => leaseRenewTime('hollow-it-0'), { timeout: 10_000 }).not.toBe(first);
  });

  it('runs a bound pod: Running, Ready, with a pod IP and running containers', async () => {
    await client.create(R.pods, boundPod('run-1', 'hollow-it-0'));
    await expect.poll(async () => (await getPod('run-1')).status?.phase, { timeout: 30_000 }).toBe('Running');
    const pod = await getPod('run-1');
    expect(pod.status?.podIP).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(pod.status?.hostIP).toBe('127.0.0.1');
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(pod.status?.containerStatuses?.[0]).toMatchObject({
      name: 'app',
      ready: true,
      state: { running: {} },
    });
  });

  it('answers kubectl logs and exec of its pods from loopback: "hollow node: no containers"', async () => {
    const k = kubectl('1.33', cp.url);
    const logs = await k(['logs', 'run-1']);
    expect(logs.code).not.toBe(0);
    expect(logs.stderr).toContain('Error from server (BadRequest): hollow node: no containers');
    const exec = await k(['exec', 'run-1', '--', 'true']);
    expect(exec.code).not.toBe(0);
    expect(exec.stderr).toContain('hollow node: no containers');
  });

  it('completes a restartPolicy Never pod as Succeeded with exit code 0', async () => {
    await client.create(R.pods, boundPod('once-1', 'hollow-it-1', 'Never'));
    await expect
      .poll(async () => (await getPod('once-1')).status?.phase, { timeout: 30_000 })
      .toBe('Succeeded');
    expect((await getPod('once-1')).status?.containerStatuses?.[0].state?.terminated?.exitCode).toBe(0);
  });

  it('honours deletion: the pod goes away', async () => {
    await client.delete(R.pods, 'default', 'run-1');
    await expect
      .poll(
        () =>
          getPod('run-1').then(
            () => 'present',
            (err) => (isNotFound(err) ? 'gone' : String(err)),
          ),
        { timeout: 30_000 },
      )
      .toBe('gone');
  });

  it('stops renewing Leases once the process is killed', async () => {
    await hollow.kill();
    const frozen = await leaseRenewTime('hollow-it-1');
    await new Promise((r) => setTimeout(r, 2500));
    expect(await leaseRenewTime('hollow-it-1')).toBe(frozen);
  });
});
