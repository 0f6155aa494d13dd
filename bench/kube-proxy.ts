// kube-proxy sync time at 100 and 1,000 services × 5 endpoints (goal: a full sync ≤ 1 s at 1k,
// see research-controlplane-perf.md). Two figures per size:
//   buildRules  the pure rule builder alone (median of several runs)
//   sync        what the syncer does per change, inside a throwaway network namespace:
//               iptables-save ×2 (to find stale chains) + buildRules + ONE iptables-restore
//               first = empty node (a full sync), steady = same rules again, change = one
//               service's endpoints replaced (both partial syncs: only changed chains written)
// Prints JSON: `node --import tsx bench/kube-proxy.ts`.

import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { createLogger } from '../agents/api/log';
import { Iptables } from '../agents/kube-proxy/iptables';
import { buildRules } from '../agents/kube-proxy/rules';
import { type ProxyState, Syncer } from '../agents/kube-proxy/syncer';
import { endpoints as endpointsOf, syntheticCluster } from '../agents/kube-proxy/testing/fixtures';
import { NetnsLab } from '../test/support/netns';

const node = { name: 'bench', ip: '192.168.200.101' };
const clusterCIDR = '10.244.0.0/16';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeMs(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Wall time and this process's CPU time: on a shared, loaded machine the two differ a lot. */
async function buildOnly(state: ProxyState, runs: number) {
  const wall: number[] = [];
  const cpu: number[] = [];
  let text = '';
  for (let i = 0; i < runs; i++) {
    const before = process.cpuUsage();
    wall.push(await timeMs(() => (text = buildRules({ ...state, node, clusterCIDR }))));
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / 1000);
  }
  return {
    medianMs: round(median(wall)),
    cpuMs: round(median(cpu)),
    bytes: text.length,
    lines: text.split('\n').length,
  };
}

async function fullSync(lab: NetnsLab, services: number, state: ProxyState) {
  const ns = await lab.add(`b${services}`);
  const iptables = await Iptables.detect(['nsenter', `--net=${ns.path}`]);
  const log = createLogger('bench', { level: 'error' });
  const syncer = new Syncer({
    iptables,
    clusterCIDR,
    node,
    source: () => state,
    minSyncPeriodMs: 0,
    syncPeriodMs: 60_000,
    log,
  });
  const first = await timeMs(() => syncer.sync());
  const steady: number[] = [];
  for (let i = 0; i < 3; i++) steady.push(await timeMs(() => syncer.sync()));
  const change: number[] = [];
  for (let i = 0; i < 3; i++) {
    // Replace the endpoints of one service with five new pods: one SVC chain rewritten, 5 SEPs swapped.
    const fresh = Array.from({ length: 5 }, (_, j) => `10.245.${i}.${j + 1}`);
    state.endpoints[0] = endpointsOf('default', 'svc-0', fresh, [{ port: 80, targetPort: 8080 }]);
    change.push(await timeMs(() => syncer.sync()));
  }
  const chains = (await iptables.save('nat')).split('\n').filter((l) => l.startsWith(':KUBE-')).length;
  return {
    firstMs: round(first),
    steadyMs: round(median(steady)),
    changeMs: round(median(change)),
    natChains: chains,
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

export async function run(sizes = [100, 1000], perService = 5) {
  const lab = new NetnsLab();
  const results = [];
  try {
    for (const services of sizes) {
      const state = syntheticCluster(services, perService);
      const build = await buildOnly(state, services >= 1000 ? 5 : 20);
      const sync = await fullSync(lab, services, state);
      results.push({
        services,
        endpointsPerService: perService,
        buildRules: build,
        sync,
        goalMs: 1000,
        withinGoal: sync.changeMs <= 1000,
      });
    }
  } finally {
    await lab.teardown();
  }
  return {
    bench: 'kube-proxy',
    backend: (await Iptables.detect()).backend,
    loadAverage: loadavg().map(round),
    cpus: cpus().length,
    results,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`));
}
