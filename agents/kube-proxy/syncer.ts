// The I/O half of kube-proxy: whenever services or endpoints change, rebuild the node's KUBE-*
// rule set (rules.ts) and apply it with ONE `iptables-restore --noflush`, so a packet never sees
// half a service (under iptables-nft a large restore is cut into transactions of 100 service
// ports, each port whole in one of them and KUBE-SERVICES in the last: servicePortsPerTransaction
// in rules.ts says why). Shaped like upstream's proxier.syncProxyRules driven by its
// BoundedFrequencyRunner (pkg/util/async):
//
//   - changes are coalesced: at most one sync per --min-sync-period (a deployment rolling 30
//     pods causes a handful of syncs, not 60);
//   - a sync also runs every --sync-period even without a change;
//   - syncs never overlap; a change during a sync schedules one more.
//
// Most syncs are PARTIAL (upstream since 1.26): they write only the chains whose rules changed
// since the last sync and delete the stale ones (-X) in the same restore — at 10,000 services,
// one endpoint change is a dozen lines instead of ~230,000 (bench/kube-proxy.ts). Unlike
// upstream, whose partial syncs always rewrite KUBE-SERVICES and the other fixed chains, a fixed
// chain is left out too when its rules are unchanged: under iptables-nft, rewriting a
// KUBE-SERVICES of 10,000 rules costs ~1.5 s, on every sync. KUBE-SERVICES is written when its
// rules change: a service port comes, goes or changes, gains its first endpoint or loses its
// last. A sync with nothing changed (most --sync-period ticks) runs no iptables-restore at all.
// The price: a fixed chain someone else altered is repaired by the next full sync, not the next
// partial one — as for the per-service chains. A FULL sync — the first, the next after any
// failure, and one an hour (upstream's FullSyncPeriod) — reads the node's tables with
// iptables-save, writes every chain the node lacks or holds with other rules (upstream rewrites
// them all; see appliedOnNode in rules.ts), deletes our chains that are no longer wanted,
// inserts (-I, in the same restore) whichever hooks from PREROUTING, OUTPUT, POSTROUTING, INPUT
// and FORWARD into ours that save lacks — the only rules outside our chains — and sets
// net.ipv4.conf.all.route_localnet=1 (NodePorts on 127.0.0.1, see rules.ts), so it repairs
// whatever someone else changed in between.

import type { Logger } from '../api/log';
import type { Registry } from '../api/metrics';
import type { Endpoints, Service } from '../api/types';
import { type Backend, type Iptables, rulesInSave, type Table } from './iptables';
import { type JumpRule, missingJumps } from './jumps';
import {
  type AppliedChains,
  appliedOnNode,
  buildRuleTables,
  renderRestore,
  ruleContents,
  servicePortsPerTransaction,
} from './rules';
import { buildServicePorts, conntrackCleanups, type ServicePort } from './service-map';

/** Upstream proxyutil.FullSyncPeriod: partial syncs in between, one full sync per hour. */
export const FULL_SYNC_PERIOD_MS = 60 * 60 * 1000;

/** Lets 127.0.0.1 be routed to a pod (NodePorts on localhost; upstream sysctlRouteLocalnet). */
export const ROUTE_LOCALNET = 'net.ipv4.conf.all.route_localnet';

export interface ProxyState {
  services: Service[];
  endpoints: Endpoints[];
}

export interface SyncerOptions {
  /** `backend` decides how a large restore is cut into transactions (rules.ts). */
  iptables: Pick<Iptables, 'restore' | 'save'> & { backend?: Backend };
  clusterCIDR: string;
  node: { name: string; ip?: string };
  /** The informer caches, read at the start of every sync (level-triggered). */
  source: () => ProxyState;
  minSyncPeriodMs: number;
  syncPeriodMs: number;
  log: Logger;
  registry?: Registry;
  /** Runs `conntrack <args>`; failures are logged, never fatal (no entry to delete is exit 1). */
  conntrack?: (args: string[]) => Promise<unknown>;
  /** Sets a sysctl of the node's network namespace (here: route_localnet); errors are logged. */
  setSysctl?: (key: string, value: string) => Promise<void>;
  nowFn?: () => number;
}

export class Syncer {
  private lastPorts: ServicePort[] = [];
  private lastSyncStart = 0;
  private lastSuccess = 0;
  private timer: NodeJS.Timeout | undefined;
  private periodic: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private pending = false;
  private lastFullSync = 0;
  /** Chain → rules per table, as the last successful restore left them; undefined = unknown. */
  private applied: AppliedChains | undefined;
  private stopped = false;
  private readonly now: () => number;
  private readonly metrics;

