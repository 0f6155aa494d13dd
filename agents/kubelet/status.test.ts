import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { RuntimeContainer } from './runtime/types';
import { computePodStatus, qosClass } from './status';

const NOW = '2026-11-22T06:00:00Z';

function pod(restartPolicy: 'Always' | 'OnFailure' | 'Never' = 'Always', init: string[] = []): Pod {
  return {
    metadata: { name: 'p', namespace: 'default', uid: 'u' },
    spec: {
      restartPolicy,
      initContainers: init.map((name) => ({ name, image: 'img' })),
      containers: [{ name: 'a', image: 'img' }],
    },
    status: {
      conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-11-22T05:00:00Z' }],
    },
  };
}

function c(name: string, state: RuntimeContainer['state'], attempt = 0, exitCode?: number): RuntimeContainer {
  return {
    id: `${name}-${attempt}`,
    name,
    podUid: 'u',
    podName: 'p',
    podNamespace: 'default',
    containerName: name,
    isSandbox: name === 'POD',
    isInit: name.startsWith('init'),
    attempt,
    hash: '',
    image: 'img',
    imageId: 'sha256:1',
    state,
    createdAt: NOW,
    startedAt: '2026-11-22T05:59:00Z',
    finishedAt: state === 'exited' ? '2026-11-22T05:59:30Z' : undefined,
    exitCode: state === 'exited' ? (exitCode ?? 0) : undefined,
    reason: state === 'exited' ? (exitCode ? 'Error' : 'Completed') : undefined,
    ip: name === 'POD' ? '172.17.0.9' : undefined,
  };
}

function status(p: Pod, containers: RuntimeContainer[], waiting: Record<string, string> = {}, ready = true) {
  return computePodStatus({
    pod: p,
    containers,
    hostIP: '10.0.0.1',
    isReady: () => ready,
    waiting: new Map(Object.entries(waiting).map(([k, reason]) => [k, { reason }])),
    now: NOW,
  });
}

const cond = (s: ReturnType<typeof status>, type: string) =>
  s.conditions?.find((c) => c.type === type)?.status;

describe('computePodStatus', () => {
  it('a new pod is Pending with ContainerCreating', () => {
    const s = status(pod(), []);
    expect(s.phase).toBe('Pending');
    expect(s.containerStatuses?.[0].state).toEqual({ waiting: { reason: 'ContainerCreating' } });
    expect(cond(s, 'Ready')).toBe('False');
    expect(s.podIP).toBeUndefined();
  });

  it('a running ready pod: Running, Ready, pod IP from the sandbox', () => {
    const s = status(pod(), [c('POD', 'running'), c('a', 'running')]);
    expect(s).toMatchObject({
      phase: 'Running',
      podIP: '172.17.0.9',
      hostIP: '10.0.0.1',
      qosClass: 'BestEffort',
    });
    expect(s.containerStatuses?.[0]).toMatchObject({
      ready: true,
      restartCount: 0,
      containerID: 'docker://a-0',
      state: { running: {} },
    });
    expect(['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((t) => cond(s, t))).toEqual([
      'True',
      'True',
      'True',
      'True',
    ]);
    expect(s.conditions?.find((x) => x.type === 'PodScheduled')?.lastTransitionTime).toBe(
      '2026-11-22T05:00:00Z',
    );
  });

  it('readiness failing: Running but not Ready', () => {
    const s = status(pod(), [c('POD', 'running'), c('a', 'running')], {}, false);
    expect(s.phase).toBe('Running');
    expect(s.conditions?.find((x) => x.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [a]',
    });
  });

  it('crash loop: waiting CrashLoopBackOff, last state terminated, restartCount from the attempt', () => {
    const s = status(pod(), [c('POD', 'running'), c('a', 'exited', 2, 1), c('a', 'exited', 1, 1)], {
      a: 'CrashLoopBackOff',
    });
    expect(s.phase).toBe('Running');
    expect(s.containerStatuses?.[0]).toMatchObject({
      restartCount: 2,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', containerID: 'docker://a-2' } },
    });
  });

  it.each([
    ['OnFailure', 0, 'Succeeded'],
    ['Never', 0, 'Succeeded'],
    ['Never', 1, 'Failed'],
    ['Always', 0, 'Running'],
  ] as const)('restartPolicy %s, exit %i → %s', (policy, code, phase) => {
    const s = status(pod(policy), [c('POD', 'exited'), c('a', 'exited', 0, code)]);
    expect(s.phase).toBe(phase);
    if (phase !== 'Running')
      expect(s.conditions?.find((x) => x.type === 'Ready')?.reason).toBe('PodCompleted');
  });

  it('init containers: Pending and not Initialized until they succeed', () => {
    const s = status(pod('Always', ['init1']), [c('POD', 'running'), c('init1', 'running')]);
    expect(s.phase).toBe('Pending');
    expect(s.conditions?.find((x) => x.type === 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
    });
    expect(s.initContainerStatuses?.[0].state?.running).toBeDefined();
    const failed = status(pod('Never', ['init1']), [c('POD', 'running'), c('init1', 'exited', 0, 1)]);
    expect(failed.phase).toBe('Failed');
  });

  it('image errors show as the waiting reason', () => {
    const s = status(pod(), [c('POD', 'running')], { a: 'ErrImageNeverPull' });
    expect(s.phase).toBe('Pending');
    expect(s.containerStatuses?.[0].state?.waiting?.reason).toBe('ErrImageNeverPull');
  });

  it('qosClass', () => {
    expect(qosClass([{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } }])).toBe('Guaranteed');
    expect(qosClass([{ name: 'a', resources: { requests: { cpu: '100m' } } }])).toBe('Burstable');
    expect(qosClass([{ name: 'a' }])).toBe('BestEffort');
  });
});
