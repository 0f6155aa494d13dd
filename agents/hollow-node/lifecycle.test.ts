import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { fallbackPodCIDR, nodeInternalIP, PodIPAllocator } from './addresses';
import { nodeNames } from './index';
import { apiTime, nextPodStatus } from './lifecycle';
import { buildLease, buildNode } from './node-object';

const T0 = Date.UTC(2026, 10, 22, 6, 0, 0);
const ctx = { podIP: '10.244.1.2', hostIP: '10.200.0.1', runMs: 1000 };

const pod = (restartPolicy: string, status?: Pod['status'], deleting = false): Pod => ({
  metadata: {
    namespace: 'default',
    name: 'p',
    uid: 'u1',
    ...(deleting ? { deletionTimestamp: apiTime(T0) } : {}),
  },
  spec: { nodeName: 'hollow-0', restartPolicy, containers: [{ name: 'app', image: 'busybox' }] },
  ...(status ? { status } : {}),
});

const running = (startMs: number) => nextPodStatus(pod('Never'), startMs, ctx);
const runningStatus = (restartPolicy: string, startMs = T0) => {
  const a = nextPodStatus(pod(restartPolicy), startMs, ctx);
  if (a.action !== 'status') throw new Error('expected status');
  return a.status;
};

describe('nextPodStatus', () => {
  it.each([
    ['bound, no status yet', pod('Always'), T0, 'status', 'Running'],
    ['bound, Pending', pod('Always', { phase: 'Pending' }), T0, 'status', 'Running'],
    ['Running, restartPolicy Always', pod('Always', runningStatus('Always')), T0 + 60_000, 'none', undefined],
    ['Running Never, 0.4 s in', pod('Never', runningStatus('Never')), T0 + 400, 'recheck', undefined],
    ['Running Never, 1 s in', pod('Never', runningStatus('Never')), T0 + 1000, 'status', 'Succeeded'],
    [
      'Running OnFailure, 5 s in',
      pod('OnFailure', runningStatus('OnFailure')),
      T0 + 5000,
      'status',
      'Succeeded',
    ],
    ['Succeeded', pod('Never', { phase: 'Succeeded' }), T0, 'none', undefined],
    [
      'deleting, containers running',
      pod('Always', runningStatus('Always'), true),
      T0 + 5000,
      'status',
      'Running',
    ],
    ['deleting, never started', pod('Always', undefined, true), T0, 'delete', undefined],
    ['deleting, Succeeded', pod('Never', { phase: 'Succeeded' }, true), T0, 'delete', undefined],
  ])('%s → %s %s', (_n, p, now, action, phase) => {
    const got = nextPodStatus(p, now, ctx);
    expect(got.action).toBe(action);
    if (got.action === 'status') expect(got.status.phase).toBe(phase);
  });

  it('a started pod is Running and Ready with the node and pod IPs and running containers', () => {
    const s = runningStatus('Always');
    expect(s).toMatchObject({
      phase: 'Running',
      hostIP: '10.200.0.1',
      podIP: '10.244.1.2',
      podIPs: [{ ip: '10.244.1.2' }],
      startTime: '2026-11-22T06:00:00Z',
      containerStatuses: [
        {
          name: 'app',
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: '2026-11-22T06:00:00Z' } },
        },
      ],
    });
    expect(s.conditions?.filter((c) => c.status === 'True').map((c) => c.type)).toEqual(
      expect.arrayContaining(['Initialized', 'Ready', 'ContainersReady', 'PodScheduled']),
    );
  });

  it('a completed pod has exit code 0, reason Completed and is no longer Ready', () => {
    const a = nextPodStatus(pod('Never', runningStatus('Never')), T0 + 2000, ctx);
    if (a.action !== 'status') throw new Error('expected status');
    expect(a.status.containerStatuses?.[0].state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
      startedAt: '2026-11-22T06:00:00Z',
      finishedAt: '2026-11-22T06:00:02Z',
    });
    expect(a.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
  });

  it('rechecks exactly when the run time is up', () => {
    expect(nextPodStatus(pod('Never', runningStatus('Never')), T0 + 250, ctx)).toEqual({
      action: 'recheck',
      afterMs: 750,
    });
    expect(running(T0).action).toBe('status');
  });

  it('marks a deleting pod terminated first, then deletes it', () => {
    const first = nextPodStatus(pod('Always', runningStatus('Always'), true), T0 + 5000, ctx);
    if (first.action !== 'status') throw new Error('expected status');
    expect(first.status.containerStatuses?.every((c) => c.state?.terminated)).toBe(true);
    expect(nextPodStatus(pod('Always', first.status, true), T0 + 5001, ctx)).toEqual({ action: 'delete' });
  });
});

