/// <reference lib="dom" />
// The page's I/O: list then watch each resource through the normal API of the origin that
// served the page (the apiserver itself, or `kubectl proxy` in front of it, which adds the
// caller's credentials), feed state.ts, and redraw with render.ts at most every RENDER_MS.
//
// A watch is a fetch whose body streams newline-delimited JSON events
// (`?watch=1&resourceVersion=…`). It is relisted on 410 Gone and after a dropped stream, with
// jittered exponential backoff; when a watch simply ends (timeoutSeconds), it resumes from the
// last resourceVersion. A 403 marks the panel "not permitted" and is retried slowly; so is a
// metrics API that is not served (feedAfterError in state.ts decides which answer means what).
//
// Browsers open at most six HTTP/1.1 connections to one origin, and a watch holds one for
// minutes: a seventh stream would wait forever and block the rest. So the five resources a
// failure drill moves (nodes, pods, deployments, endpointslices, events) are watched, and the
// rest are relisted every POLL_MS, which keeps every panel within 5 s of the cluster. The
// metrics API cannot be watched at all and is polled the same way; its figures change once per
// collection period (--metric-resolution, 10 s).
import { renderPage } from './render';
import {
  applyEvent,
  applyList,
  type DashboardState,
  emptyState,
  feedAfterError,
  METRICS,
  type Resource,
  setFeed,
  viewModel,
  type WatchEvent,
} from './state';
import { splitLines } from './watch-lines';

const PATHS: Record<Resource, string> = {
  nodes: '/api/v1/nodes',
  pods: '/api/v1/pods',
  deployments: '/apis/apps/v1/deployments',
  replicasets: '/apis/apps/v1/replicasets',
  statefulsets: '/apis/apps/v1/statefulsets',
  daemonsets: '/apis/apps/v1/daemonsets',
  services: '/api/v1/services',
  endpointslices: '/apis/discovery.k8s.io/v1/endpointslices',
  events: '/api/v1/events',
  nodemetrics: '/apis/metrics.k8s.io/v1beta1/nodes',
  podmetrics: '/apis/metrics.k8s.io/v1beta1/pods',
};
const WATCHED: Resource[] = ['nodes', 'pods', 'deployments', 'endpointslices', 'events'];
const POLLED: Resource[] = ['replicasets', 'statefulsets', 'daemonsets', 'services', ...METRICS];

const RENDER_MS = 250;
const POLL_MS = 3000;
/** For answers that will not change soon: 403, or a metrics API that is not served. */
const REFUSED_RETRY_MS = 30_000;
const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
/** Watches end on their own after this long and resume from their resourceVersion. */
const WATCH_TIMEOUT_S = 300;

let state: DashboardState = emptyState();
let renderScheduled = false;

function update(next: DashboardState): void {
  state = next;
  if (renderScheduled) return;
  renderScheduled = true;
  setTimeout(render, RENDER_MS);
}

function render(): void {
  renderScheduled = false;
  const root = document.getElementById('app');
  if (root) root.innerHTML = renderPage(viewModel(state, Date.now()));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const jitter = (ms: number) => ms * (0.8 + Math.random() * 0.4);

/** An HTTP answer other than 200, carried with the Status message the API sent. */
class HttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

async function getJson(url: string): Promise<any> {
  const res = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) throw await httpError(res);
  return res.json();
}

async function httpError(res: Response): Promise<HttpError> {
  let message = `${res.status} ${res.statusText}`;
  try {
    message = (await res.json()).message ?? message;
  } catch {
    // not a Status body: keep the status line
  }
  return new HttpError(res.status, message);
}

async function list(r: Resource): Promise<string> {
  const body = await getJson(PATHS[r]);
  update(applyList(state, r, body.items ?? []));
  return body.metadata?.resourceVersion ?? '';
}

/** Stream one watch until it ends; returns the last resourceVersion, or undefined on 410 Gone. */
async function watch(r: Resource, resourceVersion: string): Promise<string | undefined> {
  const q = `watch=1&allowWatchBookmarks=true&timeoutSeconds=${WATCH_TIMEOUT_S}&resourceVersion=${encodeURIComponent(resourceVersion)}`;
  const res = await fetch(`${PATHS[r]}?${q}`, { cache: 'no-store' });
  if (res.status === 410) return undefined;
  if (!res.ok || !res.body) throw await httpError(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let rv = resourceVersion;
  let pending = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return rv;
    const { lines, rest } = splitLines(pending, value);
    pending = rest;
    for (const line of lines) {
      const ev = JSON.parse(line) as WatchEvent;
      if (ev.type === 'ERROR') {
        if (ev.object?.code === 410) return undefined;
        throw new HttpError(ev.object?.code ?? 500, ev.object?.message ?? 'watch error');
      }
      rv = ev.object?.metadata?.resourceVersion ?? rv;
      update(applyEvent(state, r, ev));
    }
  }
}

/** List, then watch from the list's resourceVersion, forever; relist after 410 or an error. */
async function informer(r: Resource): Promise<never> {
  let backoff = BACKOFF_MIN_MS;
  for (;;) {
    try {
      let rv: string | undefined = await list(r);
      backoff = BACKOFF_MIN_MS;
      while (rv !== undefined) rv = await watch(r, rv);
    } catch (err) {
      backoff = await failed(r, err, backoff);
    }
  }
}

/** List every POLL_MS, forever. */
async function poller(r: Resource): Promise<never> {
  let backoff = BACKOFF_MIN_MS;
  for (;;) {
    try {
      await list(r);
      backoff = BACKOFF_MIN_MS;
      await sleep(POLL_MS);
    } catch (err) {
      backoff = await failed(r, err, backoff);
    }
  }
}

/** Show why a feed stopped, wait, and return the next backoff. */
async function failed(r: Resource, err: unknown, backoff: number): Promise<number> {
  const code = err instanceof HttpError ? err.code : undefined;
  const feed = feedAfterError(r, code, String((err as Error)?.message ?? err));
  update(setFeed(state, r, feed));
  if (feed.state !== 'reconnecting') {
    await sleep(REFUSED_RETRY_MS);
    return backoff;
  }
  await sleep(jitter(backoff));
  return Math.min(backoff * 2, BACKOFF_MAX_MS);
}

render();
for (const r of WATCHED) void informer(r);
for (const r of POLLED) void poller(r);
// Ages in the events table move even when nothing else does.
setInterval(() => update(state), 5000);
