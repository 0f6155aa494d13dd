// What one update of the dashboard costs with 1,000 pods (issue #11: ≤ 200 ms per update). The
// page redraws on a change by running, in the browser, applyEvent → viewModel → renderPage
// (agents/dashboard/state.ts, render.ts) and putting the HTML into the document. Here:
//
//   script   applyEvent + viewModel + renderPage for one pod's MODIFIED event, in this process
//            (the same functions the page bundles; V8 either way)
//   dom      headless chromium replacing the page's content with that HTML and laying it out
//            (innerHTML, then a forced layout), timed inside the page
//
// An update is script + dom. The limit beside it, in the same run, is `dom` alone: what the
// browser needs to show that much HTML at all, whoever made it. 1,000 pods on 10 nodes, 20
// Deployments, 20 Services, 200 Events, node and pod metrics; 60 updates (so `max`, not p99).

import type { Browser } from 'playwright-core';
import { renderPage } from '../agents/dashboard/render';
import { applyEvent, applyList, type DashboardState, emptyState, viewModel } from '../agents/dashboard/state';
import { launchChromium } from '../test/support/chromium';
import { compare, runWhenMain, summarize } from './lib/report';

const NODES = 10;
const PODS = 1000;
const UPDATES = 60;

const ready = (status: 'True' | 'False') => [{ type: 'Ready', status }];

function cluster(): DashboardState {
  const now = Date.now();
  const nodes = Array.from({ length: NODES }, (_, i) => ({
    metadata: { name: `node-${i}`, uid: `n${i}` },
    spec: {},
    status: { conditions: ready('True'), allocatable: { cpu: '2', memory: '4Gi', pods: '110' } },
  }));
  const pods = Array.from({ length: PODS }, (_, i) => pod(i, 'True'));
  const deployments = Array.from({ length: 20 }, (_, i) => ({
    metadata: { name: `app-${i}`, namespace: 'default', uid: `d${i}` },
    spec: { replicas: 50 },
    status: { replicas: 50, readyReplicas: 50, availableReplicas: 50, updatedReplicas: 50 },
  }));
  const services = Array.from({ length: 20 }, (_, i) => ({
    metadata: { name: `app-${i}`, namespace: 'default', uid: `s${i}` },
    spec: { type: 'ClusterIP', clusterIP: `10.96.0.${i + 10}`, ports: [{ port: 80, protocol: 'TCP' }] },
  }));
  const events = Array.from({ length: 200 }, (_, i) => ({
    metadata: { name: `e${i}`, namespace: 'default', uid: `e${i}` },
    type: 'Normal',
    reason: 'Scheduled',
    message: `Successfully assigned default/app-${i % 20}-${i} to node-${i % NODES}`,
    involvedObject: { kind: 'Pod', name: `app-${i % 20}-${i}` },
    lastTimestamp: new Date(now - i * 1000).toISOString(),
  }));
  const nodeMetrics = nodes.map((n) => ({
    metadata: { name: n.metadata.name },
    usage: { cpu: '250m', memory: '1Gi' },
  }));
  const podMetrics = pods.map((p) => ({
    metadata: { name: p.metadata.name, namespace: 'default' },
    containers: [{ name: 'c', usage: { cpu: '5m', memory: '16Mi' } }],
  }));
  let s = emptyState();
  s = applyList(s, 'nodes', nodes);
  s = applyList(s, 'pods', pods);
  s = applyList(s, 'deployments', deployments);
  for (const r of ['replicasets', 'statefulsets', 'daemonsets', 'endpointslices'] as const)
    s = applyList(s, r, []);
  s = applyList(s, 'services', services);
  s = applyList(s, 'events', events);
  s = applyList(s, 'nodemetrics', nodeMetrics);
  s = applyList(s, 'podmetrics', podMetrics);
  return s;
}

function pod(i: number, readyStatus: 'True' | 'False') {
  return {
    metadata: {
      name: `app-${i % 20}-${i}`,
      namespace: 'default',
      uid: `p${i}`,
      labels: { app: `app-${i % 20}` },
    },
    spec: { nodeName: `node-${i % NODES}`, containers: [{ name: 'c', image: 'busybox' }] },
    status: {
      phase: 'Running',
      conditions: ready(readyStatus),
      containerStatuses: [{ name: 'c', ready: readyStatus === 'True', restartCount: 0 }],
    },
  };
}

export async function run(): Promise<object> {
  let state = cluster();
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.setContent('<!doctype html><html><body><div id="app"></div></body></html>');
    const script: number[] = [];
    const dom: number[] = [];
    let bytes = 0;
    for (let u = 0; u < UPDATES; u++) {
      // One pod flips readiness, as a pod's status write during a drill does.
      const i = (u * 37) % PODS;
      const t = performance.now();
      state = applyEvent(state, 'pods', { type: 'MODIFIED', object: pod(i, u % 2 ? 'True' : 'False') });
      const html = renderPage(viewModel(state, Date.now()));
      script.push(performance.now() - t);
      bytes = html.length;
      dom.push(
        await page.evaluate((h) => {
          const start = performance.now();
          const app = document.getElementById('app');
          if (app) app.innerHTML = h;
          void document.body.offsetHeight; // layout now, inside the timing
          return performance.now() - start;
        }, html),
      );
    }
    const scriptMs = summarize(script);
    const domMs = summarize(dom);
    const update = summarize(script.map((s, k) => s + dom[k]));
    return {
      headline: [
        compare(
          `dashboard update at ${PODS} pods (one pod event: state + view model + HTML, then innerHTML + layout in chromium), median of ${UPDATES}, vs chromium's innerHTML + layout alone`,
          update.p50,
          domMs.p50,
          'ms',
          '≤ 200 ms per update',
        ),
      ],
      pods: PODS,
      nodes: NODES,
      updates: UPDATES,
      htmlBytes: bytes,
      updateMs: update,
      scriptMs,
      domMs,
    };
  } finally {
    await browser?.close();
  }
}

runWhenMain(import.meta.url, run);
