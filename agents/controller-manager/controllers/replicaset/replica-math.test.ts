import { describe, expect, it } from 'vitest';
import { pod } from '../../testing/builders';
import { calculateStatus, podsToDelete, replicaDiff } from './replica-math';

describe('podsToDelete (ActivePods order)', () => {
  it('prefers unscheduled, then pending, then not ready, then the newest', () => {
    const pods = [
      pod('ready-old', {
        node: 'n1',
        ready: true,
        created: '2025-01-01T00:00:00Z',
        readySince: '2025-01-01T00:01:00Z',
      }),
      pod('ready-new', {
        node: 'n1',
        ready: true,
        created: '2025-06-01T00:00:00Z',
        readySince: '2025-06-01T00:00:00Z',
      }),
      pod('not-ready', { node: 'n1', ready: false }),
      pod('pending', { node: 'n1', phase: 'Pending' }),
      pod('unscheduled', {}),
    ];
    expect(podsToDelete(pods, 5).map((p) => p.metadata?.name)).toEqual([
      'unscheduled',
      'pending',
      'not-ready',
      'ready-new',
      'ready-old',
    ]);
    expect(podsToDelete(pods, 2).map((p) => p.metadata?.name)).toEqual(['unscheduled', 'pending']);
  });
});

describe('replicaDiff', () => {
  it.each([
    [0, 3, 3],
    [5, 3, -2],
    [3, 3, 0],
    [0, 1000, 500],
    [1000, 0, -500],
  ])('active %i, want %i → %i', (active, want, diff) => {
    expect(replicaDiff(active, want)).toBe(diff);
  });
});

describe('calculateStatus', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('counts replicas, fully labelled, ready and available (minReadySeconds 60)', () => {
    const pods = [
      pod('a', {
        labels: { app: 'web', tier: 'fe' },
        node: 'n1',
        ready: true,
        readySince: '2025-12-31T23:58:00Z',
      }),
      pod('b', {
        labels: { app: 'web', tier: 'fe' },
        node: 'n1',
        ready: true,
        readySince: '2025-12-31T23:59:30Z',
      }),
      pod('c', { labels: { app: 'web' }, node: 'n1', ready: false }),
    ];
    const status = calculateStatus(pods, {
      selector: { matchLabels: { app: 'web' } },
      templateLabels: { app: 'web', tier: 'fe' },
      minReadySeconds: 60,
      generation: 4,
      now,
    });
    expect(status).toEqual({
      replicas: 3,
      fullyLabeledReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 1,
      observedGeneration: 4,
    });
  });
});