  constructor(private readonly opts: SyncerOptions) {
    this.now = opts.nowFn ?? Date.now;
    const r = opts.registry;
    this.metrics = r && {
      duration: r.histogram(
        'kubeproxy_sync_proxy_rules_duration_seconds',
        'SyncProxyRules latency in seconds',
      ),
      // Upstream (≥ 1.28) times the two kinds of sync apart too.
      fullDuration: r.histogram(
        'kubeproxy_sync_full_proxy_rules_duration_seconds',
        'SyncProxyRules latency in seconds for full resyncs',
      ),
      partialDuration: r.histogram(
        'kubeproxy_sync_partial_proxy_rules_duration_seconds',
        'SyncProxyRules latency in seconds for partial resyncs',
      ),
      lastTimestamp: r.gauge(
        'kubeproxy_sync_proxy_rules_last_timestamp_seconds',
        'The last time proxy rules were successfully synced',
      ),
      errors: r.counter(
        'kubeproxy_sync_proxy_rules_iptables_restore_failures_total',
        'Cumulative proxy iptables restore failures',
      ),
      servicePorts: r.gauge('kubeproxy_sync_proxy_rules_service_ports', 'Service ports in the last sync'),
      endpoints: r.gauge('kubeproxy_sync_proxy_rules_endpoints', 'Ready endpoints in the last sync'),
    };
  }

  /** Periodic syncs start now; call requestSync() once the informers have synced. */
  start(): void {
    this.periodic = setInterval(() => this.requestSync(), this.opts.syncPeriodMs);
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.periodic);
    return this.running ?? Promise.resolve();
  }

  /** Called by informer handlers: schedule a sync no sooner than min-sync-period after the last. */
  requestSync(): void {
    if (this.stopped) return;
    if (this.running) {
      this.pending = true;
      return;
    }
    if (this.timer) return;
    const wait = Math.max(0, this.lastSyncStart + this.opts.minSyncPeriodMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.syncOnce().finally(() => {
        this.running = undefined;
        if (this.pending) {
          this.pending = false;
          this.requestSync();
        }
      });
    }, wait);
  }

  /** Healthy when the last successful sync is recent enough (upstream ProxierHealthServer). */
  healthy(): boolean {
    return (
      this.lastSuccess > 0 &&
      this.now() - this.lastSuccess < 2 * this.opts.syncPeriodMs + this.opts.minSyncPeriodMs
    );
  }

  private async syncOnce(): Promise<void> {
    this.lastSyncStart = this.now();
    try {
      await this.sync();
      this.lastSuccess = this.now();
    } catch (err) {
      this.metrics?.errors.inc();
      this.opts.log.error('Failed to sync iptables rules; retrying', { err: String(err) });
      this.applied = undefined; // upstream needFullSync: the retry is a full sync
      this.pending = true; // retried after min-sync-period
    }
  }

  /** One sync (full or partial, see the top). Public so tests and the bench can run it directly. */
  async sync(): Promise<void> {
    const started = this.now();
    const done = this.metrics?.duration.startTimer();
    const { services, endpoints } = this.opts.source();
    const ports = buildServicePorts(services, endpoints);
    const full = !this.applied || this.now() - this.lastFullSync >= FULL_SYNC_PERIOD_MS;
    // A full sync reads the node; a partial one trusts what the last sync applied.
    const onNode = full ? await this.readNode() : undefined;
    const tables = buildRuleTables(ports, {
      node: this.opts.node,
      clusterCIDR: this.opts.clusterCIDR,
      existingChains: {
        nat: onNode?.chains.get('nat')?.keys(),
        filter: onNode?.chains.get('filter')?.keys(),
      },
    });
    const text = renderRestore(
      tables,
      onNode ? appliedOnNode(tables, onNode.chains) : this.applied,
      onNode?.missingHooks,
      servicePortsPerTransaction(this.opts.iptables.backend),
    );
    try {
      if (text) await this.opts.iptables.restore(text); // '': nothing changed since the last sync
    } catch (err) {
      this.applied = undefined; // the node's state is unknown now: the retry writes everything
      throw err;
    }
    this.applied = ruleContents(tables);
    if (full) {
      await this.opts.setSysctl?.(ROUTE_LOCALNET, '1').catch((err) =>
        this.opts.log.error('Failed to set sysctl; NodePorts will not answer on localhost', {
          key: ROUTE_LOCALNET,
          err: String(err),
        }),
      );
      this.lastFullSync = this.now();
    }
    await this.flushConntrack(ports);
    this.lastPorts = ports;
    done?.();
    (full ? this.metrics?.fullDuration : this.metrics?.partialDuration)?.observe(
      (this.now() - started) / 1000,
    );
    this.metrics?.lastTimestamp.set(this.now() / 1000);
    this.metrics?.servicePorts.set(ports.length);
    this.metrics?.endpoints.set(ports.reduce((n, p) => n + p.endpoints.length, 0));
    this.opts.log.debug('Synced iptables rules', { full, servicePorts: ports.length, bytes: text.length });
  }

  /** A full sync's view of the node: its chains and their rules, and the hooks it lacks. */
  private async readNode(): Promise<{
    chains: Map<Table, Map<string, string[]>>;
    missingHooks: JumpRule[];
  }> {
    const text = await this.opts.iptables.save(); // every table in one read (Iptables.save)
    return { chains: rulesInSave(text), missingHooks: missingJumps(text) };
  }

  private async flushConntrack(ports: ServicePort[]): Promise<void> {
    if (!this.opts.conntrack) return;
    for (const args of conntrackCleanups(this.lastPorts, ports)) {
      await this.opts
        .conntrack(args)
        .catch((err) =>
          this.opts.log.warn('conntrack cleanup failed', { args: args.join(' '), err: String(err) }),
        );
    }
  }
}
