// A small Prometheus registry: counters, gauges and histograms rendered in the text exposition
// format 0.0.4, which is what every component serves on /metrics (component-base/metrics wraps
// client_golang for the same job upstream). No dependency: the format is a few lines per series.
//
//   # HELP rest_client_requests_total Number of HTTP requests, partitioned by code and method.
//   # TYPE rest_client_requests_total counter
//   rest_client_requests_total{code="200",method="GET"} 12
//
// Label values are escaped (\\, \", \n); series keep the order of their first write.

export type Labels = Record<string, string | number>;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** client_golang's DefBuckets, in seconds. */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Go's float text for sample values: +Inf, -Inf, NaN, otherwise the shortest decimal. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** `{a="1",b="x"}`, or '' when there are no labels. */
function labelText(pairs: Array<[string, string]>): string {
  if (pairs.length === 0) return '';
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

// Overloads read as `inc()`, `inc(3)`, `inc({code: '200'})`, `inc({code: '200'}, 3)`.
function splitArgs(
  a: Labels | number | undefined,
  b: number | undefined,
  fallback: number,
): [Labels, number] {
  if (typeof a === 'number') return [{}, a];
  return [a ?? {}, b ?? fallback];
}

abstract class Metric<S> {
  protected readonly series = new Map<string, { values: string[]; state: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    readonly labelNames: readonly string[],
  ) {
    if (!NAME.test(name)) throw new Error(`invalid metric name "${name}"`);
    for (const l of labelNames)
      if (!LABEL.test(l) || l === 'le') throw new Error(`invalid label name "${l}" on ${name}`);
  }

  protected abstract fresh(): S;
  protected abstract sampleLines(pairs: Array<[string, string]>, state: S): string[];

  /** The state of one series, created on first use. Unknown label names are a programming error. */
  protected at(labels: Labels): S {
    for (const k of Object.keys(labels)) {
      if (!this.labelNames.includes(k)) throw new Error(`metric ${this.name} has no label "${k}"`);
    }
    const values = this.labelNames.map((l) => String(labels[l] ?? ''));
    const key = JSON.stringify(values);
    let s = this.series.get(key);
    if (!s) {
      s = { values, state: this.fresh() };
      this.series.set(key, s);
    }
    return s.state;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`];
    // An unlabeled metric always has its one series, so a fresh counter shows `name 0`.
    if (this.labelNames.length === 0) this.at({});
    for (const { values, state } of this.series.values()) {
      const pairs = this.labelNames.map((l, i): [string, string] => [l, values[i]]);
      lines.push(...this.sampleLines(pairs, state));
    }
    return `${lines.join('\n')}\n`;
  }
}

export class Counter extends Metric<{ v: number }> {
  protected fresh() {
    return { v: 0 };
  }
  inc(labels?: Labels | number, n?: number): void {
    const [l, by] = splitArgs(labels, n, 1);
    if (by < 0) throw new Error(`counter ${this.name} cannot decrease (inc by ${by})`);
    this.at(l).v += by;
  }
  get(labels: Labels = {}): number {
    return this.at(labels).v;
  }
  protected sampleLines(pairs: Array<[string, string]>, s: { v: number }): string[] {
    return [`${this.name}${labelText(pairs)} ${formatValue(s.v)}`];
  }
}

export class Gauge extends Metric<{ v: number }> {
  protected fresh() {
    return { v: 0 };
  }
  set(labels: Labels | number, v?: number): void {
    const [l, value] = splitArgs(labels, v, Number.NaN);
    this.at(l).v = value;
  }
  inc(labels?: Labels | number, n?: number): void {
    const [l, by] = splitArgs(labels, n, 1);
    this.at(l).v += by;
  }
  dec(labels?: Labels | number, n?: number): void {
    const [l, by] = splitArgs(labels, n, 1);
    this.at(l).v -= by;
  }
  get(labels: Labels = {}): number {
    return this.at(labels).v;
  }
  protected sampleLines(pairs: Array<[string, string]>, s: { v: number }): string[] {
    return [`${this.name}${labelText(pairs)} ${formatValue(s.v)}`];
  }
}

interface HistogramState {
  counts: number[]; // per bucket, not cumulative
  sum: number;
  count: number;
}

export class Histogram extends Metric<HistogramState> {
  readonly buckets: number[];

  constructor(name: string, help: string, buckets: number[], labelNames: readonly string[]) {
    super(name, help, 'histogram', labelNames);
    this.buckets = [...buckets].sort((a, b) => a - b);
  }
  protected fresh(): HistogramState {
    return { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
  }
  observe(labels: Labels | number, v?: number): void {
    const [l, value] = splitArgs(labels, v, Number.NaN);
    const s = this.at(l);
    const i = this.buckets.findIndex((le) => value <= le);
    if (i >= 0) s.counts[i]++;
    s.sum += value;
    s.count++;
  }
  /** Starts a timer; calling the result observes the elapsed seconds. */
  startTimer(labels: Labels = {}): () => number {
    const start = process.hrtime.bigint();
    return () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      this.observe(labels, seconds);
      return seconds;
    };
  }
  protected sampleLines(pairs: Array<[string, string]>, s: HistogramState): string[] {
    const lines: string[] = [];
    let cumulative = 0;
    this.buckets.forEach((le, i) => {
      cumulative += s.counts[i];
      lines.push(`${this.name}_bucket${labelText([...pairs, ['le', formatValue(le)]])} ${cumulative}`);
    });
    lines.push(`${this.name}_bucket${labelText([...pairs, ['le', '+Inf']])} ${s.count}`);
    lines.push(`${this.name}_sum${labelText(pairs)} ${formatValue(s.sum)}`);
    lines.push(`${this.name}_count${labelText(pairs)} ${s.count}`);
    return lines;
  }
}

/** A counter or gauge whose value is read at render time (client_golang's CounterFunc/GaugeFunc). */
class FuncMetric extends Metric<null> {
  constructor(
    name: string,
    help: string,
    type: 'counter' | 'gauge',
    private readonly read: () => number,
  ) {
    super(name, help, type, []);
  }
  protected fresh() {
    return null;
  }
  protected sampleLines(): string[] {
    return [`${this.name} ${formatValue(this.read())}`];
  }
}

export class Registry {
  private readonly metrics = new Map<string, { name: string; render(): string }>();

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, 'counter', labelNames));
  }
  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.add(new Gauge(name, help, 'gauge', labelNames));
  }
  histogram(
    name: string,
    help: string,
    buckets: number[] = DEFAULT_BUCKETS,
    labelNames: readonly string[] = [],
  ): Histogram {
    return this.add(new Histogram(name, help, buckets, labelNames));
  }
  counterFunc(name: string, help: string, read: () => number): void {
    this.add(new FuncMetric(name, help, 'counter', read));
  }
  gaugeFunc(name: string, help: string, read: () => number): void {
    this.add(new FuncMetric(name, help, 'gauge', read));
  }

  private add<M extends { name: string; render(): string }>(m: M): M {
    if (this.metrics.has(m.name)) throw new Error(`metric ${m.name} is already registered`);
    this.metrics.set(m.name, m);
    return m;
  }

  /** The whole registry as `text/plain; version=0.0.4`. */
  render(): string {
    return [...this.metrics.values()].map((m) => m.render()).join('');
  }
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The process_* and nodejs_* metrics every component exports, read when /metrics is scraped. */
export function processMetrics(registry: Registry): void {
  const startSeconds = Math.round(Date.now() / 1000 - process.uptime());
  registry.counterFunc(
    'process_cpu_seconds_total',
    'Total user and system CPU time spent in seconds.',
    () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1e6;
    },
  );
  registry.gaugeFunc(
    'process_resident_memory_bytes',
    'Resident memory size in bytes.',
    () => process.memoryUsage().rss,
  );
  registry.gaugeFunc(
    'process_start_time_seconds',
    'Start time of the process since unix epoch in seconds.',
    () => startSeconds,
  );
  registry.gaugeFunc(
    'nodejs_heap_size_total_bytes',
    'Process heap size from Node.js in bytes.',
    () => process.memoryUsage().heapTotal,
  );
  registry.gaugeFunc(
    'nodejs_heap_size_used_bytes',
    'Process heap size used from Node.js in bytes.',
    () => process.memoryUsage().heapUsed,
  );
  registry.gaugeFunc(
    'nodejs_external_memory_bytes',
    'Node.js external memory size in bytes.',
    () => process.memoryUsage().external,
  );
}
