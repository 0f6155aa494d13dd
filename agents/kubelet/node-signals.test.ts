import { describe, expect, it } from 'vitest';
import { fsSignals, measureSignals, memoryAvailableBytes } from './node-signals';

describe('node signals', () => {
  it('reads MemAvailable in bytes', () => {
    expect(memoryAvailableBytes('MemTotal:  4000 kB\nMemFree: 10 kB\nMemAvailable:   2048 kB\n')).toBe(
      2048 * 1024,
    );
    expect(memoryAvailableBytes('MemTotal:  4000 kB\n')).toBeUndefined();
  });

  it('measures a real filesystem, and nothing for a missing path', () => {
    const root = fsSignals('/');
    expect(root?.capacityBytes).toBeGreaterThan(0);
    expect(root?.availableBytes).toBeLessThanOrEqual(root?.capacityBytes ?? 0);
    expect(fsSignals('/no/such/dir')).toBeUndefined();
  });

  it('counts a runtime that does not answer as down, with its error', async () => {
    const down = await measureSignals({
      runtime: { ping: async () => Promise.reject(new Error('connect ENOENT /run/docker.sock')) },
      rootDir: '/',
      pingTimeoutMs: 100,
    });
    expect(down).toMatchObject({ runtimeUp: false, runtimeError: 'connect ENOENT /run/docker.sock' });
    const up = await measureSignals({
      runtime: { ping: async () => undefined },
      rootDir: '/',
      pingTimeoutMs: 100,
    });
    expect(up.runtimeUp).toBe(true);
    expect(up.memoryAvailableBytes).toBeGreaterThan(0);
  });
});
