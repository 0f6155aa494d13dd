// kube-proxy sync time at 1,000 and 10,000 services × 5 endpoints. Goals (research-controlplane-
// perf.md and the kube-proxy brief): a full sync ≤ 1 s at 1k and ≤ 5 s at 10k; a sync after one
// endpoint change ≤ 200 ms at 10k. Each figure stands beside its limit, measured in the same run
// on the same machine: what `iptables-restore --noflush` alone takes for the same text.
//
//   build      the pure builder alone on fresh objects (nothing memoized): full rule text
//   fullSync   Syncer.sync() on an empty namespace: buildRules + one iptables-save + ONE restore (the
//              hooks from PREROUTING, OUTPUT, … (jumps.ts) inserted in it); under nf_tables that
//              restore holds several transactions (servicePortsPerTransaction in rules.ts)
//   rawFull    `iptables-restore --noflush` of the very text fullSync wrote, into a second empty namespace
//   rawOneTransaction  (nf_tables) the same rules in one transaction, into a third namespace: what
//              the syncer wrote before it cut them
//   change     Syncer.sync() after one endpoint of one service was replaced (a partial sync:
//              that service's chain, the new KUBE-SEP, -X of the old one; no fixed chain, as
//              KUBE-SERVICES did not change)
//   rawChange  `iptables-restore --noflush` of the very text that sync wrote, into the second
//              namespace, which holds the same rules as the first — the hooks included, which
//              came with rawFull's text. They matter: once a base chain leads into
//              KUBE-SERVICES, nf_tables validates every chain it can reach on each commit that
//              adds a rule (~0.3 s at 10,000 services here, whatever the text's size).
//   steady     Syncer.sync() with nothing changed (the --sync-period tick): no restore at all
//   resync     a new Syncer's first sync on the filled namespace (a restarted kube-proxy, or the
//              hourly full sync): it reads every table and writes only what differs, here nothing
//   saves      `iptables-save` of every table (one read, as the syncer does it), the part of a
//              resync no syncer can skip
//
// Both iptables backends where the host has them: the one `iptables` is here (nf_tables on this
// Debian) and the other (legacy x_tables). They cost differently — nf_tables re-validates every
// chain a hook reaches on each commit that adds a rule, legacy replaces the whole table on every
// restore, however small — so which goal a backend can meet is the kernel's answer, and the bench
// puts both beside each other in one run.
//
// Wall time on a shared machine is mostly other people's load, so `cpuMs` (this process's CPU
// time) is given beside it; `uptime` is printed with the results. Namespaces are created and
// removed by the bench (NetnsLab). Prints JSON: `node --import tsx bench/kube-proxy.ts`.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createLogger } from '../agents/api/log';
import { type Backend, Iptables } from '../agents/kube-proxy/iptables';
import { buildRules, servicePortsPerTransaction } from '../agents/kube-proxy/rules';
import { type ProxyState, Syncer, type SyncerOptions } from '../agents/kube-proxy/syncer';
import { endpoints as endpointsOf, syntheticCluster } from '../agents/kube-proxy/testing/fixtures';
import { NetnsLab } from '../test/support/netns';
import { type Compared, compare, runWhenMain } from './lib/report';

const node = { name: 'bench', ip: '192.168.200.101' };
const clusterCIDR = '10.244.0.0/16';
const round = (ms: number) => Math.round(ms * 10) / 10;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Timing {
  ms: number;
  /** CPU time of this process (the builder, the syncer) … */
  cpuMs: number;
  /** … and of the commands it ran (iptables-restore, -save), in 10 ms clock ticks. */
  childCpuMs: number;
}

/** CPU time of reaped children so far (/proc/self/stat cutime + cstime, USER_HZ = 100). */
function childCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** Wall time and CPU time of one call. */
async function timed(fn: () => unknown): Promise<Timing> {
  const cpu = process.cpuUsage();
  const children = childCpuMs();
  const start = process.hrtime.bigint();
  await fn();
  const used = process.cpuUsage(cpu);
  return {
    ms: round(Number(process.hrtime.bigint() - start) / 1e6),
    cpuMs: round((used.user + used.system) / 1000),
    childCpuMs: childCpuMs() - children,
  };
}

