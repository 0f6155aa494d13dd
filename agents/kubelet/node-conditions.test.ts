import { describe, expect, it } from 'vitest';
import { DEFAULT_EVICTION_HARD, decideConditions, type NodeSignals, nodeConditions } from './node-conditions';

const Mi = 1024 * 1024;
const Gi = 1024 * Mi;
/** A 100 GiB filesystem with `freePct` % of its bytes and `inodePct` % of 1M inodes free. */
const fs = (freePct: number, inodePct = 50) => ({
  availableBytes: (100 * Gi * freePct) / 100,
  capacityBytes: 100 * Gi,
  inodesFree: (1_000_000 * inodePct) / 100,
  inodes: 1_000_000,
});
const healthy: NodeSignals = {
  runtimeUp: true,
  memoryAvailableBytes: 2 * Gi,
  nodefs: fs(50),
  imagefs: fs(50),
  pidAvailable: 30000,
  pidMax: 32768,
};
const summary = (s: NodeSignals, t = DEFAULT_EVICTION_HARD) =>
  decideConditions(s, t).map((c) => `${c.type}=${c.status}/${c.reason}`);

describe('decideConditions (eviction defaults: memory<100Mi, nodefs<10%, inodes<5%, imagefs<15%)', () => {
  it.each<[string, NodeSignals, string[]]>([
    [
      'healthy node',
      healthy,
      [
        'MemoryPressure=False/KubeletHasSufficientMemory',
        'DiskPressure=False/KubeletHasNoDiskPressure',
        'PIDPressure=False/KubeletHasSufficientPID',
        'Ready=True/KubeletReady',
      ],
    ],
    [
      'runtime down',
      { ...healthy, runtimeUp: false, runtimeError: 'connect ENOENT /var/run/docker.sock' },
      [
        'MemoryPressure=False/KubeletHasSufficientMemory',
        'DiskPressure=False/KubeletHasNoDiskPressure',
        'PIDPressure=False/KubeletHasSufficientPID',
        'Ready=False/KubeletNotReady',
      ],
    ],
    [
      '99Mi available memory',
      { ...healthy, memoryAvailableBytes: 99 * Mi },
      expect.arrayContaining(['MemoryPressure=True/KubeletHasInsufficientMemory']),
    ],
    [
      '100Mi available memory is enough',
      { ...healthy, memoryAvailableBytes: 100 * Mi },
      expect.arrayContaining(['MemoryPressure=False/KubeletHasSufficientMemory']),
    ],
    [
      'nodefs 9% free',
      { ...healthy, nodefs: fs(9) },
      expect.arrayContaining(['DiskPressure=True/KubeletHasDiskPressure']),
    ],
    [
      'nodefs 10% free',
      { ...healthy, nodefs: fs(10), imagefs: fs(50) },
      expect.arrayContaining(['DiskPressure=False/KubeletHasNoDiskPressure']),
    ],
    [
      'nodefs 4% inodes free',
      { ...healthy, nodefs: fs(50, 4) },
      expect.arrayContaining(['DiskPressure=True/KubeletHasDiskPressure']),
    ],
    [
      'imagefs 14% free',
      { ...healthy, imagefs: fs(14) },
      expect.arrayContaining(['DiskPressure=True/KubeletHasDiskPressure']),
    ],
    [
      'no separate imagefs: nodefs 12% free is under imagefs 15%',
      { ...healthy, nodefs: fs(12), imagefs: undefined },
      expect.arrayContaining(['DiskPressure=True/KubeletHasDiskPressure']),
    ],
    [
      'nothing measured: no pressure',
      { runtimeUp: true },
      expect.arrayContaining([
        'MemoryPressure=False/KubeletHasSufficientMemory',
        'DiskPressure=False/KubeletHasNoDiskPressure',
      ]),
    ],
    [
      '10 PIDs left, but no pid.available default upstream',
      { ...healthy, pidAvailable: 10 },
      expect.arrayContaining(['PIDPressure=False/KubeletHasSufficientPID']),
    ],
  ])('%s', (_, signals, want) => {
    expect(summary(signals)).toEqual(want);
  });

  it('PIDPressure once a pid.available threshold is set', () => {
    expect(
      summary({ ...healthy, pidAvailable: 10 }, { ...DEFAULT_EVICTION_HARD, pidAvailable: 100 }),
    ).toContain('PIDPressure=True/KubeletHasInsufficientPID');
  });

  it('says why the node is not ready, starting as upstream does', () => {
    const ready = decideConditions({
      runtimeUp: false,
      runtimeError: 'no answer from the runtime in 5000ms',
    })[3];
    expect(ready).toEqual({
      type: 'Ready',
      status: 'False',
      reason: 'KubeletNotReady',
      message: 'container runtime is down: no answer from the runtime in 5000ms',
    });
  });
});

describe('nodeConditions', () => {
  it('moves lastTransitionTime only for conditions that changed status', () => {
    const t0 = nodeConditions(decideConditions(healthy), '2026-11-22T06:00:00Z');
    const t1 = nodeConditions(decideConditions({ ...healthy, runtimeUp: false }), '2026-11-22T06:00:10Z', t0);
    expect(t1.map((c) => [c.type, c.lastHeartbeatTime, c.lastTransitionTime])).toEqual([
      ['MemoryPressure', '2026-11-22T06:00:10Z', '2026-11-22T06:00:00Z'],
      ['DiskPressure', '2026-11-22T06:00:10Z', '2026-11-22T06:00:00Z'],
      ['PIDPressure', '2026-11-22T06:00:10Z', '2026-11-22T06:00:00Z'],
      ['Ready', '2026-11-22T06:00:10Z', '2026-11-22T06:00:10Z'],
    ]);
  });
});
