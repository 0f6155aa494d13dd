// Resource metrics end to end (issue 11): a real kubelet on this machine's Docker runs a
// busy-loop pod; its /stats/summary shows the pod's CPU from the cgroup; the apiserver collects
// /metrics/resource and serves metrics.k8s.io; the real kubectl prints `top` tables from it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane } from '../support/apiserver';
import { BUSYBOX_IMAGE } from '../support/docker';
import { kubectl } from '../support/kubectl';
import { createPod, podOn, startTestNode, type TestNode } from '../support/kubelet';

let node: TestNode;
let cp: Awaited<ReturnType<typeof startControlPlane>> | undefined;
const poll = { timeout: 90_000, interval: 1000 };

beforeAll(async () => {
  // A short resolution keeps the test short; the default is 10 s.
  cp = await startControlPlane({ name: 'apiserver-metrics', flags: ['--metric-resolution=3s'] });
  node = await startTestNode('metrics', cp);
  // A busy loop held to a fifth of a core by its CPU limit (CFS quota), so it costs little here.
  await createPod(
    node.cp,
    podOn(node, 'burn', {
      containers: [
        {
          name: 'loop',
          image: BUSYBOX_IMAGE,
          imagePullPolicy: 'IfNotPresent',
          command: ['sh', '-c', 'while :; do :; done'],
          resources: { requests: { cpu: '100m', memory: '16Mi' }, limits: { cpu: '200m', memory: '32Mi' } },
        },
      ],
    }),
  );
});

afterAll(async () => {
  // The control plane by its own name: when the node fails to start, `node` is unset.
  await node?.stop();
  await cp?.stop();
});

interface PodStats {
  podRef: { name: string };
  cpu: { usageNanoCores?: number };
  containers: Array<{ name: string; cpu: { usageNanoCores?: number }; memory: { workingSetBytes: number } }>;
}

describe('resource metrics from a real kubelet', () => {
  it('/stats/summary shows the busy loop using CPU, measured from its cgroup', async () => {
    const burn = async () => {
      const summary = (await (await fetch(`http://127.0.0.1:${node.kubeletPort}/stats/summary`)).json()) as {
        node: { nodeName: string; cpu?: { usageNanoCores?: number }; memory?: { workingSetBytes: number } };
        pods: PodStats[];
      };
      expect(summary.node.nodeName).toBe(node.nodeName);
      return summary.pods.find((p) => p.podRef.name === 'burn');
    };
    await expect.poll(async () => (await burn())?.cpu.usageNanoCores ?? 0, poll).toBeGreaterThan(50_000_000);
    const pod = await burn();
    // The limit holds it near 200m (a loaded machine may give it less).
    expect(pod?.containers[0].cpu.usageNanoCores).toBeLessThan(260_000_000);
    expect(pod?.containers[0].memory.workingSetBytes).toBeGreaterThan(0);
    const text = await (await fetch(`http://127.0.0.1:${node.kubeletPort}/metrics/resource`)).text();
    expect(text).toMatch(
      /^container_cpu_usage_seconds_total\{container="loop",namespace="default",pod="burn"\} [\d.e+]+ \d{13}$/m,
    );
    expect(text).toMatch(/^node_memory_working_set_bytes [\d.e+]+ \d{13}$/m);
    expect(text).toContain('scrape_error 0');
  });

  it('kubectl 1.27 top pods prints the pod with its CPU (and --containers, -A)', async () => {
    const k = kubectl('1.27', node.cp.url);
    let out = '';
    await expect
      .poll(async () => {
        const r = await k(['top', 'pods']);
        out = r.stdout;
        return Number(/^burn\s+(\d+)m\s+\d+Mi\s*$/m.exec(r.stdout)?.[1] ?? 0);
      }, poll)
      .toBeGreaterThan(50);
    expect(out.split('\n')[0]).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/);
    const containers = await k(['top', 'pods', '--containers']);
    expect(containers.stdout.split('\n')[0]).toMatch(/^POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/);
    expect(containers.stdout).toMatch(/^burn\s+loop\s+[1-9]\d*m\s+\d+Mi\s*$/m);
    const all = await k(['top', 'pods', '-A']);
    expect(all.stdout).toMatch(/^default\s+burn\s+[1-9]\d*m\s+\d+Mi\s*$/m);
  });

  it('kubectl 1.33 top nodes prints the node with non-zero CPU and memory', async () => {
    const k = kubectl('1.33', node.cp.url);
    const r = await k(['top', 'nodes']);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toMatch(
      /^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)\s*$/,
    );
    const row = new RegExp(`^${node.nodeName}\\s+(\\d+)m\\s+(\\d+)%\\s+(\\d+)Mi\\s+(\\d+)%\\s*$`, 'm').exec(
      r.stdout,
    );
    expect(row, r.stdout).not.toBeNull();
    expect(Number(row?.[1])).toBeGreaterThan(0);
    expect(Number(row?.[3])).toBeGreaterThan(0);
  });

  it('kubectl top pod missing is NotFound', async () => {
    for (const v of ['1.27', '1.33']) {
      const r = await kubectl(v, node.cp.url)(['top', 'pod', 'missing']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('Error from server (NotFound): pods "missing" not found');
    }
  });
});