describe('hollow addresses and objects', () => {
  it.each([
    [0, '10.200.0.1', '10.128.0.0/24'],
    [249, '10.200.0.250', '10.128.249.0/24'],
    [250, '10.200.1.1', '10.128.250.0/24'],
    [4999, '10.200.19.250', '10.147.135.0/24'],
  ])('node %i → InternalIP %s, fallback pod CIDR %s', (i, ip, cidr) => {
    expect(nodeInternalIP(i)).toBe(ip);
    expect(fallbackPodCIDR(i)).toBe(cidr);
  });

  it('hands out the lowest free pod IP and reuses released ones', () => {
    const a = new PodIPAllocator();
    expect(a.allocate('ns/a', '10.244.3.0/24')).toBe('10.244.3.2');
    expect(a.allocate('ns/b', '10.244.3.0/24')).toBe('10.244.3.3');
    expect(a.allocate('ns/a', '10.244.3.0/24')).toBe('10.244.3.2');
    a.release('ns/a');
    expect(a.allocate('ns/c', '10.244.3.0/24')).toBe('10.244.3.2');
  });

  it('registers a node with capacity, labels, addresses and a Ready condition', () => {
    const n = buildNode({ name: 'hollow-0', internalIP: '10.200.0.1' }, T0);
    expect(n.metadata?.labels).toMatchObject({
      'kubernetes.io/hostname': 'hollow-0',
      'kubernetes.io/os': 'linux',
    });
    expect(n.status?.capacity).toMatchObject({ cpu: '4', memory: '16Gi', pods: '110' });
    expect(n.status?.allocatable).toEqual(n.status?.capacity);
    expect(n.status?.addresses).toEqual([
      { type: 'InternalIP', address: '10.200.0.1' },
      { type: 'Hostname', address: 'hollow-0' },
    ]);
    expect(n.status?.nodeInfo?.containerRuntimeVersion).toBe('hollow://1.0');
    expect(n.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      reason: 'KubeletReady',
    });
  });

  it('builds the node Lease in kube-node-lease, owned by the Node', () => {
    const l = buildLease({ metadata: { name: 'hollow-0', uid: 'n-uid' } }, 40, T0);
    expect(l.metadata).toMatchObject({
      name: 'hollow-0',
      namespace: 'kube-node-lease',
      ownerReferences: [{ kind: 'Node', name: 'hollow-0', uid: 'n-uid' }],
    });
    expect(l.spec).toEqual({
      holderIdentity: 'hollow-0',
      leaseDurationSeconds: 40,
      renewTime: '2026-11-22T06:00:00.000000Z',
    });
  });

  it('names nodes NAME or P-0 … P-(N-1)', () => {
    expect(nodeNames({ name: 'minion1', count: 0, namePrefix: 'x' })).toEqual(['minion1']);
    expect(nodeNames({ name: '', count: 3, namePrefix: 'hollow' })).toEqual([
      'hollow-0',
      'hollow-1',
      'hollow-2',
    ]);
    expect(() => nodeNames({ name: '', count: 0, namePrefix: 'x' })).toThrow(/--name/);
  });
});
