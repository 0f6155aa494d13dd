// Apiserver latency and watch fan-out on a real etcd (issue #2's goals: LIST 10k pods p99 ≤ 1 s,
// single-object writes p99 ≤ 50 ms, fan-out ≥ 10k events/s with 100 watchers on 2 cores).
//
//   create / get / list / watch latency p50 and p99 with 1k and then 10k pods stored
//   watch latency: from a write's response to its event arriving at a watcher
//   fan-out: 100 watchers, a burst of writes, events delivered per second across all watchers
import { cpus, loadavg } from 'node:os';
import { startControlPlane } from '../test/support/apiserver';

const PODS = '/api/v1/namespaces/default/pods';
const CMS = '/api/v1/namespaces/default/configmaps';

function podBody(i: number): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `bench-${i}`, labels: { app: 'bench', shard: String(i % 10) } },
    spec: {
      nodeName: `node-${i % 50}`,
      containers: [
        {
          name: 'app',
          image: 'registry.local/app:1.0',
          ports: [{ containerPort: 8080 }],
          resources: { requests: { cpu: '100m', memory: '64Mi' } },
        },
      ],
    },
  });
}

function percentiles(ms: number[]): { p50: number; p99: number; n: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => Number(s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(2));
  return { p50: at(0.5), p99: at(0.99), n: s.length };
}

async function timed(fn: () => Promise<Response>): Promise<number> {
  const t = performance.now();
  const res = await fn();
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return performance.now() - t;
}

/** Run `count` jobs with `concurrency` in flight, returning each job's latency. */
async function pool(
  count: number,
  concurrency: number,
  job: (i: number) => Promise<number>,
): Promise<number[]> {
  const out: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) out.push(await job(next++));
    }),
  );
  return out;
}

/** Open a watch and call `onLine` per event line (no JSON parsing: the client stays cheap). */
function openWatch(url: string, onLine: (line: string) => void): { ready: Promise<void>; stop(): void } {
  const ac = new AbortController();
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (resolveReady = r));
  void (async () => {
    try {
      const res = await fetch(url, { signal: ac.signal });
      resolveReady();
      const decoder = new TextDecoder();
      let buf = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i = buf.indexOf('\n');
        while (i >= 0) {
          onLine(buf.slice(0, i));
          buf = buf.slice(i + 1);
          i = buf.indexOf('\n');
        }
      }
    } catch {
      // aborted
    }
  })();
  return { ready, stop: () => ac.abort() };
}

async function measureAt(base: string, stored: number, firstIndex: number) {
  const post = (i: number) =>
    fetch(base + PODS, { method: 'POST', headers: { 'content-type': 'application/json' }, body: podBody(i) });
  const create = await pool(200, 1, (i) => timed(() => post(firstIndex + i)));
  const get = await pool(200, 1, (i) => timed(() => fetch(`${base}${PODS}/bench-${(i * 37) % stored}`)));
  const list = await pool(stored >= 10_000 ? 10 : 20, 1, () => timed(() => fetch(base + PODS)));
  // Watch latency: write, then wait for the write's event at a watcher opened beforehand.
  const waiting = new Map<string, (t: number) => void>();
  const rv = (
    (await (await fetch(`${base}${CMS}?limit=1`)).json()) as { metadata: { resourceVersion: string } }
  ).metadata.resourceVersion;
  const w = openWatch(`${base}${CMS}?watch=true&resourceVersion=${rv}`, (line) => {
    const name = /"name":"([^"]+)"/.exec(line)?.[1];
    if (name) waiting.get(name)?.(performance.now());
  });
  await w.ready;
  const watchLatency = await pool(100, 1, async (i) => {
    const name = `wl-${stored}-${i}`;
    const arrived = new Promise<number>((r) => waiting.set(name, r));
    const t = performance.now();
    await (
      await fetch(base + CMS, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } }),
      })
    ).arrayBuffer();
    return (await arrived) - t;
  });
  w.stop();
  return {
    create: percentiles(create),
    get: percentiles(get),
    list: percentiles(list),
    watch: percentiles(watchLatency),
  };
}

async function fanOut(base: string, watchers: number, writes: number) {
  let received = 0;
  const expected = watchers * writes;
  let done: () => void = () => undefined;
  const all = new Promise<void>((r) => (done = r));
  const rv = (
    (await (await fetch(`${base}${CMS}?limit=1`)).json()) as { metadata: { resourceVersion: string } }
  ).metadata.resourceVersion;
  const ws = Array.from({ length: watchers }, () =>
    openWatch(`${base}${CMS}?watch=true&resourceVersion=${rv}&labelSelector=fan%3Dout`, () => {
      if (++received === expected) done();
    }),
  );
  await Promise.all(ws.map((w) => w.ready));
  const t = performance.now();
  await pool(writes, 16, (i) =>
    timed(() =>
      fetch(base + CMS, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `fan-${i}`, labels: { fan: 'out' } },
          data: { i: String(i) },
        }),
      }),
    ),
  );
  await Promise.race([all, new Promise((r) => setTimeout(r, 60_000))]);
  const seconds = (performance.now() - t) / 1000;
  for (const w of ws) w.stop();
  return {
    watchers,
    writes,
    delivered: received,
    expected,
    seconds: Number(seconds.toFixed(2)),
    eventsPerSecond: Math.round(received / seconds),
  };
}

export async function run() {
  // The machine's load, so figures from a busy shared machine are read as such.
  const load = { cores: cpus().length, loadAvg1mBefore: Number(loadavg()[0].toFixed(1)), loadAvg1mAfter: 0 };
  const cp = await startControlPlane({ name: 'apiserver-bench' });
  try {
    const base = cp.url;
    const post = (i: number) =>
      timed(() =>
        fetch(base + PODS, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: podBody(i),
        }),
      );
    await pool(1000, 16, post);
    const at1k = await measureAt(base, 1000, 1_000_000);
    const fill = performance.now();
    await pool(9000, 16, (i) => post(1000 + i));
    const fillSeconds = (performance.now() - fill) / 1000;
    const at10k = await measureAt(base, 10_000, 2_000_000);
    const fan = await fanOut(base, 100, 1000);
    load.loadAvg1mAfter = Number(loadavg()[0].toFixed(1));
    return {
      load,
      at1k,
      at10k,
      fill: {
        pods: 9000,
        concurrency: 16,
        seconds: Number(fillSeconds.toFixed(1)),
        createsPerSecond: Math.round(9000 / fillSeconds),
      },
      fanOut: fan,
      goals: {
        list10kP99Ms: { goal: 1000, measured: at10k.list.p99, met: at10k.list.p99 <= 1000 },
        writeP99Ms: { goal: 50, measured: at10k.create.p99, met: at10k.create.p99 <= 50 },
        fanOutEventsPerSecond: {
          goal: 10_000,
          measured: fan.eventsPerSecond,
          met: fan.eventsPerSecond >= 10_000,
        },
      },
    };
  } finally {
    await cp.stop();
  }
}
