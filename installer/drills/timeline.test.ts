import { describe, expect, it } from 'vitest';
import { availability, milestones, overshoot } from './timeline';
import type { NodeSample, PodCensus, Recording } from './types';
import { verdict } from './verdict';

// A kubelet-stop on minion2 as the watches would record it (times in ms, fault at 100 000):
// 4 replicas, two on minion2; NotReady at +9 s, tainted at +9.5 s, the two pods evicted at +15 s,
// replacements Ready on minion1/minion3 at +21 s, restore at +30 s, minion2 Ready at +34 s,
// its old pods confirmed gone at +36 s.
const F = 100_000;
const n = (t: number, node: string, state: NodeSample['state'], tainted = false): NodeSample => ({
  t: F + t * 1000,
  node,
  state,
  tainted,
});
const c = (
  t: number,
  ready: Record<string, number>,
  terminating: Record<string, number> = {},
  evictedFrom: Record<string, number> = {},
  live: Record<string, number> = ready,
): PodCensus => ({ t: F + t * 1000, ready, live, terminating, evictedFrom });

const nodes = ['minion1', 'minion2', 'minion3'];
const recording: Recording = {
  nodes: [
    n(-60, 'minion1', 'Ready'),
    n(-60, 'minion2', 'Ready'),
    n(-60, 'minion3', 'Ready'),
    n(9, 'minion2', 'Unknown'),
    n(9.5, 'minion2', 'Unknown', true),
    n(34, 'minion2', 'Ready', true),
    n(35, 'minion2', 'Ready', false),
  ],
  pods: [
    c(-30, { minion1: 1, minion2: 2, minion3: 1 }),
    c(15, { minion1: 1, minion3: 1 }, { minion2: 2 }, { minion2: 2 }),
    c(21, { minion1: 2, minion3: 2 }, { minion2: 2 }, { minion2: 2 }),
    c(36, { minion1: 2, minion3: 2 }, {}, { minion2: 2 }),
  ],
  probes: [],
};
const input = { recording, faultAt: F, restoredAt: F + 30_000, target: 'minion2', nodes, replicas: 4 };

describe('milestones of a node drill', () => {
  it('reads each milestone as the first moment the API showed it, in seconds from the fault', () => {
    expect(milestones(input)).toEqual({
      nodeNotReadyAt: 9,
      taintedAt: 9.5,
      podsEvictedAt: 15,
      replacementsReadyAt: 21,
      nodeRecoveredAt: 34,
      // Ready at 34 but still tainted; untainted at 35; old pods gone at 36
      clusterWholeAt: 36,
    });
  });

  it('leaves milestones that did not happen null (node never recovered)', () => {
    const t = milestones({ ...input, recording: { ...recording, nodes: recording.nodes.slice(0, 5) } });
    expect(t.nodeRecoveredAt).toBeNull();
    expect(t.clusterWholeAt).toBeNull();
    expect(
      verdict({
        scope: 'node',
        timeline: t,
        objects: { before: 9, after: 9, lost: 0, duplicated: 0 },
        problems: [],
      }),
    ).toEqual({
      result: 'fail',
      reasons: ['the node did not come back Ready', 'the cluster was not whole again within the bound'],
    });
  });

  it('does not count a recovery before the fault was undone', () => {
    const early = { ...input, restoredAt: F + 40_000 };
    expect(milestones(early).nodeRecoveredAt).toBeNull();
  });
});

describe('milestones of a control-plane drill', () => {
  const quiet: Recording = {
    nodes: nodes.map((x) => n(-60, x, 'Ready')),
    pods: [c(-30, { minion1: 2, minion2: 1, minion3: 1 }), c(12, { minion1: 2, minion2: 1, minion3: 1 })],
    probes: [],
  };
  const cp = { recording: quiet, faultAt: F, restoredAt: F + 4000, target: null, nodes, replicas: 4 };

  it('sees nothing happen and the cluster whole as soon as the restart is over', () => {
    const t = milestones(cp);
    expect(t).toEqual({
      nodeNotReadyAt: null,
      taintedAt: null,
      podsEvictedAt: null,
      replacementsReadyAt: null,
      nodeRecoveredAt: null,
      clusterWholeAt: 4,
    });
    expect(
      verdict({
        scope: 'control-plane',
        timeline: t,
        objects: { before: 9, after: 9, lost: 0, duplicated: 0 },
        problems: [],
      }).result,
    ).toBe('pass');
  });

  it('fails on any node NotReady or eviction, and on lost objects', () => {
    const bad = { ...quiet, nodes: [...quiet.nodes, n(20, 'minion3', 'Unknown'), n(30, 'minion3', 'Ready')] };
    const t = milestones({ ...cp, recording: bad });
    expect(t.nodeNotReadyAt).toBe(20);
    expect(
      verdict({
        scope: 'control-plane',
        timeline: t,
        objects: { before: 9, after: 8, lost: 1, duplicated: 0 },
        problems: [],
      }).reasons,
    ).toEqual(['a node went NotReady at +20s', '1 object(s) lost']);
  });
});

describe('availability', () => {
  it('counts answers and the longest outage from the first failure to the next answer', () => {
    const p = (t: number, ok: boolean) => ({ t: t * 100, ok });
    // 10 requests at 10/s: failures at 0.3–0.6 s (answered again at 0.7 s) and at 0.9 s (last)
    const probes = [
      p(0, true),
      p(1, true),
      p(2, true),
      p(3, false),
      p(4, false),
      p(5, false),
      p(6, false),
      p(7, true),
      p(8, true),
      p(9, false),
    ];
    expect(availability(probes)).toEqual({ requests: 10, ok: 5, percent: 50, longestOutageS: 0.4 });
    expect(availability([])).toEqual({ requests: 0, ok: 0, percent: 0, longestOutageS: 0 });
  });
});

describe('pods beyond the replicas', () => {
  it('ignores a brief surge but counts one that lasts', () => {
    const pods = [
      c(0, { a: 2, b: 2 }),
      c(1, { a: 3, b: 2 }),
      c(3, { a: 2, b: 2 }),
      c(10, { a: 2, b: 3 }),
      c(30, { a: 2, b: 2 }),
    ];
    expect(overshoot(pods, 4, 5000)).toBe(1); // +1 from 10 s to 30 s
    expect(overshoot(pods, 4, 25_000)).toBe(0);
  });
});
