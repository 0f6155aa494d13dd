import { describe, expect, it } from 'vitest';
import { pod } from '../../testing/builders';
import type { PdbObj } from '../common/objects';
import {
  buildDisruptedPodMap,
  countHealthyPods,
  DELETION_TIMEOUT_MS,
  disruptionsAllowed,
  expectedPodCount,
  pdbStatus,
} from './disruption-math';

describe('expectedPodCount (getExpectedPodCount)', () => {
  it.each([
    // spec,                         matching pods, controllers' scale → expected, desired
    [{ maxUnavailable: 1 }, 3, 3, 3, 2],
    [{ maxUnavailable: '30%' }, 10, 10, 10, 7],
    [{ maxUnavailable: '25%' }, 5, 5, 5, 3], // ceil(1.25) = 2 unavailable
    [{ maxUnavailable: 5 }, 3, 3, 3, 0],
    [{ maxUnavailable: 0 }, 2, 4, 4, 4], // scale, not pods, is expected
    [{ minAvailable: 2 }, 4, 99, 4, 2], // an integer counts the pods (bare pods too)
    [{ minAvailable: 5 }, 1, 99, 1, 5],
    [{ minAvailable: '50%' }, 5, 5, 5, 3], // ceil(2.5)
    [{ minAvailable: '100%' }, 2, 3, 3, 3],
    [{ minAvailable: '0%' }, 3, 3, 3, 0],
    [{}, 3, 3, 0, 0],
  ])('%j, %i pods, scale %i → expected %i, desired %i', (spec, pods, scale, expected, desired) => {
    expect(expectedPodCount(spec, pods, () => scale)).toEqual({
      expectedCount: expected,
      desiredHealthy: desired,
    });
  });

  it('does not ask for the scale for an integer minAvailable', () => {
    expect(() =>
      expectedPodCount({ minAvailable: 1 }, 2, () => {
        throw new Error('no scale');
      }),
    ).not.toThrow();
  });
});

describe('disruptionsAllowed', () => {
  it.each([
    [5, 3, 5, 2],
    [3, 3, 3, 0],
    [2, 3, 3, 0],
    [3, 0, 0, 0], // nothing expected yet: safe
    [4, 0, 4, 4],
  ])('healthy %i, desired %i, expected %i → %i', (healthy, desired, expected, allowed) => {
    expect(disruptionsAllowed(healthy, desired, expected)).toBe(allowed);
  });
});

const now = Date.parse('2026-01-01T00:00:00Z');
const at = (msAgo: number) => new Date(now - msAgo).toISOString();

describe('disruptedPods and healthy pods', () => {
  const pods = [
    pod('ready', { node: 'n1', ready: true }),
    pod('evicted-now', { node: 'n1', ready: true }),
    pod('evicted-long-ago', { node: 'n1', ready: true }),
    pod('terminating', { node: 'n1', ready: true, deleting: true }),
    pod('not-ready', { node: 'n1', ready: false }),
  ];
  const disrupted = {
    'evicted-now': at(30_000),
    'evicted-long-ago': at(DELETION_TIMEOUT_MS + 1000),
    terminating: at(10_000),
    gone: at(10_000),
  };

  it('keeps recent entries of live pods, expires overdue ones, and rechecks at the earliest expiry', () => {
    const r = buildDisruptedPodMap(pods, disrupted, now);
    expect(r.disruptedPods).toEqual({ 'evicted-now': at(30_000) });
    expect(r.expired).toEqual(['evicted-long-ago']);
    expect(r.recheckAt).toBe(now - 30_000 + DELETION_TIMEOUT_MS);
  });

  it('counts Ready pods that are neither terminating nor just evicted', () => {
    const { disruptedPods } = buildDisruptedPodMap(pods, disrupted, now);
    // ready + evicted-long-ago (its entry expired) = 2
    expect(countHealthyPods(pods, disruptedPods, now)).toBe(2);
  });
});

describe('pdbStatus', () => {
  const pdb = (status?: any): PdbObj => ({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web', namespace: 'default', generation: 3 },
    spec: { minAvailable: 2 },
    status,
  });

  it('writes the numbers, observedGeneration and DisruptionAllowed=True/SufficientPods', () => {
    expect(pdbStatus(pdb(), { currentHealthy: 3, desiredHealthy: 2, expectedCount: 3 }, {}, now)).toEqual({
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 3,
      disruptionsAllowed: 1,
      observedGeneration: 3,
      conditions: [
        {
          type: 'DisruptionAllowed',
          status: 'True',
          reason: 'SufficientPods',
          message: '',
          observedGeneration: 3,
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
    });
  });

  it('flips to InsufficientPods with a new transition time; keeps the time when the status holds', () => {
    const before = pdb({
      conditions: [
        {
          type: 'DisruptionAllowed',
          status: 'True',
          reason: 'SufficientPods',
          message: '',
          lastTransitionTime: at(60_000),
        },
      ],
    });
    const down = pdbStatus(before, { currentHealthy: 2, desiredHealthy: 2, expectedCount: 3 }, {}, now);
    expect(down.disruptionsAllowed).toBe(0);
    expect(down.conditions?.[0]).toMatchObject({
      status: 'False',
      reason: 'InsufficientPods',
      lastTransitionTime: '2026-01-01T00:00:00Z',
    });
    const same = pdbStatus(before, { currentHealthy: 4, desiredHealthy: 2, expectedCount: 3 }, {}, now);
    expect(same.conditions?.[0].lastTransitionTime).toBe(at(60_000));
  });
});
