import { describe, expect, it } from 'vitest';
import { DEFAULT_SCALE_DOWN, DEFAULT_SCALE_UP, withDefaultRules } from '../../../api/hpa-behavior';
import {
  type AutoscalerMemory,
  emptyMemory,
  normalizeDesiredReplicas,
  normalizeWithBehaviors,
  recordScaleEvent,
  scaleDownLimitWithRules,
  scaleUpLimitWithRules,
  withRules,
} from './normalize';

const T = 1_000_000_000;
const s = (sec: number) => sec * 1000;
const memory = (recs: Array<[number, number]>): AutoscalerMemory => ({
  ...emptyMemory(),
  recommendations: recs.map(([replicas, secondsAgo]) => ({ replicas, atMs: T - s(secondsAgo) })),
});

describe('without behavior', () => {
  const base = { minReplicas: 1, maxReplicas: 10, downscaleStabilizationMs: s(300), nowMs: T };

  it.each([
    // current, desired, min, max → replicas, ScalingLimited reason
    [3, 5, 1, 10, 5, 'DesiredWithinRange'],
    [3, 10, 1, 20, 6, 'ScaleUpLimit'], // max(2 × 3, 4)
    [1, 9, 1, 20, 4, 'ScaleUpLimit'], // at least 4
    [3, 12, 1, 8, 6, 'ScaleUpLimit'],
    [5, 12, 1, 8, 8, 'TooManyReplicas'],
    [3, 1, 2, 10, 2, 'TooFewReplicas'],
  ])('current %d, desired %d, min %d, max %d → %d (%s)', (current, desired, min, max, want, reason) => {
    expect(withRules(current, desired, min, max)).toMatchObject({ replicas: want, why: { reason } });
  });

  it('scales down only to the highest recommendation of the last 5 minutes', () => {
    const r = normalizeDesiredReplicas({
      ...base,
      memory: memory([
        [6, 400], // outside the window: ignored, and its slot reused
        [5, 200],
        [4, 100],
      ]),
      currentReplicas: 5,
      desiredReplicas: 2,
    });
    expect(r.replicas).toBe(5);
    expect(r.ableToScale.reason).toBe('ScaleDownStabilized');
    expect(r.scalingLimited).toMatchObject({ status: 'False', reason: 'DesiredWithinRange' });
    expect(r.memory.recommendations.map((x) => x.replicas)).toEqual([2, 5, 4]);
  });

  it('scales down once the window has passed', () => {
    const r = normalizeDesiredReplicas({
      ...base,
      memory: memory([[5, 301]]),
      currentReplicas: 5,
      desiredReplicas: 2,
    });
    expect(r).toMatchObject({ replicas: 2, ableToScale: { reason: 'ReadyForNewScale' } });
  });

  it('reports ScalingLimited=True when the limit changed the count', () => {
    const r = normalizeDesiredReplicas({
      ...base,
      memory: emptyMemory(),
      currentReplicas: 2,
      desiredReplicas: 9,
      maxReplicas: 20,
    });
    expect(r).toMatchObject({ replicas: 4, scalingLimited: { status: 'True', reason: 'ScaleUpLimit' } });
  });
});

describe('with the default behavior', () => {
  const up = withDefaultRules(undefined, DEFAULT_SCALE_UP);
  const down = { ...withDefaultRules(undefined, DEFAULT_SCALE_DOWN), stabilizationWindowSeconds: 300 };
  const run = (m: AutoscalerMemory, currentReplicas: number, desiredReplicas: number, maxReplicas = 100) =>
    normalizeWithBehaviors({
      memory: m,
      currentReplicas,
      desiredReplicas,
      minReplicas: 1,
      maxReplicas,
      scaleUp: up,
      scaleDown: down,
      nowMs: T,
    });

  it('scales up by max(4 pods, 100 %) per 15 s: from 2 → 6, from 10 → 20', () => {
    expect(run(emptyMemory(), 2, 50)).toMatchObject({
      replicas: 6,
      scalingLimited: { reason: 'ScaleUpLimit' },
    });
    expect(run(emptyMemory(), 10, 50).replicas).toBe(20);
  });

  it('counts the scale-ups of the last 15 s: after 2 → 6 five seconds ago the limit stays 6', () => {
    const m = recordScaleEvent(emptyMemory(), { scaleUp: up, scaleDown: down }, 2, 6, T - s(5));
    expect(scaleUpLimitWithRules(6, m, up, T)).toBe(6); // period start 2: max(2 + 4, 4)
    expect(scaleUpLimitWithRules(6, m, up, T + s(11))).toBe(12); // the event left the 15 s period
  });

  it('keeps the highest recommendation of the scale-down window, then may remove everything at once', () => {
    const m = memory([[8, 100]]);
    expect(run(m, 8, 2)).toMatchObject({ replicas: 8, ableToScale: { reason: 'ScaleDownStabilized' } });
    expect(run(memory([[8, 301]]), 8, 2).replicas).toBe(2);
  });

  it('a Pods policy limits the scale down per period; Min picks the least change', () => {
    const rules = { selectPolicy: 'Max', policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] };
    expect(scaleDownLimitWithRules(10, emptyMemory(), rules, T)).toBe(8);
    const both = {
      selectPolicy: 'Min',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 60 },
        { type: 'Percent', value: 10, periodSeconds: 60 },
      ],
    };
    expect(scaleDownLimitWithRules(40, emptyMemory(), both, T)).toBe(36);
    expect(scaleUpLimitWithRules(40, emptyMemory(), both, T)).toBe(44);
    expect(scaleUpLimitWithRules(40, emptyMemory(), { ...both, selectPolicy: 'Disabled' }, T)).toBe(40);
  });

  it('stabilizes a scale up within scaleUp.stabilizationWindowSeconds', () => {
    const r = normalizeWithBehaviors({
      memory: memory([[3, 30]]),
      currentReplicas: 3,
      desiredReplicas: 8,
      minReplicas: 1,
      maxReplicas: 10,
      scaleUp: { ...up, stabilizationWindowSeconds: 60 },
      scaleDown: down,
      nowMs: T,
    });
    expect(r).toMatchObject({ replicas: 3, ableToScale: { reason: 'ScaleUpStabilized' } });
  });
});
