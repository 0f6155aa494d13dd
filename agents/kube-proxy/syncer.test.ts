// The syncer's timing and bookkeeping, with iptables replaced by a recorder of the same shape
// (the real thing runs in test/integration/kube-proxy-*.test.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../api/log';
import { Registry } from '../api/metrics';
import { JUMP_RULES, jumpRuleLine } from './jumps';
import { buildRules } from './rules';
import { FULL_SYNC_PERIOD_MS, type ProxyState, Syncer, type SyncerOptions } from './syncer';
import { endpoints, seedCluster, service } from './testing/fixtures';
import { RestoreModel } from './testing/restore-model';

/** iptables as the syncer sees it: every call recorded, restores applied to a model of the node. */
function recorder() {
  const calls: string[] = [];
  const texts: string[] = [];
  const node = new RestoreModel();
  let failNext = false;
  return {
    calls,
    /** Every restore text, in order. */
    texts,
    node,
    failOnce: () => {
      failNext = true;
    },
    iptables: {
      async save(table?: 'nat' | 'filter') {
        calls.push(table ? `save ${table}` : 'save');
        return node.save(table ? [table] : ['filter', 'nat'], { builtIn: true });
      },
      async restore(text: string) {
        calls.push(`restore ${text.split('\n').filter((l) => l.startsWith(':')).length} chains`);
        texts.push(text);
        if (failNext) {
          failNext = false;
          throw new Error('iptables-restore: line 3 failed');
        }
        node.apply(text);
      },
    },
  };
}

/** The node holds what a full build of `state` writes (the syncer's partial syncs included). */
function expectNodeMatchesFullBuild(rec: ReturnType<typeof recorder>): void {
  expect(rec.node.save()).toBe(buildRules({ ...state, node: { name: 'n' }, clusterCIDR: '10.244.0.0/16' }));
}

