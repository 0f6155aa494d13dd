import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { summarizePod } from './pods';

const now = new Date('2026-11-22T06:00:00Z');

function pod(
  over: { spec?: Partial<Pod['spec']>; status?: Pod['status']; deletionTimestamp?: string } = {},
): Pod {
  return {
    metadata: {
      name: 'web-1',
      creationTimestamp: '2026-11-22T05:47:00Z',
      deletionTimestamp: over.deletionTimestamp,
    },
    spec: { containers: [{ name: 'app', image: 'nginx' }], ...over.spec },
    status: over.status,
  };
}

const running = (name = 'app', ready = true, restartCount = 0): ContainerStatus => ({
  name,
  ready,
  restartCount,
  image: 'nginx',
  imageID: '',
  state: { running: { startedAt: '2026-11-22T05:47:10Z' } },
});
const waiting = (reason: string, restartCount = 0): ContainerStatus => ({
  name: 'app',
  ready: false,
  restartCount,
  image: 'nginx',
  imageID: '',
  state: { waiting: { reason } },
});

describe('summarizePod (READY, STATUS, RESTARTS)', () => {
  it.each<[string, Pod, { ready: string; status: string; restarts: string }]>([
    [
      'pending, unscheduled',
      pod({ status: { phase: 'Pending' } }),
      { ready: '0/1', status: 'Pending', restarts: '0' },
    ],
    [
      'creating its container',
      pod({ status: { phase: 'Pending', containerStatuses: [waiting('ContainerCreating')] } }),
      { ready: '0/1', status: 'ContainerCreating', restarts: '0' },
    ],
    [
      'running and ready',
      pod({ status: { phase: 'Running', containerStatuses: [running()] } }),
      { ready: '1/1', status: 'Running', restarts: '0' },
    ],
    [
      'crash looping, restarted 5m ago',
      pod({
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              ...waiting('CrashLoopBackOff', 4),
              lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-11-22T05:55:00Z' } },
            },
          ],
        },
      }),
      { ready: '0/1', status: 'CrashLoopBackOff', restarts: '4 (5m ago)' },
    ],
    [
      'completed',
      pod({
        status: {
          phase: 'Succeeded',
          containerStatuses: [
            { ...running(), ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          ],
        },
      }),
      { ready: '0/1', status: 'Completed', restarts: '0' },
    ],
    [
      'exited without a reason',
      pod({
        status: {
          phase: 'Failed',
          containerStatuses: [{ ...running(), ready: false, state: { terminated: { exitCode: 137 } } }],
        },
      }),
      { ready: '0/1', status: 'ExitCode:137', restarts: '0' },
    ],
    [
      'terminating',
      pod({
        deletionTimestamp: '2026-11-22T05:59:00Z',
        status: { phase: 'Running', containerStatuses: [running()] },
      }),
      { ready: '1/1', status: 'Terminating', restarts: '0' },
    ],
    [
      'node lost while terminating',
      pod({ deletionTimestamp: '2026-11-22T05:59:00Z', status: { phase: 'Running', reason: 'NodeLost' } }),
      { ready: '0/1', status: 'Unknown', restarts: '0' },
    ],
    [
      'evicted',
      pod({ status: { phase: 'Failed', reason: 'Evicted' } }),
      { ready: '0/1', status: 'Evicted', restarts: '0' },
    ],
    [
      'waiting on its first init container',
      pod({
        spec: { initContainers: [{ name: 'init' }], containers: [{ name: 'app' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [{ ...running('init', false), state: { running: {} } }],
          containerStatuses: [waiting('PodInitializing')],
        },
      }),
      { ready: '0/1', status: 'Init:0/1', restarts: '0' },
    ],
    [
      'init container crash looping',
      pod({
        spec: { initContainers: [{ name: 'init' }], containers: [{ name: 'app' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [{ ...waiting('CrashLoopBackOff', 2), name: 'init' }],
        },
      }),
      { ready: '0/1', status: 'Init:CrashLoopBackOff', restarts: '2' },
    ],
    [
      'init container failed with a signal',
      pod({
        spec: { initContainers: [{ name: 'init' }], containers: [{ name: 'app' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [{ ...running('init'), state: { terminated: { exitCode: 2, signal: 9 } } }],
        },
      }),
      { ready: '0/1', status: 'Init:Signal:9', restarts: '0' },
    ],
    [
      'one of two containers completed, the other running',
      pod({
        spec: { containers: [{ name: 'a' }, { name: 'b' }] },
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [
            { ...running('a'), ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
            running('b'),
          ],
        },
      }),
      { ready: '1/2', status: 'Running', restarts: '0' },
    ],
    [
      'scheduling gated',
      pod({
        status: {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
        },
      }),
      { ready: '0/1', status: 'SchedulingGated', restarts: '0' },
    ],
    [
      'a started sidecar counts toward READY',
      pod({
        spec: { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }], containers: [{ name: 'app' }] },
        status: {
          phase: 'Running',
          conditions: [{ type: 'Initialized', status: 'True' }],
          initContainerStatuses: [{ ...running('proxy'), started: true }],
          containerStatuses: [running()],
        },
      }),
      { ready: '2/2', status: 'Running', restarts: '0' },
    ],
  ])('%s', (_, p, want) => {
    expect(summarizePod(p, now)).toEqual(want);
  });
});
