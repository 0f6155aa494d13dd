import { describe, expect, it } from 'vitest';
import { escapeLabelValue, formatValue, processMetrics, Registry } from './metrics';

describe('Registry.render (text format 0.0.4)', () => {
  it('renders an unlabeled counter at 0 before any write', () => {
    const r = new Registry();
    r.counter('nodekube_syncs_total', 'Syncs run.');
    expect(r.render()).toBe(
      '# HELP nodekube_syncs_total Syncs run.\n# TYPE nodekube_syncs_total counter\nnodekube_syncs_total 0\n',
    );
  });

  it('renders labeled counters in write order, missing labels as empty', () => {
    const r = new Registry();
    const c = r.counter('rest_client_requests_total', 'Requests.', ['code', 'method']);
    c.inc({ code: '200', method: 'GET' });
    c.inc({ code: '200', method: 'GET' }, 2);
    c.inc({ method: 'POST' });
    expect(r.render().split('\n')).toEqual([
      '# HELP rest_client_requests_total Requests.',
      '# TYPE rest_client_requests_total counter',
      'rest_client_requests_total{code="200",method="GET"} 3',
      'rest_client_requests_total{code="",method="POST"} 1',
      '',
    ]);
    expect(c.get({ code: '200', method: 'GET' })).toBe(3);
  });

  it('escapes label values and help text', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    const r = new Registry();
    r.gauge('g', 'line one\nline \\two', ['path']).set({ path: 'C:\\"x"' }, 1);
    expect(r.render()).toBe('# HELP g line one\\nline \\\\two\n# TYPE g gauge\ng{path="C:\\\\\\"x\\""} 1\n');
  });

  it('gauges set, inc and dec', () => {
    const r = new Registry();
    const g = r.gauge('workqueue_depth', 'Depth.', ['name']);
    g.set({ name: 'deployment' }, 5);
    g.inc({ name: 'deployment' });
    g.dec({ name: 'deployment' }, 3);
    const plain = r.gauge('leader', 'Leader.');
    plain.set(1);
    plain.inc(2);
    expect(g.get({ name: 'deployment' })).toBe(3);
    expect(plain.get()).toBe(3);
    expect(r.render()).toContain('workqueue_depth{name="deployment"} 3\n');
  });

  it('renders histograms with cumulative buckets, +Inf, _sum and _count', () => {
    const r = new Registry();
    const h = r.histogram('apiserver_request_duration_seconds', 'Latency.', [0.1, 1, 0.5], ['verb']);
    for (const v of [0.05, 0.3, 0.7, 4]) h.observe({ verb: 'GET' }, v);
    expect(r.render().split('\n').slice(2)).toEqual([
      'apiserver_request_duration_seconds_bucket{verb="GET",le="0.1"} 1',
      'apiserver_request_duration_seconds_bucket{verb="GET",le="0.5"} 2',
      'apiserver_request_duration_seconds_bucket{verb="GET",le="1"} 3',
      'apiserver_request_duration_seconds_bucket{verb="GET",le="+Inf"} 4',
      'apiserver_request_duration_seconds_sum{verb="GET"} 5.05',
      'apiserver_request_duration_seconds_count{verb="GET"} 4',
      '',
    ]);
  });

  it('times with startTimer', () => {
    const r = new Registry();
    const h = r.histogram('sync_seconds', 'Sync.');
    const seconds = h.startTimer()();
    expect(seconds).toBeGreaterThanOrEqual(0);
    expect(r.render()).toContain('sync_seconds_count 1\n');
  });

  it('rejects bad names, unknown labels, duplicates and decreasing counters', () => {
    const r = new Registry();
    expect(() => r.counter('bad-name', 'x')).toThrow('invalid metric name "bad-name"');
    expect(() => r.histogram('h', 'x', undefined, ['le'])).toThrow('invalid label name "le"');
    const c = r.counter('c', 'x', ['a']);
    expect(() => c.inc({ b: '1' })).toThrow('metric c has no label "b"');
    expect(() => c.inc({ a: '1' }, -1)).toThrow('cannot decrease');
    expect(() => r.gauge('c', 'again')).toThrow('metric c is already registered');
  });

  it.each([
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
    [Number.NaN, 'NaN'],
    [0.25, '0.25'],
    [1e21, '1e+21'],
  ])('formatValue(%d) = %s', (v, want) => expect(formatValue(v)).toBe(want));
});

describe('processMetrics', () => {
  it('reads process and heap figures at render time', () => {
    const r = new Registry();
    processMetrics(r);
    const text = r.render();
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'process_start_time_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
      expect(m, name).not.toBeNull();
      expect(Number(m?.[1])).toBeGreaterThan(0);
    }
    expect(text).toContain('# TYPE process_cpu_seconds_total counter');
  });
});