/** `state` with the endpoints of default/<name> replaced. */
function moveEndpoints(name: string, ips: string[]): void {
  state = {
    ...state,
    endpoints: state.endpoints.map((e) =>
      e.metadata?.name === name ? endpoints('default', name, ips, [{ port: 80 }]) : e,
    ),
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
    moveEndpoints('httpd-app', ['10.244.1.2']); // a change, so the next sync has something to write
    s.requestSync();
    await vi.advanceTimersByTimeAsync(500);
    expect(rec.calls.filter((c) => c.startsWith('restore'))).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(600);
    expect(rec.calls.filter((c) => c.startsWith('restore'))).toHaveLength(2);
    expect(s.healthy()).toBe(true);
    await s.stop();
  });

  it('first sync is full (save, all chains and the hooks in one restore); with nothing changed the next runs no restore', async () => {
    const rec = recorder();
    const s = newSyncer(rec);
    await s.sync();
    // 8 fixed chains + 6 KUBE-SVC + 11 KUBE-SEP for the seed's four services
    expect(rec.calls).toEqual(['save', 'restore 25 chains']);
    const inserted = (rec.texts[0] ?? '').split('\n').filter((l) => l.startsWith('-I '));
    expect(inserted.sort()).toEqual(JUMP_RULES.map((j) => jumpRuleLine(j, '-I')).sort());
    const onNode = rec.node.save(['filter', 'nat'], { builtIn: true });
    for (const j of JUMP_RULES) expect(onNode).toContain(jumpRuleLine(j));
    rec.calls.length = 0;
    await s.sync();
    expect(rec.calls).toEqual([]);
  });

  it('a full sync inserts only the hooks the node lacks: none when all are there, one removed by someone else', async () => {
    const rec = recorder();
    const s = newSyncer(rec);
    await s.sync();
    await vi.advanceTimersByTimeAsync(FULL_SYNC_PERIOD_MS);
    await s.sync(); // an hour on: a full sync, every hook and every chain already in place
    expect(rec.calls.filter((c) => c.startsWith('save'))).toHaveLength(2);
    expect(rec.texts).toHaveLength(1); // so no restore at all
    const preRouting = JUMP_RULES.find((j) => j.chain === 'PREROUTING');
    rec.node.tables.get('nat')?.set('PREROUTING', []); // e.g. a firewall reload
    await vi.advanceTimersByTimeAsync(FULL_SYNC_PERIOD_MS);
    await s.sync();
    expect((rec.texts.at(-1) ?? '').split('\n').filter((l) => l.startsWith('-I '))).toEqual([
      jumpRuleLine(preRouting as (typeof JUMP_RULES)[number], '-I'),
    ]);
    expectNodeMatchesFullBuild(rec);
    expect(rec.node.save(['nat'], { builtIn: true }).match(/^-A PREROUTING /gm)).toHaveLength(1);
  });

  it('a full sync rewrites the chains someone changed or emptied, and only those', async () => {
    const rec = recorder();
    const s = newSyncer(rec);
    await s.sync();
    const nat = rec.node.tables.get('nat');
    const sep = [...(nat?.keys() ?? [])].find((c) => c.startsWith('KUBE-SEP-')) ?? '';
    nat?.set(sep, []); // flushed by hand
    nat?.set('KUBE-SERVICES', nat.get('KUBE-SERVICES')?.slice(1) ?? []); // its first rule deleted
    await vi.advanceTimersByTimeAsync(FULL_SYNC_PERIOD_MS);
    await s.sync();
    expect(rec.calls.at(-1)).toBe('restore 2 chains');
    expect(
      (rec.texts.at(-1) ?? '')
        .split('\n')
        .filter((l) => l.startsWith(':'))
        .sort(),
    ).toEqual([`:${sep} - [0:0]`, ':KUBE-SERVICES - [0:0]'].sort());
    expectNodeMatchesFullBuild(rec);
  });

  it('a partial sync after one endpoint change writes that service’s chains, no fixed chain', async () => {
    const rec = recorder();
    const s = newSyncer(rec);
    await s.sync();
    moveEndpoints('httpd-app', ['10.244.1.2', '10.244.3.9']);
    await s.sync();
    const text = rec.texts.at(-1) ?? '';
    expect(text).not.toContain(':KUBE-SERVICES');
    expect(text.split('\n').filter((l) => l.startsWith(':'))).toHaveLength(3); // SVC, new SEP, old SEP
    expect(text).toContain('-X KUBE-SEP-B7WZ6X3JS7NGRAGL');
    expectNodeMatchesFullBuild(rec);
  });

  it('a partial sync after a service was added writes KUBE-SERVICES; one after it was removed too', async () => {
    const rec = recorder();
    const s = newSyncer(rec);
    await s.sync();
    const ports = [{ port: 8080 }];
    const before = state;
    state = {
      services: [...state.services, service({ name: 'new', clusterIP: '10.96.9.9', ports })],
      endpoints: [...state.endpoints, endpoints('default', 'new', ['10.244.2.9'], ports)],
    };
    await s.sync();
    expect(rec.texts.at(-1)).toContain(':KUBE-SERVICES - [0:0]');
    expectNodeMatchesFullBuild(rec);
    state = before;
    await s.sync();
    expect(rec.texts.at(-1)).toContain(':KUBE-SERVICES - [0:0]');
    expect(rec.texts.at(-1)).toMatch(/^-X KUBE-SVC-/m);
    expectNodeMatchesFullBuild(rec);
    expect(rec.calls.filter((c) => c.startsWith('save'))).toHaveLength(1); // the first sync's only
  });

  it('after a failed restore the retry is a full sync again', async () => {
    const rec = recorder();
    const s = newSyncer(rec);
    await s.sync();
    moveEndpoints('httpd-app', ['10.244.1.2', '10.244.3.9']);
    rec.failOnce();
    await expect(s.sync()).rejects.toThrow(/line 3/);
    expect(rec.calls.at(-1)).toBe('restore 3 chains'); // the partial sync that failed
    rec.calls.length = 0;
    await s.sync();
    // What iptables-save shows differs from the build in that service's chains alone: its
    // chain and the new SEP are written, the old SEP is found and deleted, the rest left alone.
    expect(rec.calls.slice(0, 2)).toEqual(['save', 'restore 3 chains']);
    expect(rec.texts.at(-1)).not.toContain(':KUBE-SERVICES');
    expect(rec.texts.at(-1)).toContain('-X KUBE-SEP-B7WZ6X3JS7NGRAGL');
    expectNodeMatchesFullBuild(rec);
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
    expect(rec.calls).toEqual([]); // partial, and nothing changed: no restore at all
    rec.calls.length = 0;
    await vi.advanceTimersByTimeAsync(FULL_SYNC_PERIOD_MS);
    const saves = rec.calls.filter((c) => c.startsWith('save')).length;
    expect(saves).toBe(1); // one full sync in that hour, the rest partial
    // The full sync found every chain and hook as it wants them: no restore.
    expect(rec.calls.filter((c) => c.startsWith('restore'))).toEqual([]);
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
