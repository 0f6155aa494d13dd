import { describe, expect, it } from 'vitest';
import { locateCgroup, parseProcCgroup, usageFromCgroupFiles } from './cgroup';

// This machine's layout: cgroup v1 controllers plus an empty unified tree, Docker's cgroupfs driver.
const HYBRID_MOUNTS = [
  '30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs ro,size=4096k,mode=755',
  '31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct',
  '34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');
const HYBRID_PROC =
  '9:name=systemd:/docker/abc\n4:memory:/docker/abc\n2:cpuacct:/docker/abc\n1:cpu:/docker/abc\n0::/\n';

describe('locating a container cgroup', () => {
  it('uses the v1 hierarchies on a hybrid host', () => {
    expect(locateCgroup(HYBRID_PROC, HYBRID_MOUNTS)).toEqual({
      version: 1,
      cpu: '/sys/fs/cgroup/cpuacct/docker/abc',
      memory: '/sys/fs/cgroup/memory/docker/abc',
    });
  });

  it('reads combined controllers (cpu,cpuacct) as one hierarchy', () => {
    const mounts = [
      '31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct',
      '34 30 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory',
    ].join('\n');
    expect(parseProcCgroup('3:cpu,cpuacct:/kubepods/x\n').get('cpuacct')).toBe('/kubepods/x');
    expect(locateCgroup('3:cpu,cpuacct:/docker/d\n4:memory:/docker/d\n', mounts)?.cpu).toBe(
      '/sys/fs/cgroup/cpu,cpuacct/docker/d',
    );
  });

  it('uses the unified hierarchy on cgroup v2', () => {
    const mounts = '25 1 0:22 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate';
    expect(locateCgroup('0::/system.slice/docker-abc.scope\n', mounts)).toEqual({
      version: 2,
      cpu: '/sys/fs/cgroup/system.slice/docker-abc.scope',
      memory: '/sys/fs/cgroup/system.slice/docker-abc.scope',
    });
  });

  it('follows a mount that shows the hierarchy from a sub-root (a node container)', () => {
    const mounts = '25 1 0:22 /docker/node1 /sys/fs/cgroup ro - cgroup2 cgroup2 rw';
    expect(locateCgroup('0::/docker/node1/docker/inner\n', mounts)?.cpu).toBe('/sys/fs/cgroup/docker/inner');
    // A cgroup outside what the mount shows cannot be read here (the fallback answers).
    expect(locateCgroup('0::/other/x\n', mounts)).toBeUndefined();
  });
});

describe('cgroup numbers', () => {
  it('v1: working set is usage minus total_inactive_file', () => {
    const u = usageFromCgroupFiles(
      {
        version: 1,
        cpu: '286139050\n',
        memoryUsage: '1388544\n',
        memoryStat:
          'cache 655360\nrss 61440\ninactive_file 28672\ntotal_rss 61440\ntotal_inactive_file 28672\n',
      },
      1000,
    );
    expect(u).toEqual({
      timeMs: 1000,
      cpuUsageNanoSeconds: 286139050,
      memoryUsageBytes: 1388544,
      memoryWorkingSetBytes: 1388544 - 28672,
      memoryRssBytes: 61440,
    });
  });

  it('v2: cpu.stat usage_usec in ns, anon as rss, working set floored at 0', () => {
    const u = usageFromCgroupFiles(
      {
        version: 2,
        cpu: 'usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n',
        memoryUsage: '4096\n',
        memoryStat: 'anon 2048\nfile 8192\ninactive_file 8192\n',
      },
      5,
    );
    expect(u).toMatchObject({
      cpuUsageNanoSeconds: 1_500_000,
      memoryWorkingSetBytes: 0,
      memoryRssBytes: 2048,
    });
  });
});