const medianOf = (ts: Timing[]): Timing => ({
  ms: median(ts.map((t) => t.ms)),
  cpuMs: median(ts.map((t) => t.cpuMs)),
  childCpuMs: median(ts.map((t) => t.childCpuMs)),
});

/** The builder on fresh objects each run, so no memo helps (a cold start, or a full resync). */
async function buildOnly(services: number, perService: number, runs: number) {
  const times: Timing[] = [];
  let text = '';
  for (let i = 0; i < runs; i++) {
    const state = syntheticCluster(services, perService);
    times.push(await timed(() => (text = buildRules({ ...state, node, clusterCIDR }))));
  }
  return { ...medianOf(times), bytes: text.length, lines: text.split('\n').length };
}

async function syncs(lab: NetnsLab, backend: Backend, services: number, perService: number) {
  const state: ProxyState = syntheticCluster(services, perService);
  const [ns, twin] = [await lab.add(`${backend[0]}s${services}`), await lab.add(`${backend[0]}r${services}`)];
  const iptables = Iptables.of(backend, ['nsenter', `--net=${ns.path}`]);
  const raw = Iptables.of(backend, ['nsenter', `--net=${twin.path}`]);
  let last = '';
  const options: SyncerOptions = {
    iptables: {
      backend,
      save: (t) => iptables.save(t),
      restore: (text) => {
        last = text;
        return iptables.restore(text);
      },
    },
    clusterCIDR,
    node,
    source: () => state,
    minSyncPeriodMs: 0,
    syncPeriodMs: 60_000,
    log: createLogger('bench', { level: 'error' }),
  };
  const syncer = new Syncer(options);
  const fullSync = await timed(() => syncer.sync());
  const fullText = last;
  const rawFull = await timed(() => raw.restore(fullText));
  // The same rules as ONE transaction, as the syncer wrote them before 2026-12-03 and still does
  // under legacy: into a third namespace (nf_tables only; under legacy it is the text above).
  let rawOneTransaction: Timing | undefined;
  if (backend === 'nft') {
    const third = Iptables.of(backend, [
      'nsenter',
      `--net=${(await lab.add(`${backend[0]}o${services}`)).path}`,
    ]);
    rawOneTransaction = await timed(() => third.restore(buildRules({ ...state, node, clusterCIDR })));
  }
  const change: Timing[] = [];
  const rawChange: Timing[] = [];
  let changeLines = 0;
  for (let i = 0; i < 3; i++) {
    // One endpoint of svc-0 replaced by a new pod: its KUBE-SVC rewritten, one KUBE-SEP swapped.
    const ips = Array.from({ length: perService }, (_, j) =>
      j === 0 ? `10.245.0.${i + 1}` : `10.244.0.${j}`,
    );
    state.endpoints[0] = endpointsOf('default', 'svc-0', ips, [{ port: 80, targetPort: 8080 }]);
    change.push(await timed(() => syncer.sync()));
    const text = last;
    changeLines = text.split('\n').length;
    rawChange.push(await timed(() => raw.restore(text)));
  }
  const steady: Timing[] = [];
  for (let i = 0; i < 3; i++) steady.push(await timed(() => syncer.sync()));
  // A restarted kube-proxy (or the hourly full sync) on this node: a full sync that finds every
  // chain in place, beside the iptables-save it has to read to know that.
  last = '';
  const resync = await timed(() => new Syncer(options).sync());
  const resyncWrote = last ? last.split('\n').length : 0;
  const saves = await timed(() => iptables.save());
  const natChains = (await iptables.save('nat')).split('\n').filter((l) => l.startsWith(':KUBE-')).length;
  return {
    fullSync,
    rawFull,
    ...(rawOneTransaction ? { rawOneTransaction } : {}),
    fullLines: fullText.split('\n').length,
    fullTransactions: fullText.split('\n').filter((l) => l === 'COMMIT').length,
    change: medianOf(change),
    rawChange: medianOf(rawChange),
    changeLines,
    steady: medianOf(steady),
    resync,
    resyncLinesWritten: resyncWrote,
    saves,
    natChains,
  };
}

