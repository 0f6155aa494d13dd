import { describe, expect, it } from 'vitest';
import {
  cleanupUnhealthy,
  maxScaledDown,
  newRSReplicasRolling,
  proportionalScale,
  resolveFenceposts,
  scaleDownOld,
} from './rollout-math';

describe('resolveFenceposts', () => {
  it.each([
    // maxSurge, maxUnavailable, replicas → surge, unavailable
    [3, 2, 10, 3, 2],
    ['25%', '25%', 10, 3, 2],
    [undefined, undefined, 4, 1, 1],
    ['25%', '25%', 1, 1, 0],
    [0, 0, 5, 0, 1],
    [1, 0, 6, 1, 0],
    ['50%', '10%', 3, 2, 0],
  ])('surge %s, unavailable %s of %i → %i, %i', (s, u, n, surge, unavailable) => {
    expect(resolveFenceposts(s, u, n)).toEqual({ surge, unavailable });
  });
});

describe('newRSReplicasRolling', () => {
  it.each([
    // replicas, surge, allPods, newRS → next newRS
    [10, 3, 10, 0, 3],
    [10, 3, 13, 3, 3],
    [10, 3, 11, 3, 5],
    [10, 3, 10, 8, 10],
    [6, 1, 6, 0, 1],
    [3, 1, 7, 6, 3], // scaled down mid-rollout: the new RS shrinks to the new size
  ])('%i replicas, surge %i, %i pods, new RS %i → %i', (r, s, all, cur, next) => {
    expect(newRSReplicasRolling(r, s, all, cur)).toBe(next);
  });
});

describe('maxScaledDown', () => {
  it('10 replicas, unavailable 2, 13 pods, 3 new not available → 2', () => {
    expect(maxScaledDown(10, 2, 13, 3)).toBe(2);
  });
  it('6 replicas, unavailable 0, 7 pods, new one available → 1', () => {
    expect(maxScaledDown(6, 0, 7, 0)).toBe(1);
  });
});

describe('old ReplicaSet scale-down', () => {
  it('cleans up unhealthy pods first, oldest ReplicaSet first', () => {
    const plan = cleanupUnhealthy(
      [
        { name: 'v1', replicas: 3, available: 2 },
        { name: 'v2', replicas: 4, available: 1 },
      ],
      3,
    );
    expect(Object.fromEntries(plan)).toEqual({ v1: 2, v2: 2 });
  });
  it('removes available pods only down to minAvailable', () => {
    const plan = scaleDownOld([{ name: 'v1', replicas: 6, available: 6 }], 7, 6);
    expect(Object.fromEntries(plan)).toEqual({ v1: 5 });
    expect(scaleDownOld([{ name: 'v1', replicas: 6, available: 6 }], 6, 6).size).toBe(0);
  });
});

describe('proportionalScale', () => {
  it.each([
    // old, new, allowed → old, new
    [6, 4, 20, 12, 8],
    [6, 4, 5, 3, 2],
    [5, 2, 10, 8, 2], // shares 2 and 0, the leftover 1 goes to the largest
  ])('old %i + new %i, allowed %i → old %i, new %i', (o, n, allowed, o2, n2) => {
    const plan = proportionalScale(
      [
        { name: 'old', replicas: o, available: o },
        { name: 'new', replicas: n, available: n },
      ],
      allowed,
    );
    expect({ old: plan.get('old') ?? o, new: plan.get('new') ?? n }).toEqual({ old: o2, new: n2 });
  });
});
