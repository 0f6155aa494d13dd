import { describe, expect, it } from 'vitest';
import { escapeXml, labelRows, renderSvg, tickStep } from './svg';
import type { DrillReport } from './types';

const F = 1_000_000;
const report: DrillReport = {
  drill: 'kubelet-stop',
  node: 'minion2',
  profile: 'fast',
  timeline: {
    nodeNotReadyAt: 9,
    taintedAt: 9.5,
    podsEvictedAt: 15,
    replacementsReadyAt: 21,
    nodeRecoveredAt: 34,
    clusterWholeAt: 36,
  },
  availability: { requests: 400, ok: 380, percent: 95, longestOutageS: 2.1 },
  objects: { before: 80, after: 80, lost: 0, duplicated: 0 },
  result: 'pass',
  reasons: [],
  startedAt: '2026-12-01T19:00:00.000Z',
  faultAt: F,
  restoredAt: 30,
  endedAt: 40,
  nodes: ['minion1', 'minion2', 'minion3'],
  replicas: 4,
  recording: {
    nodes: [
      { t: F - 60_000, node: 'minion1', state: 'Ready', tainted: false },
      { t: F - 60_000, node: 'minion2', state: 'Ready', tainted: false },
      { t: F - 60_000, node: 'minion3', state: 'Ready', tainted: false },
      { t: F + 9_000, node: 'minion2', state: 'Unknown', tainted: false },
      { t: F + 9_500, node: 'minion2', state: 'Unknown', tainted: true },
      { t: F + 34_000, node: 'minion2', state: 'Ready', tainted: false },
    ],
    pods: [
      {
        t: F - 30_000,
        ready: { minion1: 1, minion2: 2, minion3: 1 },
        live: {},
        terminating: {},
        evictedFrom: {},
      },
      { t: F + 21_000, ready: { minion1: 2, minion3: 2 }, live: {}, terminating: {}, evictedFrom: {} },
    ],
    probes: [
      { t: F + 1_000, ok: true },
      { t: F + 10_000, ok: false },
      { t: F + 10_500, ok: true },
    ],
  },
};

describe('the timeline picture', () => {
  const svg = renderSvg(report);

  it('is one self-contained SVG document: no scripts, no external references, no NaN', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).not.toMatch(/<script|href=|NaN|undefined|Infinity/);
  });

  it('has a lane per node, the target marked, and the target unreachable then tainted after +9s', () => {
    for (const n of ['minion1', 'minion3']) expect(svg).toContain(`>${n}</text>`);
    expect(svg).toContain('>minion2 (target)</text>');
    expect(svg).toContain('<title>minion2: unreachable from +9.0s</title>');
    expect(svg).toContain('<title>minion2: unreachable, tainted from +9.5s</title>');
    expect(svg).toContain('<title>minion2: Ready from +34.0s</title>');
    expect(svg).toContain('fill="url(#taint)"');
  });

  it('marks the fault, the restore and every milestone with its time', () => {
    for (const label of [
      'fault',
      'restored',
      'NotReady +9s',
      'tainted +9.5s',
      'pods evicted +15s',
      'replacements Ready +21s',
      'node recovered +34s',
      'cluster whole +36s',
    ])
      expect(svg).toContain(`>${label}</text>`);
  });

  it('draws availability per second: a full bar at +1s, a half bar at +10s', () => {
    expect(svg).toContain('<title>+1s: 1/1</title>');
    expect(svg).toContain('<title>+10s: 1/2</title>');
    expect(svg).toContain('PASS');
  });

  it('shows the reasons of a failure', () => {
    const failed = renderSvg({ ...report, result: 'fail', reasons: ['1 object(s) lost'] });
    expect(failed).toContain('>FAIL</text>');
    expect(failed).toContain('>1 object(s) lost</text>');
  });
});

describe('picture helpers', () => {
  it('escapes text for XML', () => {
    expect(escapeXml(`a<b & "c"`)).toBe('a&lt;b &amp; &quot;c&quot;');
  });
  it('picks about ten ticks: 45 s → 5 s, 360 s → 30 s', () => {
    expect(tickStep(45)).toBe(5);
    expect(tickStep(360)).toBe(30);
  });
  it('staggers labels that would overlap into the next row', () => {
    expect(
      labelRows([
        { x: 100, width: 50 },
        { x: 120, width: 50 },
        { x: 200, width: 50 },
      ]),
    ).toEqual([0, 1, 0]);
  });
});
