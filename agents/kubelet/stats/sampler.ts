// Background sampling (upstream: cAdvisor's housekeeping, every 10 s by default; 5 s here so the
// apiserver's 10 s collection always finds a fresh window). Every round reads the node and each
// running app container once, keeps the two latest readings per series and drops containers that
// are gone. Requests read `snapshot()` and never wait for a round.

import type { Logger } from '../../api/log';
import type {
  MeasuredContainer,
  NodeSample,
  SamplePair,
  StatsSnapshot,
  UsageSample,
  UsageSource,
} from './types';
import { advance } from './usage';

export const DEFAULT_SAMPLE_INTERVAL_MS = 5000;

export interface SamplerOptions {
  nodeName: string;
  source: UsageSource;
  /** The running app containers to measure (sandboxes are left out: they idle by design). */
  containers(): Promise<MeasuredContainer[]>;
  nodeStartTime?: () => Promise<string | undefined>;
  intervalMs?: number;
  log?: Pick<Logger, 'warn'>;
}

export class StatsSampler {
  private node?: SamplePair<NodeSample>;
  private readonly series = new Map<string, { container: MeasuredContainer; pair: SamplePair }>();
  private scrapeError = false;
  private nodeStartTime?: string;
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;

  constructor(private readonly o: SamplerOptions) {}

  start(): void {
    void this.sampleOnce();
    this.timer = setInterval(() => void this.sampleOnce(), this.o.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One round; a round still running is joined, not doubled. */
  sampleOnce(): Promise<void> {
    this.round ??= this.measure().finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  snapshot(): StatsSnapshot {
    return {
      nodeName: this.o.nodeName,
      nodeStartTime: this.nodeStartTime,
      node: this.node,
      containers: [...this.series.values()].map(({ container, pair }) => ({ container, ...pair })),
      scrapeError: this.scrapeError,
    };
  }

  private async measure(): Promise<void> {
    let failed = false;
    const fail = (what: string, err: unknown) => {
      failed = true;
      this.o.log?.warn('stats: reading usage failed', { what, err: String(err) });
    };
    this.nodeStartTime ??= await this.o.nodeStartTime?.().catch(() => undefined);
    try {
      this.node = advance(this.node, await this.o.source.node());
    } catch (err) {
      fail('node', err);
    }
    let running: MeasuredContainer[] = [];
    try {
      running = await this.o.containers();
    } catch (err) {
      fail('container list', err);
      running = [...this.series.values()].map((s) => s.container);
    }
    const readings = await Promise.all(
      running.map(async (c): Promise<[MeasuredContainer, UsageSample | undefined]> => {
        try {
          return [c, await this.o.source.container(c)];
        } catch (err) {
          fail(`container ${c.podNamespace}/${c.podName}/${c.name}`, err);
          return [c, undefined];
        }
      }),
    );
    const live = new Set<string>();
    for (const [c, reading] of readings) {
      if (!reading) continue;
      live.add(c.id);
      this.series.set(c.id, { container: c, pair: advance(this.series.get(c.id)?.pair, reading) });
    }
    for (const id of this.series.keys()) {
      if (live.has(id)) continue;
      this.series.delete(id);
      this.o.source.forget?.(id);
    }
    this.scrapeError = failed;
  }
}
