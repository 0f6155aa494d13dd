// The syncer's timing and bookkeeping, with iptables replaced by a recorder of the same shape
// (the real thing runs in test/integration/kube-proxy-*.test.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../api/log';
import { Registry } from '../api/metrics';
import { JUMP_RULES } from './jumps';
import { FULL_SYNC_PERIOD_MS, type ProxyState, Syncer, type SyncerOptions } from './syncer';
import { seedCluster } from './testing/fixtures';

function recorder() {
  const calls: string[] = [];
  let failNext = false;
  return {
    calls,
    failOnce: () => {
      failNext = true;
    },
    iptables: {
      async save(table: 'nat' | 'filter') {
        calls.push(`save ${table}`);
        return `*${table}\n:KUBE-SERVICES - [0:0]\nCOMMIT\n`;
      },
      async restore(text: string) {
        calls.push(`restore ${text.split('\n').filter((l) => l.startsWith(':')).length} chains`);
        if (failNext) {
          failNext = false;
          throw new Error('iptables-restore: line 3 failed');
        }
      },
      async ensureRule() {
        calls.push('ensureRule');
        return false;
      },
    },
  };
}

let state: ProxyState;
const log = createLogger('test', { level: 'error' });

beforeEach(() => {
  vi.useFakeTimers();
  state = seedCluster();
});
afterEach(() => vi.useRealTimers());

function newSyncer(rec: ReturnType<typeof recorder>, sysctls: string[] = []) {
  return new Syncer(optionsFor(rec, sysctls));
}

function optionsFor(rec: ReturnType<typeof recorder>, sysctls: string[] = []): SyncerOptions {
  return {
    setSysctl: async (key, value) => {
      sysctls.push(`${key}=${value}`);
    },
    iptables: rec.iptables,
    clusterCIDR: '10.244.0.0/16',
    node: { name: 'n' },
    source: () => state,
    minSyncPeriodMs: 1000,
    syncPeriodMs: 30_000,
    log,
    nowFn: Date.now,
  };
}

describe('Syncer', () => {
  it('coalesces a burst of changes into one sync, and waits min-sync-period before the next', async () => {
    const rec = recorder();
    const s = newSyncer(rec);
    for (let i = 0; i < 5; i++) s.requestSync();
    await vi.advanceTimersByTimeAsync(10);
    expect(rec.calls.filter((c) => c.startsWith('restore'))).toHaveLength(1);
    s.requestSync();
    await vi.advanceTimersByTimeAsync(500);
    expect(rec.calls.filter((c) => c.startsWith('restore'))).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(600);
    expect(rec.calls.filter((c) => c.startsWith('restore'))).toHaveLength(2);
    expect(s.healthy()).toBe(true);
    await s.stop();
  });

  it('first sync is full (save, all chains, jumps); the next writes only what changed', async () => {
    const rec = recorder();
    const s = newSyncer(rec);
    await s.sync();
    // 8 fixed chains + 6 KUBE-SVC + 11 KUBE-SEP for the seed's four services
    expect(rec.calls).toEqual([
      'save nat',
      'save filter',
      'restore 25 chains',
      ...JUMP_RULES.map(() => 'ensureRule'),
    ]);
    rec.calls.length = 0;
    await s.sync();
    expect(rec.calls).toEqual(['restore 8 chains']); // the fixed chains only
  });

  it('after a failed restore the retry is a full sync again', async () => {
    const rec = recorder();
    const s = newSyncer(rec);
    await s.sync();
    rec.failOnce();
    await expect(s.sync()).rejects.toThrow(/line 3/);
    rec.calls.length = 0;
    await s.sync();
    expect(rec.calls.slice(0, 3)).toEqual(['save nat', 'save filter', 'restore 25 chains']);
  });

  it('periodic syncs (--sync-period) are partial; a full one comes after an hour', async () => {
    const rec = recorder();
    const sysctls: string[] = [];
    const s = newSyncer(rec, sysctls);
    await s.sync();
    expect(sysctls).toEqual(['net.ipv4.conf.all.route_localnet=1']);
    s.start();
    rec.calls.length = 0;
    await vi.advanceTimersByTimeAsync(30_000 + 10);
    expect(rec.calls).toEqual(['restore 8 chains']);
    rec.calls.length = 0;
    await vi.advanceTimersByTimeAsync(FULL_SYNC_PERIOD_MS);
    const saves = rec.calls.filter((c) => c.startsWith('save')).length;
    expect(saves).toBe(2); // one full sync in that hour (save nat + save filter), the rest partial
    expect(rec.calls.filter((c) => c.startsWith('restore')).length).toBe(FULL_SYNC_PERIOD_MS / 30_000);
    expect(sysctls).toHaveLength(2);
    await s.stop();
  });

  it('times full and partial syncs apart (upstream’s two duration histograms)', async () => {
    const registry = new Registry();
    const s = new Syncer({ ...optionsFor(recorder()), registry });
    await s.sync();
    await s.sync();
    await s.sync();
    const text = registry.render();
    expect(text).toContain('kubeproxy_sync_full_proxy_rules_duration_seconds_count 1');
    expect(text).toContain('kubeproxy_sync_partial_proxy_rules_duration_seconds_count 2');
  });
});