const GOALS = { fullMs: { 1000: 1000, 10000: 5000 } as Record<number, number>, changeMs: 200 };

/**
 * The host's own backend first, then the other one when it works here: a restore into a fresh
 * namespace must succeed (legacy needs the ip_tables modules, which not every kernel has).
 */
async function backendsHere(lab: NetnsLab): Promise<{ backends: Backend[]; skipped: string[] }> {
  const own = (await Iptables.detect()).backend;
  const other: Backend = own === 'nft' ? 'legacy' : 'nft';
  const probe = await lab.add('probe');
  try {
    await Iptables.of(other, ['nsenter', `--net=${probe.path}`]).restore(
      '*nat\n:KUBE-PROBE - [0:0]\nCOMMIT\n',
    );
    return { backends: [own, other], skipped: [] };
  } catch (err) {
    return { backends: [own], skipped: [`${other}: ${(err as Error).message}`] };
  }
}

export async function run(sizes = [1000, 10_000], perService = 5) {
  const lab = new NetnsLab();
  const results = [];
  let here: { backends: Backend[]; skipped: string[] } = { backends: [], skipped: [] };
  try {
    here = await backendsHere(lab);
    for (const backend of here.backends) {
      for (const services of sizes) {
        const build = await buildOnly(services, perService, services >= 10_000 ? 3 : 5);
        const sync = await syncs(lab, backend, services, perService);
        const fullGoal = GOALS.fullMs[services];
        results.push({
          backend,
          services,
          endpointsPerService: perService,
          build,
          ...sync,
          goals: { fullSyncMs: fullGoal, changeMs: GOALS.changeMs },
          withinGoal: {
            fullSync: fullGoal === undefined ? null : sync.fullSync.ms <= fullGoal,
            change: sync.change.ms <= GOALS.changeMs,
          },
        });
      }
    }
  } finally {
    await lab.teardown();
  }
  // The table's rows: each sync beside `iptables-restore --noflush` of the very text it wrote.
  const headline: Compared[] = [];
  for (const r of results) {
    const at = `${r.services.toLocaleString('en-US')} services`;
    headline.push(
      compare(
        `kube-proxy full sync (iptables-${r.backend}), ${at} × ${perService} endpoints, vs iptables-restore of its text`,
        r.fullSync.ms,
        r.rawFull.ms,
        'ms',
        r.goals.fullSyncMs === undefined ? undefined : `≤ ${r.goals.fullSyncMs} ms`,
      ),
      compare(
        `kube-proxy sync after one endpoint change (iptables-${r.backend}) at ${at} (median of 3), vs iptables-restore of its text`,
        r.change.ms,
        r.rawChange.ms,
        'ms',
        `≤ ${GOALS.changeMs} ms`,
      ),
      compare(
        `kube-proxy full sync of an unchanged node (iptables-${r.backend}; a restart, the hourly one) at ${at}, vs the iptables-save it reads`,
        r.resync.ms,
        r.saves.ms,
        'ms',
      ),
    );
    if (r.rawOneTransaction)
      headline.push(
        compare(
          `iptables-restore of the full sync's rules at ${at} in one transaction (the syncer's text before 2026-12-03), vs in the syncer's transactions of ${servicePortsPerTransaction(r.backend)} service ports`,
          r.rawOneTransaction.ms,
          r.rawFull.ms,
          'ms',
        ),
      );
  }
  return {
    headline,
    bench: 'kube-proxy',
    hostBackend: here.backends[0],
    skippedBackends: here.skipped,
    uptime: execFileSync('uptime', { encoding: 'utf8' }).trim(),
    loadAverage: loadavg().map(round),
    cpus: cpus().length,
    results,
  };
}

runWhenMain(import.meta.url, run);
