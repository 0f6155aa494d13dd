import { describe, expect, it } from 'vitest';
import { usageFromDockerStats } from './docker-stats';
import { bootTime, nodeCpuNanoSeconds, nodeSampleFrom } from './node-usage';
import type { UsageSample } from './types';
import { advance, usageNanoCores } from './usage';

const at = (timeMs: number, cpuUsageNanoSeconds: number): UsageSample => ({
  timeMs,
  cpuUsageNanoSeconds,
  memoryUsageBytes: 0,
  memoryWorkingSetBytes: 0,
  memoryRssBytes: 0,
});

describe('usageNanoCores = Δcpu ns / Δwall s', () => {
  it.each([
    ['250 ms of CPU over 5 s: 50m', at(0, 0), at(5000, 250e6), 50e6],
    ['a full core', at(1000, 1e9), at(2000, 2e9), 1e9],
    ['two cores busy', at(0, 0), at(500, 1e9), 2e9],
    ['idle', at(0, 7), at(5000, 7), 0],
  ])('%s', (_name, previous, latest, want) => expect(usageNanoCores({ previous, latest })).toBe(want));

  it('has no rate without two readings, over no time, or when the counter went back', () => {
    expect(usageNanoCores({ latest: at(5000, 1e9) })).toBeUndefined();
    expect(usageNanoCores({ previous: at(5000, 1), latest: at(5000, 2) })).toBeUndefined();
    expect(usageNanoCores({ previous: at(0, 9e9), latest: at(5000, 1e9) })).toBeUndefined();
  });

  it('advances a pair: the latest becomes the previous; the same reading twice changes nothing', () => {
    const one = advance(undefined, at(1000, 1));
    expect(one).toEqual({ latest: at(1000, 1) });
    const two = advance(one, at(2000, 2));
    expect(two).toEqual({ previous: at(1000, 1), latest: at(2000, 2) });
    expect(advance(two, at(2000, 2))).toBe(two);
    expect(advance(two, at(500, 3))).toEqual({ latest: at(500, 3) });
  });
});

describe('node usage from /proc', () => {
  const stat = 'cpu  100 10 50 9000 20 1 2 3 0 0\ncpu0 50 5 25 4500 10 0 1 1 0 0\nbtime 1700000000\n';
  const meminfo = [
    'MemTotal:       1000 kB',
    'MemFree:         400 kB',
    'MemAvailable:    700 kB',
    'Inactive(file):  100 kB',
    'AnonPages:       250 kB',
  ].join('\n');

  it('counts busy ticks (not idle or iowait) at 100 per second', () => {
    expect(nodeCpuNanoSeconds(stat)).toBe((100 + 10 + 50 + 1 + 2 + 3) * 1e7);
    expect(bootTime(stat)).toBe('2023-11-14T22:13:20Z');
  });

  it('working set = (total − free) − inactive file; available = total − working set', () => {
    expect(nodeSampleFrom(stat, meminfo, 42)).toEqual({
      timeMs: 42,
      cpuUsageNanoSeconds: 166e7,
      memoryUsageBytes: 600 * 1024,
      memoryWorkingSetBytes: 500 * 1024,
      memoryRssBytes: 250 * 1024,
      memoryAvailableBytes: 500 * 1024,
    });
  });
});

describe("Docker's stats API", () => {
  it('reads cgroup v1 names and v2 names alike', () => {
    const v1 = usageFromDockerStats(
      {
        read: '2026-12-01T21:35:43.310137516Z',
        cpu_stats: { cpu_usage: { total_usage: 447142986 } },
        memory_stats: { usage: 1388544, stats: { total_inactive_file: 28672, total_rss: 61440 } },
      },
      0,
    );
    expect(v1).toEqual({
      timeMs: Date.parse('2026-12-01T21:35:43.310Z'),
      cpuUsageNanoSeconds: 447142986,
      memoryUsageBytes: 1388544,
      memoryWorkingSetBytes: 1359872,
      memoryRssBytes: 61440,
    });
    const v2 = usageFromDockerStats(
      {
        read: '0001-01-01T00:00:00Z',
        cpu_stats: { cpu_usage: { total_usage: 5 } },
        memory_stats: { usage: 10, stats: { inactive_file: 4, anon: 3 } },
      },
      99,
    );
    expect(v2).toMatchObject({ timeMs: 99, memoryWorkingSetBytes: 6, memoryRssBytes: 3 });
    expect(usageFromDockerStats({ memory_stats: {} }, 0)).toBeUndefined();
  });
});
