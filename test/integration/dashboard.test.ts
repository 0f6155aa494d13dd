// The dashboard in a real browser, the way seed 003 opens it: `kubectl proxy`, then
// http://127.0.0.1:<port>/ui/ in headless chromium. Three hollow nodes run a Deployment; one
// node's process is killed, and the open page — never reloaded — must show the node NotReady,
// its pods leaving and their replacements elsewhere; a scale must show within 5 s; an apiserver
// restart shows as "reconnecting", then live again. Node cards show CPU and memory from the
// metrics API (the hollow nodes' fake usage). The page reads only the normal API through the
// proxy. A screenshot lands in
// .nodekube/test-logs/dashboard.png for a person to judge.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../support/chromium';
import { kubeconfigFor, kubectlPath } from '../support/kubectl';
import { freePort } from '../support/ports';
import { LOG_DIR, type Started, startProcess, waitForHttpOk } from '../support/process';
import { type Cluster, deploymentYaml, getJson, run, startCluster, waitUntil } from './controller-cluster';

const GRACE_S = 10;
const TOLERATION_S = 5;

let c: Cluster;
let proxy: Started;
let proxyUrl: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  c = await startCluster({
    name: 'dashboard',
    nodes: ['node-a', 'node-b', 'node-c'],
    cmFlags: [`--node-monitor-grace-period=${GRACE_S}s`, '--node-monitor-period=1s'],
    // Usage every 3 s instead of 10 s, so the node cards have figures soon after the nodes register.
    apiFlags: [`--default-unreachable-toleration-seconds=${TOLERATION_S}`, '--metric-resolution=3s'],
  });
  await waitUntil('3 nodes', async () => (await getJson(c.k, ['get', 'nodes'])).items.length === 3);
  const port = await freePort();
  proxyUrl = `http://127.0.0.1:${port}`;
  proxy = startProcess('kubectl-proxy-dashboard', kubectlPath('1.33'), [
    'proxy',
    `--port=${port}`,
    `--kubeconfig=${kubeconfigFor(c.cp.url).kubeconfig}`,
  ]);
  await waitForHttpOk(`${proxyUrl}/version`, 30_000, proxy.logFile);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
  await proxy?.stop();
  await c?.stop();
});

