// The dashboard's state, pure: what the browser has listed and watched, per resource, and the
// view model the renderer draws from it. No DOM, no fetch — main.ts feeds list results and watch
// events in, render.ts draws `viewModel(state, now)` out. Every function returns a new state and
// leaves its input alone, so a test is a table of events and the view model they lead to.
//
// The vocabulary is upstream's: a pod's phase and Ready condition, a node's Ready condition
// ("NotReady" is kubectl's word for Ready≠True), a workload's desired and ready replicas, an
// EndpointSlice's ready endpoints (a missing `ready` condition means ready, as in discovery/v1).
// CPU and memory come from metrics.k8s.io (NodeMetrics, PodMetrics), read in usage.ts.
import { type NodeUsage, nodeUsage, podUsage, type Usage } from './usage';

export const RESOURCES = [
  'nodes',
  'pods',
  'deployments',
  'replicasets',
  'statefulsets',
  'daemonsets',
  'services',
  'endpointslices',
  'events',
  // metrics.k8s.io serves get and list only: these two are polled, never watched.
  'nodemetrics',
  'podmetrics',
] as const;
export type Resource = (typeof RESOURCES)[number];
export const METRICS: readonly Resource[] = ['nodemetrics', 'podmetrics'];

/** How a resource's stream is doing: listing, live, reconnecting after an error, 403, or not served. */
export type Feed =
  | { state: 'loading' }
  | { state: 'live' }
  | { state: 'reconnecting'; message: string }
  | { state: 'forbidden'; message: string }
  | { state: 'unavailable'; message: string };

export interface DashboardState {
  objects: Record<Resource, ReadonlyMap<string, any>>;
  feeds: Record<Resource, Feed>;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: any;
}

export function emptyState(): DashboardState {
  const objects = {} as Record<Resource, ReadonlyMap<string, any>>;
  const feeds = {} as Record<Resource, Feed>;
  for (const r of RESOURCES) {
    objects[r] = new Map();
    feeds[r] = { state: 'loading' };
  }
  return { objects, feeds };
}

