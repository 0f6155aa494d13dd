import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { computePodActions, hashContainer } from './pod-actions';
import type { RuntimeContainer } from './runtime/types';

function pod(restartPolicy: 'Always' | 'OnFailure' | 'Never', init: string[] = [], apps = ['a', 'b']): Pod {
  return {
    metadata: { name: 'p', namespace: 'default', uid: 'u' },
    spec: {
      restartPolicy,
      initContainers: init.map((name) => ({ name, image: 'i' })),
      containers: apps.map((name) => ({ name, image: 'i' })),
    },
  };
}

let n = 0;
function c(
  name: string,
  state: RuntimeContainer['state'],
  extra: Partial<RuntimeContainer> = {},
): RuntimeContainer {
  n++;
  const p = pod('Always');
  const spec = p.spec?.containers.find((x) => x.name === name);
  return {
    id: `id-${name}-${n}`,
    name: `k8s_${name}`,
    podUid: 'u',
    podName: 'p',
    podNamespace: 'default',
    containerName: name,
    isSandbox: name === 'POD',
    isInit: name.startsWith('init'),
    attempt: 0,
    hash: spec ? hashContainer(spec) : '',
    image: 'i',
    imageId: 'sha',
    state,
    createdAt: `2026-01-01T00:00:0${n % 10}Z`,
    exitCode: state === 'exited' ? 0 : undefined,
    ...extra,
  };
}

describe('computePodActions', () => {
  it('new pod: create the sandbox and start every app container', () => {
    expect(computePodActions(pod('Always'), [])).toEqual({
      killPod: false,
      createSandbox: true,
      sandboxAttempt: 0,
      containersToStart: [0, 1],
      containersToKill: [],
    });
  });

  it('new pod with init containers: sandbox, then the first init container only', () => {
    const a = computePodActions(pod('Always', ['init1', 'init2']), []);
    expect(a).toMatchObject({ createSandbox: true, nextInitContainer: 0, containersToStart: [] });
  });

  it('dead sandbox: kill what runs and recreate with the next attempt', () => {
    const a = computePodActions(pod('Always'), [c('POD', 'exited', { attempt: 2 }), c('a', 'running')]);
    expect(a).toMatchObject({
      killPod: true,
      createSandbox: true,
      sandboxAttempt: 3,
      containersToStart: [0, 1],
    });
  });

  it('dead sandbox of a Never pod whose containers ran: nothing is recreated', () => {
    const a = computePodActions(pod('Never'), [c('POD', 'exited'), c('a', 'exited'), c('b', 'exited')]);
    expect(a).toMatchObject({ createSandbox: false, containersToStart: [] });
  });

  it('steady state: nothing to do', () => {
    const a = computePodActions(pod('Always'), [c('POD', 'running'), c('a', 'running'), c('b', 'running')]);
    expect(a).toMatchObject({
      killPod: false,
      createSandbox: false,
      containersToStart: [],
      containersToKill: [],
    });
  });

  it.each([
    // policy, exit code, restarted?
    ['Always', 0, true],
    ['Always', 1, true],
    ['OnFailure', 0, false],
    ['OnFailure', 2, true],
    ['Never', 1, false],
  ] as const)('restartPolicy %s, exit %i → restart %s', (policy, exitCode, restart) => {
    const a = computePodActions(pod(policy), [
      c('POD', 'running'),
      c('a', 'exited', { exitCode }),
      c('b', 'running'),
    ]);
    expect(a.containersToStart).toEqual(restart ? [0] : []);
  });

  it('init containers run in order, one at a time', () => {
    const p = pod('Always', ['init1', 'init2']);
    const waiting = computePodActions(p, [c('POD', 'running'), c('init1', 'running')]);
    expect(waiting.nextInitContainer).toBeUndefined();
    expect(waiting.containersToStart).toEqual([]);
    expect(computePodActions(p, [c('POD', 'running'), c('init1', 'exited')])).toMatchObject({
      nextInitContainer: 1,
      containersToStart: [],
    });
    expect(
      computePodActions(p, [c('POD', 'running'), c('init1', 'exited'), c('init2', 'exited')]),
    ).toMatchObject({ containersToStart: [0, 1] });
  });

  it('a failed init container is retried, except under restartPolicy Never which fails the pod', () => {
    const failed = [c('POD', 'running'), c('init1', 'exited', { exitCode: 1 })];
    expect(computePodActions(pod('OnFailure', ['init1']), failed)).toMatchObject({
      nextInitContainer: 0,
      killPod: false,
    });
    const never = computePodActions(pod('Never', ['init1']), failed);
    expect(never.nextInitContainer).toBeUndefined();
    expect(never.killPod).toBe(true);
  });

  it('a failed liveness probe kills and restarts the container', () => {
    const a = c('a', 'running');
    const actions = computePodActions(pod('Always'), [c('POD', 'running'), a, c('b', 'running')], {
      livenessFailed: new Set([a.id]),
    });
    expect(actions.containersToKill).toEqual([
      { id: a.id, name: 'a', reason: 'Container failed liveness probe' },
    ]);
    expect(actions.containersToStart).toEqual([0]);
  });

  it('a changed container spec kills and restarts the container', () => {
    const actions = computePodActions(pod('Always'), [
      c('POD', 'running'),
      c('a', 'running', { hash: 'old' }),
      c('b', 'running'),
    ]);
    expect(actions.containersToKill.map((k) => k.reason)).toEqual(['Container definition changed']);
    expect(actions.containersToStart).toEqual([0]);
  });

  it('looks only at the latest attempt of each container', () => {
    const actions = computePodActions(pod('OnFailure'), [
      c('POD', 'running'),
      c('a', 'exited', { attempt: 0, exitCode: 1 }),
      c('a', 'exited', { attempt: 1, exitCode: 0 }),
      c('b', 'running'),
    ]);
    expect(actions.containersToStart).toEqual([]);
  });
});
