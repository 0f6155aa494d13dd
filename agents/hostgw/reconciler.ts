// Level-triggered loop: whatever changed, read all Nodes from the cache, plan, apply. Runs are
// serialized and coalesced (a burst of node heartbeats causes one run, not fifty), and repeated
// every resync period so a route someone deleted by hand comes back.

import type { Logger } from '../api/log';
import type { Registry } from '../api/metrics';
import type { Node } from '../api/types';
import { clusterRoutes, planRoutes } from './plan';
import type { RouteTable } from './routes';

export interface ReconcilerOptions {
  routes: Pick<RouteTable, 'list' | 'apply' | 'ensureForwarding' | 'ensureClusterRoutes'>;
  nodes: () => Node[];
  self: string;
  clusterCIDR: string;
  /** Kept inside the cluster too (routed to lo), when given. */
  serviceCIDR?: string;
  /** Source address for the service-CIDR route: the node's InternalIP. */
  nodeIP?: string;
  log: Logger;
  registry?: Registry;
  resyncMs: number;
}

export class NetworkReconciler {
  private running: Promise<void> | undefined;
  private pending = false;
  private timer: NodeJS.Timeout | undefined;
  private lastSuccess = 0;
  private readonly metrics;

  constructor(private readonly opts: ReconcilerOptions) {
    const r = opts.registry;
    this.metrics = r && {
      routes: r.gauge('nodekube_hostgw_routes', 'Routes to other nodes’ pod CIDRs this node holds'),
      errors: r.counter('nodekube_hostgw_sync_errors_total', 'Failed route syncs'),
    };
  }

  start(): void {
    this.timer = setInterval(() => this.requestSync(), this.opts.resyncMs);
    this.requestSync();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  healthy(): boolean {
    return this.lastSuccess > 0 && Date.now() - this.lastSuccess < 3 * this.opts.resyncMs;
  }

  requestSync(): void {
    if (this.running) {
      this.pending = true;
      return;
    }
    this.running = this.syncOnce().finally(() => {
      this.running = undefined;
      if (this.pending) {
        this.pending = false;
        this.requestSync();
      }
    });
  }

  private async syncOnce(): Promise<void> {
    try {
      await this.sync();
      this.lastSuccess = Date.now();
    } catch (err) {
      this.metrics?.errors.inc();
      this.opts.log.error('Route sync failed', { err: String(err) });
    }
  }

  async sync(): Promise<void> {
    await this.opts.routes.ensureForwarding(this.opts.clusterCIDR);
    const { clusterCIDR, serviceCIDR, nodeIP } = this.opts;
    await this.opts.routes.ensureClusterRoutes(clusterRoutes({ clusterCIDR, serviceCIDR, nodeIP }));
    const current = await this.opts.routes.list();
    const plan = planRoutes(this.opts.nodes(), this.opts.self, current);
    await this.opts.routes.apply(plan);
    for (const r of plan.add) this.opts.log.info('Route to pods of another node', { dst: r.dst, via: r.via });
    for (const r of plan.del)
      this.opts.log.info('Removed route of a node that left', { dst: r.dst, via: r.via });
    this.metrics?.routes.set(current.length + plan.add.length - plan.del.length);
  }
}
