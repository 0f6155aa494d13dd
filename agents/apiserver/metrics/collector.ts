// The apiserver's resource metrics collector (what metrics-server does, inside the apiserver, as
// if aggregated): every --metric-resolution (10 s; metrics-server's default is 15 s) it scrapes
// GET /metrics/resource from every node's kubelet, dialled like `kubectl logs` is
// (kubelet-proxy.ts), and keeps each series' latest point and its usage over the last window
// (usage-points.ts). metrics.k8s.io answers from here (metrics-api.ts) and never waits for a scrape.
//
// A node that does not answer keeps its last series for one more round, then loses them: usage
// older than two resolutions is not usage any more.

import type { Logger } from '../../api/log';
import type { Registry } from '../../api/metrics';
import type { KubeObject } from '../../api/types';
import { type KubeletClientTls, kubeletEndpoint, kubeletRequest } from '../kubelet-proxy';
import { parsePrometheusText } from './prometheus-text';
import { type NodeSeries, pointsFromScrape, recordScrape } from './usage-points';

export const RESOURCE_METRICS_PATH = '/metrics/resource';

/** GET `path` from a kubelet; resolves with the body of a 200. */
export type KubeletFetch = (
  endpoint: NonNullable<ReturnType<typeof kubeletEndpoint>>,
  path: string,
  timeoutMs: number,
) => Promise<string>;

export interface CollectorOptions {
  /** The nodes to scrape (the apiserver's node cache). */
  nodes(): KubeObject[];
  resolutionMs: number;
  /** Per scrape; a kubelet slower than this counts as failed this round. */
  timeoutMs?: number;
  /** Scrapes in flight at once. */
  concurrency?: number;
  fetch?: KubeletFetch;
  registry?: Registry;
  log: Pick<Logger, 'warn'>;
  now?: () => number;
}

/** GETs from kubelets the way the log/exec proxy dials them (TLS with the apiserver's client certificate when set). */
export const kubeletFetcher =
  (tls?: KubeletClientTls): KubeletFetch =>
  (endpoint, path, timeoutMs) =>
    new Promise((resolve, reject) => {
      const req = kubeletRequest(
        endpoint,
        { method: 'GET', path, headers: { accept: 'text/plain' }, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode === 200) resolve(body);
            else reject(new Error(`${path}: HTTP ${res.statusCode}: ${body.slice(0, 200)}`));
          });
        },
        tls,
      );
      req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs}ms`)));
      req.on('error', reject);
      req.end();
    });

export class MetricsCollector {
  private readonly series = new Map<string, NodeSeries>();
  private readonly missed = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private readonly scrapes;
  private readonly durations;
  private readonly processing;
  /** Made once: the default dials kubelets in plain HTTP (tests); index.ts passes the TLS one. */
  private readonly fetch: KubeletFetch;

  constructor(private readonly o: CollectorOptions) {
    this.fetch = o.fetch ?? kubeletFetcher();
    this.scrapes = o.registry?.counter(
      'apiserver_metrics_scrapes_total',
      'Kubelet /metrics/resource scrapes by the resource metrics collector, by result.',
      ['result'],
    );
    this.durations = o.registry?.histogram(
      'apiserver_metrics_collection_duration_seconds',
      'How long one collection round over every node took.',
    );
    // The synchronous share of the collector's CPU (parsing and recording, which block the event
    // loop); the sockets' share shows only in the process total.
    this.processing = o.registry?.counter(
      'apiserver_metrics_scrape_processing_cpu_seconds_total',
      'CPU seconds spent parsing kubelet /metrics/resource answers and computing usage from them.',
    );
  }

  start(): void {
    void this.collectOnce();
    this.timer = setInterval(() => void this.collectOnce(), this.o.resolutionMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The series of one node, as of the last round that reached it. */
  node(name: string): NodeSeries | undefined {
    return this.series.get(name);
  }

  /** One round over every node; a round still running is joined, not doubled. */
  collectOnce(): Promise<void> {
    this.round ??= this.collect().finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  private async collect(): Promise<void> {
    const started = process.hrtime.bigint();
    const nodes = this.o.nodes();
    const names = new Set(nodes.map((n) => n.metadata?.name ?? ''));
    for (const name of this.series.keys()) if (!names.has(name)) this.forget(name);
    const queue = [...nodes];
    const worker = async () => {
      for (let node = queue.shift(); node; node = queue.shift()) await this.scrape(node);
    };
    await Promise.all(Array.from({ length: Math.min(queue.length, this.o.concurrency ?? 32) }, worker));
    this.durations?.observe(Number(process.hrtime.bigint() - started) / 1e9);
  }

  private async scrape(node: KubeObject): Promise<void> {
    const name = node.metadata?.name ?? '';
    const endpoint = kubeletEndpoint(node);
    try {
      if (!endpoint) throw new Error('no address to reach its kubelet at');
      const text = await this.fetch(endpoint, RESOURCE_METRICS_PATH, this.o.timeoutMs ?? 5000);
      const cpu = process.cpuUsage();
      const scrape = pointsFromScrape(parsePrometheusText(text), (this.o.now ?? Date.now)());
      this.series.set(name, recordScrape(this.series.get(name), scrape));
      const used = process.cpuUsage(cpu);
      this.processing?.inc((used.user + used.system) / 1e6);
      this.missed.delete(name);
      this.scrapes?.inc({ result: 'success' });
    } catch (err) {
      this.scrapes?.inc({ result: 'error' });
      const missed = (this.missed.get(name) ?? 0) + 1;
      this.missed.set(name, missed);
      if (missed >= 2) this.series.delete(name);
      // Once per outage, not every round.
      if (missed === 1)
        this.o.log.warn('metrics: scraping the kubelet failed', { node: name, err: (err as Error).message });
    }
  }

  private forget(name: string): void {
    this.series.delete(name);
    this.missed.delete(name);
  }
}