const api = async (path: string) => (await (await fetch(`${c.cp.url}${path}`)).json()) as any;
const livePods = async () =>
  (await api('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).items.filter(
    (p: any) => !p.metadata.deletionTimestamp,
  );
const nodeReady = (name: string) => page.getAttribute(`[data-node="${name}"]`, 'data-ready');
const podsShownOn = (name: string, filter = '') =>
  page.$$eval(`[data-node="${name}"] [data-pod]${filter}`, (els) =>
    els.map((e) => e.getAttribute('data-pod')),
  );
const web = '[data-workload="Deployment/default/web"]';

describe('dashboard', () => {
  it('is served at /ui/ and /ui, through kubectl proxy, as one self-contained HTML page', async () => {
    expect(existsSync(CHROMIUM)).toBe(true);
    const res = await fetch(`${proxyUrl}/ui/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<main id="app">');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // everything inline, nothing from a CDN
    // kubectl proxy cleans /ui/ to /ui on its way to the apiserver: both must be the page.
    for (const path of ['/ui', '/ui/']) {
      const direct = await fetch(`${c.cp.url}${path}`, { redirect: 'manual' });
      expect([path, direct.status, await direct.text()]).toEqual([path, 200, html]);
    }
  });

  it('shows a node failure and a scale live, without a reload', async () => {
    await page.goto(`${proxyUrl}/ui/`);
    await page.evaluate(() => {
      (window as any).notReloaded = true;
    });
    await expect
      .poll(() => page.$$eval('[data-node][data-ready="True"]', (els) => els.length), { timeout: 30_000 })
      .toBe(3);

    await run(c.k, ['apply', '-f', '-'], deploymentYaml('web', 4, 'nginx:1.25'));
    expect(await run(c.k, ['rollout', 'status', 'deployment/web', '--timeout=120s'])).toContain(
      'successfully rolled out',
    );
    // Every pod is drawn in the column of the node it was bound to.
    const placed = (await livePods()).map((p: any) => [p.spec.nodeName, `default/${p.metadata.name}`]);
    for (const [nodeName, key] of placed)
      await expect.poll(() => podsShownOn(nodeName), { timeout: 10_000 }).toContain(key);
    await expect.poll(() => page.getAttribute(web, 'data-ready'), { timeout: 10_000 }).toBe('4');

    // CPU and memory from metrics.k8s.io: a hollow node reports 100m and 512Mi for its system
    // daemons plus 10m and 16Mi per running container (hollow-node/fake-usage.ts), of 4 cores and 16Gi.
    const usageShownOn = (name: string) =>
      page.$$eval(`[data-node="${name}"] > .usage[data-usage]`, (els) =>
        els.map((e) => e.textContent?.replace(/\s+/g, ' ').trim()),
      );
    await expect
      .poll(() => usageShownOn(placed[0][0]), { timeout: 30_000 })
      .toEqual([expect.stringMatching(/^CPU 1\d\dm \([23]%\) mem 5\d\dMi \(3%\)$/)]);

    // Kill a node that runs pods: NotReady after the grace period, its pods evicted and rebuilt.
    const victim = placed[0][0] as string;
    await c.killNode(victim);
    await expect.poll(() => nodeReady(victim), { timeout: (GRACE_S + 30) * 1000 }).not.toBe('True');
    expect(await page.textContent(`[data-node="${victim}"] [data-status]`)).toContain('NotReady');
    // Evicted pods stay Terminating on an unreachable node (no kubelet confirms their end), as upstream.
    await expect
      .poll(() => podsShownOn(victim, ':not([data-look="terminating"])'), {
        timeout: (TOLERATION_S + 40) * 1000,
      })
      .toEqual([]);
    await expect.poll(() => page.getAttribute(web, 'data-ready'), { timeout: 60_000 }).toBe('4');
    // …and the replacements are drawn, ready, on the surviving nodes.
    const readyElsewhere = () =>
      page.$$eval(`[data-node]:not([data-node="${victim}"]) [data-look="ready"]`, (els) => els.length);
    await expect.poll(readyElsewhere, { timeout: 10_000 }).toBe(4);

    // A scale shows within 5 s of the API accepting it.
    await run(c.k, ['scale', 'deployment/web', '--replicas=6']);
    await expect.poll(() => page.getAttribute(web, 'data-desired'), { timeout: 5000 }).toBe('6');
    await expect.poll(() => page.getAttribute(web, 'data-ready'), { timeout: 60_000 }).toBe('6');
    await expect
      .poll(() => page.$$eval('[data-event]', (els) => els.length), { timeout: 10_000 })
      .toBeGreaterThan(0);

    expect(await page.evaluate(() => (window as any).notReloaded)).toBe(true);
    await page.screenshot({ path: join(LOG_DIR, 'dashboard.png'), fullPage: true });
  });

  it('shows "not permitted" in a panel the API answers 403 for, and the rest still works', async () => {
    const limited = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Stand-in for an RBAC denial (authorization lands separately): the API's own 403 Status body.
    await limited.route(/\/api\/v1\/events(\?|$)/, (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: 'events is forbidden: User "viewer" cannot list resource "events"',
          reason: 'Forbidden',
          code: 403,
        }),
      }),
    );
    await limited.goto(`${proxyUrl}/ui/`);
    await expect
      .poll(() => limited.textContent('section[aria-label="Events"]'), { timeout: 15_000 })
      .toContain('Not permitted: events is forbidden');
    await expect
      .poll(() => limited.$$eval('[data-node][data-ready]', (els) => els.length), { timeout: 15_000 })
      .toBe(3);
    await limited.close();
  });

  it('says it is reconnecting while the apiserver is down, and resumes live when it is back', async () => {
    const connection = () => page.getAttribute('[data-connection]', 'data-connection');
    await expect.poll(connection, { timeout: 10_000 }).toBe('live');
    await c.cp.apiserver.kill();
    await expect.poll(connection, { timeout: 20_000 }).toBe('reconnecting');
    await c.cp.restartApiserver();
    await expect.poll(connection, { timeout: 60_000 }).toBe('live');
    await run(c.k, ['scale', 'deployment/web', '--replicas=2']);
    await expect.poll(() => page.getAttribute(web, 'data-desired'), { timeout: 5000 }).toBe('2');
    expect(await page.evaluate(() => (window as any).notReloaded)).toBe(true);
  });
});
