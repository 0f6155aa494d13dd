import { describe, expect, it } from 'vitest';
import { formatCpu, formatMemory, nodeUsage, podUsage } from './usage';

const node = (cpu: string, memory: string) => ({
  metadata: { name: 'node-a' },
  status: { allocatable: { cpu, memory, pods: '110' } },
});
const nodeMetrics = (cpu: string, memory: string) => ({
  metadata: { name: 'node-a' },
  usage: { cpu, memory },
});

describe('node usage', () => {
  it.each([
    // usage as metrics-server writes it, allocatable as the kubelet does → figures and whole percent
    ['250m', '512Mi', '4', '16Gi', { cpuMillis: 250, memoryBytes: 2 ** 29, cpuPercent: 6, memoryPercent: 3 }],
    [
      '1234567n',
      '123456Ki',
      '1',
      '1Gi',
      { cpuMillis: 2, memoryBytes: 126418944, cpuPercent: 0, memoryPercent: 11 },
    ],
    ['399m', '1Gi', '4', '2Gi', { cpuMillis: 399, memoryBytes: 2 ** 30, cpuPercent: 9, memoryPercent: 50 }],
    [
      '2',
      '3Gi',
      '2',
      '2Gi',
      { cpuMillis: 2000, memoryBytes: 3 * 2 ** 30, cpuPercent: 100, memoryPercent: 150 },
    ],
    ['0', '0', '500m', '1G', { cpuMillis: 0, memoryBytes: 0, cpuPercent: 0, memoryPercent: 0 }],
  ])('%s and %s of %s and %s', (cpu, memory, allocCpu, allocMemory, want) => {
    expect(nodeUsage(nodeMetrics(cpu, memory), node(allocCpu, allocMemory))).toEqual(want);
  });

  it('has no percentages without the Node or its allocatable', () => {
    expect(nodeUsage(nodeMetrics('250m', '1Gi'), undefined)).toEqual({
      cpuMillis: 250,
      memoryBytes: 2 ** 30,
      cpuPercent: undefined,
      memoryPercent: undefined,
    });
    expect(nodeUsage(nodeMetrics('250m', '1Gi'), node('0', 'lots'))).toMatchObject({
      cpuPercent: undefined,
      memoryPercent: undefined,
    });
  });

  it.each([
    ['no NodeMetrics', undefined],
    ['no usage', { metadata: { name: 'node-a' } }],
    ['an unreadable quantity', nodeMetrics('fast', '1Gi')],
    ['a missing memory figure', { usage: { cpu: '1' } }],
  ])('is undefined for %s', (_, metrics) => {
    expect(nodeUsage(metrics, node('4', '16Gi'))).toBeUndefined();
  });
});

describe('pod usage', () => {
  const podMetrics = (...usages: [string, string][]) => ({
    metadata: { namespace: 'default', name: 'web-1' },
    containers: usages.map(([cpu, memory], i) => ({ name: `c${i}`, usage: { cpu, memory } })),
  });

  it.each([
    ['one container', podMetrics(['10m', '16Mi']), { cpuMillis: 10, memoryBytes: 16 * 2 ** 20 }],
    // summed before rounding up: 1.5m + 1.5m is 3m, not 2m + 2m
    [
      'two containers',
      podMetrics(['1500000n', '1Mi'], ['1500000n', '1024Ki']),
      { cpuMillis: 3, memoryBytes: 2 ** 21 },
    ],
    ['no containers yet', podMetrics(), undefined],
    ['an unreadable container', podMetrics(['10m', '16Mi'], ['10m', '16MB']), undefined],
    ['no PodMetrics', undefined, undefined],
  ])('%s', (_, metrics, want) => {
    expect(podUsage(metrics)).toEqual(want);
  });
});

describe('kubectl top units', () => {
  it.each([
    [0, '0m'],
    [250, '250m'],
    [2000, '2000m'],
  ])('CPU %i millicores → %s', (millis, text) => expect(formatCpu(millis)).toBe(text));

  it.each([
    [0, '0Mi'],
    [2 ** 20 - 1, '0Mi'],
    [126418944, '120Mi'],
    [16 * 2 ** 30, '16384Mi'],
  ])('memory %i bytes → %s', (bytes, text) => expect(formatMemory(bytes)).toBe(text));
});
