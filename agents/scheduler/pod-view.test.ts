import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { schedulingView } from './pod-view';

const at = '2026-12-03T21:42:13Z';
const running: Pod = {
  metadata: { name: 'web-1', namespace: 'default', resourceVersion: '42', labels: { app: 'web' } },
  spec: { nodeName: 'minion1', containers: [{ name: 'app', image: 'nginx' }] },
  status: {
    phase: 'Running',
    nominatedNodeName: 'minion1',
    conditions: [
      { type: 'Ready', status: 'True', lastTransitionTime: at },
      { type: 'PodScheduled', status: 'True', lastTransitionTime: at },
    ],
    hostIP: '192.168.200.101',
    podIP: '10.244.1.7',
    startTime: at,
    containerStatuses: [
      {
        name: 'app',
        image: 'nginx',
        imageID: 'x',
        ready: true,
        restartCount: 0,
        state: { running: { startedAt: at } },
      },
    ],
  },
};

describe('schedulingView', () => {
  it('keeps metadata and spec whole, and of the status the phase, the nomination and PodScheduled', () => {
    const view = schedulingView(running);
    expect(view.metadata).toBe(running.metadata);
    expect(view.spec).toBe(running.spec);
    expect(view.status).toEqual({
      phase: 'Running',
      nominatedNodeName: 'minion1',
      conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: at }],
    });
  });

  it('leaves the pod it was given as it was (informers share what they decoded)', () => {
    const before = structuredClone(running);
    schedulingView(running);
    expect(running).toEqual(before);
  });

  it('gives a pending pod with no status back as it is, and adds no fields a pod did not have', () => {
    const pending: Pod = { metadata: { name: 'p' }, spec: { containers: [] } };
    expect(schedulingView(pending)).toBe(pending);
    expect(schedulingView({ ...pending, status: { phase: 'Pending' } }).status).toEqual({ phase: 'Pending' });
  });
});
