// The view model drawn as HTML: a string built from escaped pieces, so rendering is a pure
// function a unit test can read and main.ts only assigns it to the page. One column per node
// (its Ready condition, then its pods as coloured boxes), then workloads with ready counts,
// services with endpoint counts, and the latest events. Node cards and pod boxes carry CPU and
// memory from the metrics API in `kubectl top`'s units. data-* attributes name what each piece
// shows (data-node, data-ready, data-pod, data-look, data-workload, data-usage) for tests and for
// people reading the DOM. Calm on purpose: no animation; colour only where it carries a state.
import type {
  EventView,
  Feed,
  NodeView,
  Panel,
  PodLook,
  PodView,
  ServiceView,
  ViewModel,
  WorkloadView,
} from './state';
import { formatCpu, formatMemory, type NodeUsage, type Usage } from './usage';

export function escapeHtml(s: string | number): string {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The words for each pod colour, in the legend and in each box's tooltip. */
export const LOOK_LABEL: Record<PodLook, string> = {
  ready: 'Running, ready',
  'not-ready': 'Running, not ready',
  pending: 'Pending',
  succeeded: 'Succeeded',
  failed: 'Failed',
  terminating: 'Terminating',
  unknown: 'Unknown',
};

const CONNECTION_LABEL: Record<ViewModel['connection'], string> = {
  live: '● live',
  loading: '○ loading',
  reconnecting: '○ reconnecting',
};

export function renderPage(vm: ViewModel): string {
  const s = vm.summary;
  return `
<header>
  <h1>nodekube</h1>
  <p class="summary">
    <span data-summary="nodes">${s.nodesReady}/${s.nodes} nodes Ready</span>
    <span data-summary="pods">${s.podsReady}/${s.pods} pods ready</span>
    <span class="conn conn-${vm.connection}" data-connection="${vm.connection}">${CONNECTION_LABEL[vm.connection]}</span>
  </p>
  ${legend()}
</header>
<section class="panel nodes" aria-label="Nodes">
  <h2>Nodes and their pods</h2>
  ${panelBody(vm.nodes, renderNodes(vm))}
</section>
<div class="row">
  <section class="panel" aria-label="Workloads">
    <h2>Workloads</h2>
    ${panelBody(vm.workloads, table(['Kind', 'Namespace', 'Name', 'Ready'], vm.workloads.items.map(workloadRow)))}
  </section>
  <section class="panel" aria-label="Services">
    <h2>Services</h2>
    ${panelBody(vm.services, table(['Namespace', 'Name', 'Type', 'Cluster IP', 'Ports', 'Endpoints'], vm.services.items.map(serviceRow)))}
  </section>
</div>
<section class="panel" aria-label="Events">
  <h2>Events <small>(latest ${vm.events.items.length})</small></h2>
  ${panelBody(vm.events, table(['Age', 'Type', 'Reason', 'Object', 'Message'], vm.events.items.map(eventRow)))}
</section>`;
}

/** A panel's content, or why it has none: not permitted (403), still loading, or reconnecting. */
function panelBody(panel: Panel<unknown>, body: string): string {
  return feedNotice(panel.feed) + (panel.feed.state === 'forbidden' ? '' : body);
}

/** `subject` names the feed when the notice sits in another's panel: "Pods: Reconnecting: …". */
function feedNotice(feed: Feed, subject = ''): string {
  const about = subject ? `${escapeHtml(subject)}: ` : '';
  switch (feed.state) {
    case 'forbidden':
      return `<p class="notice forbidden" data-feed="forbidden">${about}Not permitted: ${escapeHtml(feed.message)}</p>`;
    case 'unavailable':
      return `<p class="notice" data-feed="unavailable">${about}Unavailable: ${escapeHtml(feed.message)}</p>`;
    case 'loading':
      return `<p class="notice" data-feed="loading">${about}Loading…</p>`;
    case 'reconnecting':
      return `<p class="notice warn" data-feed="reconnecting">${about}Reconnecting: ${escapeHtml(feed.message)}</p>`;
    case 'live':
      return '';
  }
}

function renderNodes(vm: ViewModel): string {
  const metricsLive = vm.metrics.feed.state === 'live';
  const columns = vm.nodes.items.map((n) => nodeColumn(n, metricsLive));
  if (vm.unscheduled.length > 0)
    columns.push(`<div class="node unscheduled" data-node="">
  <h3>Not scheduled</h3><p class="node-status">waiting for a node</p>
  <div class="pods">${vm.unscheduled.map(podBox).join('')}</div></div>`);
  if (columns.length === 0) return '<p class="empty">No nodes.</p>';
  const podsNotice = feedNotice(vm.pods.feed, 'Pods');
  // Metrics arrive within a poll; "Loading…" for them would only flicker.
  const metricsNotice = vm.metrics.feed.state === 'loading' ? '' : feedNotice(vm.metrics.feed, 'Metrics');
  return `${podsNotice}${metricsNotice}<div class="columns">${columns.join('')}</div>`;
}

function nodeColumn(n: NodeView, metricsLive: boolean): string {
  const ok = n.readyStatus === 'True';
  const taints = n.taints.length
    ? `<p class="taints">${n.taints.map((t) => `<span title="${escapeHtml(t)}">${escapeHtml(shortTaint(t))}</span>`).join('')}</p>`
    : '';
  return `<div class="node ${ok ? 'is-ready' : 'is-not-ready'}" data-node="${escapeHtml(n.name)}" data-ready="${escapeHtml(n.readyStatus)}">
  <h3>${escapeHtml(n.name)}</h3>
  <p class="node-status"><span class="badge ${ok ? 'ok' : 'bad'}" data-status>${escapeHtml(n.status)}</span>
    <span class="count">${n.pods.length} pod${n.pods.length === 1 ? '' : 's'}</span></p>
  ${nodeUsage(n.usage, metricsLive)}
  ${taints}
  <div class="pods">${n.pods.map(podBox).join('') || '<p class="empty">no pods</p>'}</div>
</div>`;
}

/** `node.kubernetes.io/unreachable:NoExecute` → `unreachable:NoExecute` (the full key is the tooltip). */
function shortTaint(t: string): string {
  return t.replace(/^node\.kubernetes\.io\//, '');
}

/**
 * Two rows, figures then a bar: "CPU 250m (6%)" over a bar 6% full. Without a Node's allocatable
 * there is no percentage and no bar. A live metrics feed with nothing for the node means its
 * kubelet reports nothing (a dead node's figures expire after two collection periods).
 */
function nodeUsage(u: NodeUsage | undefined, metricsLive: boolean): string {
  if (!u) return metricsLive ? '<p class="usage empty" data-usage="none">no usage reported</p>' : '';
  return `<div class="usage" ${usageData(u)}>
    ${meter('CPU', formatCpu(u.cpuMillis), u.cpuPercent)}
    ${meter('mem', formatMemory(u.memoryBytes), u.memoryPercent)}</div>`;
}

/** At 90% and over the bar turns the warning colour: where a drill's eviction pressure would show. */
function meter(label: string, amount: string, percent: number | undefined): string {
  if (percent === undefined)
    return `<div class="meter"><span>${escapeHtml(`${label} ${amount}`)}</span></div>`;
  const width = Math.min(100, Math.max(0, percent));
  return `<div class="meter"><span>${escapeHtml(`${label} ${amount} (${percent}%)`)}</span>
    <span class="bar"><span class="bar-fill${percent >= 90 ? ' high' : ''}" style="width:${width}%"></span></span></div>`;
}

/** The exact figures, for tests and for people reading the DOM; the text is rounded as kubectl's. */
function usageData(u: Usage): string {
  return `data-usage data-cpu-millis="${u.cpuMillis}" data-memory-bytes="${u.memoryBytes}"`;
}

/** The box shows "10m 16Mi" between name and READY when the pod has usage; the tooltip spells it out. */
function podBox(p: PodView): string {
  const u = p.usage;
  const tip =
    `${p.namespace}/${p.name} — ${LOOK_LABEL[p.look]}, ready ${p.ready}, restarts ${p.restarts}` +
    (u ? `, CPU ${formatCpu(u.cpuMillis)}, memory ${formatMemory(u.memoryBytes)}` : '');
  const usage = u
    ? `<span class="pod-usage" ${usageData(u)}>${escapeHtml(`${formatCpu(u.cpuMillis)} ${formatMemory(u.memoryBytes)}`)}</span>`
    : '';
  return `<div class="pod look-${p.look}" data-pod="${escapeHtml(p.key)}" data-look="${p.look}" title="${escapeHtml(tip)}">
  <span class="pod-name">${escapeHtml(p.namespace === 'default' ? p.name : `${p.namespace}/${p.name}`)}</span>${usage}<span class="pod-ready">${escapeHtml(p.ready)}</span></div>`;
}

function legend(): string {
  const looks: PodLook[] = ['ready', 'not-ready', 'pending', 'terminating', 'failed', 'succeeded'];
  return `<ul class="legend" aria-label="Pod colours">${looks
    .map((l) => `<li><span class="swatch look-${l}"></span>${LOOK_LABEL[l]}</li>`)
    .join('')}</ul>`;
}

function table(headers: string[], rows: string[]): string {
  if (rows.length === 0) return '<p class="empty">None.</p>';
  return `<table><thead><tr>${headers.map((h) => `<th>${h}</th>`).join('')}</tr></thead>
<tbody>${rows.join('')}</tbody></table>`;
}

function workloadRow(w: WorkloadView): string {
  const id = `${w.kind}/${w.namespace}/${w.name}`;
  return `<tr data-workload="${escapeHtml(id)}" data-ready="${w.ready}" data-desired="${w.desired}">
  <td>${w.kind}</td><td>${escapeHtml(w.namespace)}</td><td>${escapeHtml(w.name)}</td>
  <td class="${w.healthy ? 'ok-text' : 'warn-text'}">${w.ready}/${w.desired}</td></tr>`;
}

function serviceRow(s: ServiceView): string {
  const eps = `${s.readyEndpoints} ready` + (s.notReadyEndpoints ? `, ${s.notReadyEndpoints} not ready` : '');
  return `<tr data-service="${escapeHtml(`${s.namespace}/${s.name}`)}" data-endpoints="${s.readyEndpoints}">
  <td>${escapeHtml(s.namespace)}</td><td>${escapeHtml(s.name)}</td><td>${escapeHtml(s.type)}</td>
  <td>${escapeHtml(s.clusterIP)}</td><td>${escapeHtml(s.ports)}</td>
  <td class="${s.readyEndpoints > 0 ? '' : 'warn-text'}">${eps}</td></tr>`;
}

function eventRow(e: EventView): string {
  const count = e.count > 1 ? ` <small>(×${e.count})</small>` : '';
  return `<tr class="${e.type === 'Warning' ? 'warning' : ''}" data-event="${escapeHtml(e.key)}">
  <td>${age(e.ageSeconds)}</td><td>${escapeHtml(e.type)}</td><td>${escapeHtml(e.reason)}${count}</td>
  <td>${escapeHtml(e.object)}</td><td>${escapeHtml(e.message)}</td></tr>`;
}

/** kubectl's AGE column: 45s, 3m, 2h, 4d. */
export function age(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}