/** The key an object is stored under: namespace/name, or name for cluster-scoped objects. */
export function keyOf(obj: any): string {
  const ns = obj?.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata.name}` : String(obj?.metadata?.name);
}

/** A list replaces everything known about the resource (a relist drops what was deleted meanwhile). */
export function applyList(s: DashboardState, r: Resource, items: any[]): DashboardState {
  const m = new Map<string, any>();
  for (const o of items) m.set(keyOf(o), o);
  return { objects: { ...s.objects, [r]: m }, feeds: { ...s.feeds, [r]: { state: 'live' } } };
}

/** ADDED/MODIFIED store the object, DELETED removes it; BOOKMARK and ERROR change nothing here. */
export function applyEvent(s: DashboardState, r: Resource, ev: WatchEvent): DashboardState {
  if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED' && ev.type !== 'DELETED') return s;
  const m = new Map(s.objects[r]);
  if (ev.type === 'DELETED') m.delete(keyOf(ev.object));
  else m.set(keyOf(ev.object), ev.object);
  return { ...s, objects: { ...s.objects, [r]: m } };
}

export function setFeed(s: DashboardState, r: Resource, feed: Feed): DashboardState {
  return { ...s, feeds: { ...s.feeds, [r]: feed } };
}

/**
 * What a failed list or watch makes of its feed. 403 is "not permitted" for any resource. The
 * metrics API is optional: a cluster without it answers 404, and one whose metrics server is
 * down answers 503 (kube-aggregator's answer for an APIService that is not available; nodekube's
 * apiserver with --metric-resolution=0s). Anything else, and no answer at all, is "reconnecting".
 */
export function feedAfterError(r: Resource, code: number | undefined, message: string): Feed {
  if (code === 403) return { state: 'forbidden', message };
  if (METRICS.includes(r) && (code === 404 || code === 503)) return { state: 'unavailable', message };
  return { state: 'reconnecting', message };
}

// ---- the view model ----

/** A pod box's colour: what a watcher of a failure drill needs to tell apart at a glance. */
export type PodLook = 'ready' | 'not-ready' | 'pending' | 'succeeded' | 'failed' | 'terminating' | 'unknown';

export interface PodView {
  key: string;
  namespace: string;
  name: string;
  phase: string;
  look: PodLook;
  /** kubectl's READY column: ready containers / containers. */
  ready: string;
  restarts: number;
  /** Summed over its containers, from PodMetrics; undefined until the metrics API reports the pod. */
  usage?: Usage;
}

export interface NodeView {
  name: string;
  /** The Ready condition's status: True, False or Unknown (no condition yet reads as Unknown). */
  readyStatus: string;
  /** kubectl's STATUS word: Ready or NotReady, plus SchedulingDisabled when cordoned. */
  status: string;
  taints: string[];
  /** false for a column made from pods' spec.nodeName when the Node itself is not listed. */
  listed: boolean;
  pods: PodView[];
  /** From NodeMetrics; undefined while the metrics API has no figures for the node (or is not read). */
  usage?: NodeUsage;
}

export interface WorkloadView {
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet';
  namespace: string;
  name: string;
  desired: number;
  ready: number;
  healthy: boolean;
}

export interface ServiceView {
  namespace: string;
  name: string;
  type: string;
  clusterIP: string;
  ports: string;
  readyEndpoints: number;
  notReadyEndpoints: number;
}

export interface EventView {
  key: string;
  type: string;
  reason: string;
  object: string;
  message: string;
  count: number;
  /** Seconds since the event last happened (0 when it carries no time). */
  ageSeconds: number;
}

export interface Panel<T> {
  feed: Feed;
  items: T[];
}

export interface ViewModel {
  nodes: Panel<NodeView>;
  /** Pods no node has been chosen for yet (spec.nodeName empty). */
  unscheduled: PodView[];
  pods: { feed: Feed };
  /** Both metrics lists as one notice: the first that is not live, the most telling first. */
  metrics: { feed: Feed };
  workloads: Panel<WorkloadView>;
  services: Panel<ServiceView>;
  events: Panel<EventView>;
  summary: { nodesReady: number; nodes: number; podsReady: number; pods: number };
  /** live when every permitted feed is; otherwise the worst state among them. */
  connection: 'live' | 'loading' | 'reconnecting';
}

export const EVENTS_SHOWN = 30;

export function viewModel(s: DashboardState, now: number): ViewModel {
  const podMetrics = readableMetrics(s, 'podmetrics');
  const pods = [...s.objects.pods.values()]
    .map((p) => podView(p, podMetrics.get(keyOf(p))))
    .sort(byNamespaceName);
  const nodes = nodeColumns(
    [...s.objects.nodes.values()],
    s.objects.pods,
    pods,
    readableMetrics(s, 'nodemetrics'),
  );
  return {
    nodes: { feed: s.feeds.nodes, items: nodes },
    unscheduled: pods.filter((p) => !s.objects.pods.get(p.key)?.spec?.nodeName),
    pods: { feed: s.feeds.pods },
    metrics: { feed: metricsFeed(s) },
    workloads: { feed: workloadsFeed(s), items: workloads(s) },
    services: { feed: s.feeds.services, items: services(s) },
    events: { feed: s.feeds.events, items: events([...s.objects.events.values()], now) },
    summary: {
      nodesReady: nodes.filter((n) => n.listed && n.readyStatus === 'True').length,
      nodes: nodes.filter((n) => n.listed).length,
      podsReady: pods.filter((p) => p.look === 'ready').length,
      pods: pods.length,
    },
    connection: connection(s),
  };
}

/** The header speaks for the cluster's objects; trouble with the metrics API is the nodes panel's notice. */
function connection(s: DashboardState): ViewModel['connection'] {
  const states = RESOURCES.filter((r) => !METRICS.includes(r)).map((r) => s.feeds[r].state);
  if (states.includes('reconnecting')) return 'reconnecting';
  return states.includes('loading') ? 'loading' : 'live';
}

/** Metrics listed before a refusal (403) or before the API went away are not shown: the notice says why. */
function readableMetrics(s: DashboardState, r: Resource): ReadonlyMap<string, any> {
  const state = s.feeds[r].state;
  return state === 'forbidden' || state === 'unavailable' ? new Map() : s.objects[r];
}

function metricsFeed(s: DashboardState): Feed {
  const feeds = METRICS.map((r) => s.feeds[r]);
  for (const state of ['forbidden', 'unavailable', 'reconnecting', 'loading'] as const) {
    const f = feeds.find((f) => f.state === state);
    if (f) return f;
  }
  return { state: 'live' };
}

export function podView(p: any, metrics?: any): PodView {
  const statuses: any[] = p.status?.containerStatuses ?? [];
  const containers = p.spec?.containers?.length ?? statuses.length;
  const phase = p.status?.phase ?? 'Pending';
  return {
    key: keyOf(p),
    namespace: p.metadata?.namespace ?? '',
    name: p.metadata?.name ?? '',
    phase,
    look: podLook(p, phase),
    ready: `${statuses.filter((c) => c.ready).length}/${containers}`,
    restarts: statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0),
    usage: podUsage(metrics),
  };
}

function podLook(p: any, phase: string): PodLook {
  if (p.metadata?.deletionTimestamp) return 'terminating';
  switch (phase) {
    case 'Running':
      return conditionStatus(p.status?.conditions, 'Ready') === 'True' ? 'ready' : 'not-ready';
    case 'Pending':
      return 'pending';
    case 'Succeeded':
      return 'succeeded';
    case 'Failed':
      return 'failed';
    default:
      return 'unknown';
  }
}

function conditionStatus(conditions: any[] | undefined, type: string): string | undefined {
  return conditions?.find((c) => c.type === type)?.status;
}

/** One column per listed node, in name order, then one per node name only pods mention. */
function nodeColumns(
  nodes: any[],
  podObjects: ReadonlyMap<string, any>,
  pods: PodView[],
  nodeMetrics: ReadonlyMap<string, any>,
): NodeView[] {
  const byNode = new Map<string, PodView[]>();
  for (const p of pods) {
    const nodeName = podObjects.get(p.key)?.spec?.nodeName;
    if (!nodeName) continue;
    if (!byNode.has(nodeName)) byNode.set(nodeName, []);
    byNode.get(nodeName)!.push(p);
  }
  const columns: NodeView[] = nodes.map((n) => {
    const readyStatus = conditionStatus(n.status?.conditions, 'Ready') ?? 'Unknown';
    const words = [readyStatus === 'True' ? 'Ready' : 'NotReady'];
    if (n.spec?.unschedulable) words.push('SchedulingDisabled');
    return {
      name: n.metadata.name,
      readyStatus,
      status: words.join(','),
      taints: (n.spec?.taints ?? []).map((t: any) => `${t.key}:${t.effect}`),
      listed: true,
      pods: byNode.get(n.metadata.name) ?? [],
      usage: nodeUsage(nodeMetrics.get(n.metadata.name), n),
    };
  });
  const listed = new Set(columns.map((c) => c.name));
  for (const [name, ps] of byNode) {
    if (listed.has(name)) continue;
    columns.push({
      name,
      readyStatus: 'Unknown',
      status: 'Unknown',
      taints: [],
      listed: false,
      pods: ps,
      usage: nodeUsage(nodeMetrics.get(name), undefined),
    });
  }
  return columns.sort((a, b) => a.name.localeCompare(b.name));
}

const WORKLOAD_RESOURCES = ['deployments', 'statefulsets', 'daemonsets', 'replicasets'] as const;

/** The workloads panel is live when any of its four feeds is; forbidden only when all are. */
function workloadsFeed(s: DashboardState): Feed {
  const feeds = WORKLOAD_RESOURCES.map((r) => s.feeds[r]);
  return (
    feeds.find((f) => f.state === 'live') ??
    feeds.find((f) => f.state === 'loading') ??
    feeds.find((f) => f.state === 'reconnecting') ??
    feeds[0]
  );
}

function workloads(s: DashboardState): WorkloadView[] {
  const out: WorkloadView[] = [];
  const add = (kind: WorkloadView['kind'], o: any, desired: number, ready: number) =>
    out.push({
      kind,
      namespace: o.metadata.namespace ?? '',
      name: o.metadata.name,
      desired,
      ready,
      healthy: ready >= desired,
    });
  for (const d of s.objects.deployments.values())
    add('Deployment', d, d.spec?.replicas ?? 1, d.status?.readyReplicas ?? 0);
  for (const ss of s.objects.statefulsets.values())
    add('StatefulSet', ss, ss.spec?.replicas ?? 1, ss.status?.readyReplicas ?? 0);
  for (const ds of s.objects.daemonsets.values())
    add('DaemonSet', ds, ds.status?.desiredNumberScheduled ?? 0, ds.status?.numberReady ?? 0);
  // A Deployment's ReplicaSets are its rollout history: shown through the Deployment, not twice.
  for (const rs of s.objects.replicasets.values()) {
    if ((rs.metadata.ownerReferences ?? []).some((o: any) => o.controller)) continue;
    add('ReplicaSet', rs, rs.spec?.replicas ?? 1, rs.status?.readyReplicas ?? 0);
  }
  return out.sort((a, b) => byNamespaceName(a, b) || a.kind.localeCompare(b.kind));
}

function services(s: DashboardState): ServiceView[] {
  const endpoints = new Map<string, { ready: number; notReady: number }>();
  for (const slice of s.objects.endpointslices.values()) {
    const svc = slice.metadata?.labels?.['kubernetes.io/service-name'];
    if (!svc) continue;
    const key = `${slice.metadata.namespace}/${svc}`;
    const counts = endpoints.get(key) ?? { ready: 0, notReady: 0 };
    for (const ep of slice.endpoints ?? []) {
      if (ep.conditions?.ready === false) counts.notReady++;
      else counts.ready++;
    }
    endpoints.set(key, counts);
  }
  return [...s.objects.services.values()]
    .map((svc) => {
      const counts = endpoints.get(keyOf(svc)) ?? { ready: 0, notReady: 0 };
      return {
        namespace: svc.metadata.namespace ?? '',
        name: svc.metadata.name,
        type: svc.spec?.type ?? 'ClusterIP',
        clusterIP: svc.spec?.clusterIP ?? '',
        ports: (svc.spec?.ports ?? [])
          .map((p: any) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
          .join(','),
        readyEndpoints: counts.ready,
        notReadyEndpoints: counts.notReady,
      };
    })
    .sort(byNamespaceName);
}

/** The last EVENTS_SHOWN events, newest first, by the time they last happened. */
function events(list: any[], now: number): EventView[] {
  const timed = list.map((e) => ({ e, at: eventTime(e) }));
  timed.sort((a, b) => b.at - a.at || keyOf(a.e).localeCompare(keyOf(b.e)));
  return timed.slice(0, EVENTS_SHOWN).map(({ e, at }) => ({
    key: keyOf(e),
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    object: `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`,
    message: e.message ?? '',
    count: e.count ?? 1,
    ageSeconds: at ? Math.max(0, Math.round((now - at) / 1000)) : 0,
  }));
}

function eventTime(e: any): number {
  const t = e.lastTimestamp ?? e.eventTime ?? e.series?.lastObservedTime ?? e.metadata?.creationTimestamp;
  const ms = t ? Date.parse(t) : Number.NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

function byNamespaceName(a: { namespace: string; name: string }, b: { namespace: string; name: string }) {
  return a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
}
