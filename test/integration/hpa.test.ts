// The horizontal pod autoscaler end to end (issue 11), with real parts only: etcd, the apiserver
// collecting metrics.k8s.io from a real kubelet on this machine's Docker, the controller-manager
// (deployment, replicaset and autoscaler controllers), and the real kubectl.
//
// `burn` runs a busy loop for 40 s, then sleeps; its CPU limit (100m) keeps the cost low while its
// request (20m) makes it ~500 % of request, far above the 50 % target. The autoscaler scales it up
// to its max of 4 (every new pod burns its own 40 s too); once all are idle and the shortened
// downscale stabilization (20 s) has passed, it scales down to 1. Sync period 3 s, resolution 3 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { R } from '../../agents/api/resources';
import type { KubeObject } from '../../agents/api/types';
import { type ApiClient, createClient } from '../../agents/client';
import { type ControlPlane, startControlPlane } from '../support/apiserver';
import { BUSYBOX_IMAGE } from '../support/docker';
import { kubectl } from '../support/kubectl';
import { startTestNode, type TestNode } from '../support/kubelet';
import { freePort } from '../support/ports';
import { type Started, startAgent, waitForHttpOk } from '../support/process';

let cp: ControlPlane;
let node: TestNode;
let cm: Started;
let client: ApiClient;

const deployment = (name: string, command: string, cpu: { request: string; limit: string }) =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          // No scheduler here: the pods go straight to the one real node.
          nodeName: node.nodeName,
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'app',
              image: BUSYBOX_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '-c', command],
              resources: {
                requests: { cpu: cpu.request, memory: '8Mi' },
                limits: { cpu: cpu.limit, memory: '32Mi' },
              },
            },
          ],
        },
      },
    },
  }) as KubeObject;

const replicas = async (name: string) =>
  ((await client.get(R.deployments, 'default', name)).spec as { replicas: number }).replicas;

beforeAll(async () => {
  cp = await startControlPlane({ name: 'apiserver-hpa', flags: ['--metric-resolution=3s'] });
  client = createClient({ baseUrl: cp.url });
  node = await startTestNode('hpa', cp);
  const port = await freePort();
  cm = startAgent('controller-manager-hpa', 'controller-manager', [
    `--master=${cp.url}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    '--leader-elect=false',
    '--horizontal-pod-autoscaler-sync-period=3s',
    '--horizontal-pod-autoscaler-downscale-stabilization=20s',
  ]);
  await waitForHttpOk(`http://127.0.0.1:${port}/healthz`, 60_000, cm.logFile);
  await client.create(
    R.deployments,
    deployment('burn', 'timeout 40 sh -c "while :; do :; done"; exec sleep 3600', {
      request: '20m',
      limit: '100m',
    }),
  );
  await client.create(
    R.deployments,
    deployment('idle', 'exec sleep 3600', { request: '50m', limit: '100m' }),
  );
});

afterAll(async () => {
  for (const name of ['burn', 'idle'])
    await client?.delete(R.deployments, 'default', name).catch(() => undefined);
  await cm?.stop();
  await node?.stop();
  // Held apart from the node: when the node cannot start (no Docker), the control plane still stops.
  await cp?.stop();
});

describe('horizontal pod autoscaling on real CPU usage', () => {
  it('kubectl 1.27 autoscale (autoscaling/v1) and 1.33 (autoscaling/v2, protobuf) create autoscalers', async () => {
    const k27 = await kubectl(
      '1.27',
      node.cp.url,
    )(['autoscale', 'deployment', 'burn', '--min=1', '--max=4', '--cpu-percent=50']);
    expect(k27.stdout.trim()).toBe('horizontalpodautoscaler.autoscaling/burn autoscaled');
    const k33 = await kubectl(
      '1.33',
      node.cp.url,
    )(['autoscale', 'deployment', 'idle', '--min=1', '--max=3', '--cpu-percent=80']);
    expect(k33.stdout.trim()).toBe('horizontalpodautoscaler.autoscaling/idle autoscaled');
    // Stored as v2 either way; read back as v1 the CPU target is targetCPUUtilizationPercentage.
    const v1 = JSON.parse(
      (await kubectl('1.27', node.cp.url)(['get', 'hpa.v1.autoscaling', 'idle', '-o', 'json'])).stdout,
    );
    expect(v1).toMatchObject({
      apiVersion: 'autoscaling/v1',
      spec: { minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 80 },
    });
  });

  it('scales the busy deployment up to its max, kubectl get hpa showing the utilization', async () => {
    await expect.poll(() => replicas('burn'), { timeout: 120_000, interval: 1000 }).toBe(4);
    const table = await kubectl('1.27', node.cp.url)(['get', 'hpa']);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE\s*$/,
    );
    expect(table.stdout).toMatch(
      /^burn\s+Deployment\/burn\s+cpu: (\d+%|<unknown>)\/50%\s+1\s+4\s+\d+\s+\d+s\s*$/m,
    );
    // The idle deployment's autoscaler measures it and leaves it alone.
    await expect
      .poll(async () => (await kubectl('1.33', node.cp.url)(['get', 'hpa', 'idle'])).stdout, {
        timeout: 60_000,
        interval: 2000,
      })
      .toMatch(/^idle\s+Deployment\/idle\s+cpu: \d+%\/80%\s+1\s+3\s+1\s+/m);
  });

  it('scales down once the pods are idle and the stabilization window has passed', async () => {
    await expect.poll(() => replicas('burn'), { timeout: 180_000, interval: 2000 }).toBe(1);
    const describe = await kubectl('1.33', node.cp.url)(['describe', 'hpa', 'burn']);
    expect(describe.stdout).toMatch(
      /Normal\s+SuccessfulRescale\s+.*horizontal-pod-autoscaler\s+New size: 4; reason: cpu resource utilization \(percentage of request\) above target/,
    );
    expect(describe.stdout).toMatch(
      /Normal\s+SuccessfulRescale\s+.*New size: 1; reason: All metrics below target/,
    );
    expect(describe.stdout).toMatch(/AbleToScale\s+True\s+\w+/);
    expect(describe.stdout).toMatch(/ScalingActive\s+True\s+ValidMetricFound/);
  });

  it('an autoscaler whose target does not exist reports FailedGetScale; a v1 patch keeps v2-only fields', async () => {
    const memory = {
      type: 'Resource',
      resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } },
    };
    const behavior = { scaleDown: { stabilizationWindowSeconds: 60 } };
    await client.create(R.horizontalpodautoscalers, {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'ghost', namespace: 'default' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'ghost' },
        maxReplicas: 3,
        metrics: [memory],
        behavior,
      },
    } as KubeObject);
    const patched = await kubectl(
      '1.27',
      node.cp.url,
    )(['patch', 'hpa.v1.autoscaling', 'ghost', '-p', '{"spec":{"maxReplicas":5}}']);
    expect(patched.stdout.trim()).toBe('horizontalpodautoscaler.autoscaling/ghost patched');
    const v2 = await client.get<KubeObject>(R.horizontalpodautoscalers, 'default', 'ghost');
    expect(v2.spec).toMatchObject({
      maxReplicas: 5,
      metrics: [memory],
      behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
    });
    expect(v2.metadata?.annotations).toBeUndefined();
    await expect
      .poll(async () => (await kubectl('1.27', node.cp.url)(['describe', 'hpa', 'ghost'])).stdout, {
        timeout: 30_000,
        interval: 1000,
      })
      .toMatch(/Warning\s+FailedGetScale\s+.*deployments\.apps "ghost" not found/);
  });
});
