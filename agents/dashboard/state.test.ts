import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  applyList,
  type DashboardState,
  EVENTS_SHOWN,
  emptyState,
  feedAfterError,
  RESOURCES,
  type Resource,
  setFeed,
  viewModel,
  type WatchEvent,
} from './state';

const NOW = Date.parse('2026-12-01T12:00:00Z');

const node = (name: string, ready: string, extra: any = {}) => ({
  metadata: { name },
  spec: extra.spec ?? {},
  status: { conditions: [{ type: 'Ready', status: ready }] },
});
const pod = (name: string, nodeName: string | undefined, phase: string, ready: boolean, extra: any = {}) => ({
  metadata: { namespace: 'default', name, ...extra.metadata },
  spec: { nodeName, containers: [{ name: 'main' }] },
  status: {
    phase,
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    containerStatuses: [{ name: 'main', ready, restartCount: extra.restarts ?? 0 }],
  },
});
const deployment = (name: string, replicas: number, readyReplicas?: number) => ({
  metadata: { namespace: 'default', name },
  spec: { replicas },
  status: readyReplicas === undefined ? {} : { readyReplicas },
});

/** Apply a table of [resource, event] rows to a state that starts from lists. */
function play(
  lists: Partial<Record<Resource, any[]>>,
  events: [Resource, WatchEvent][] = [],
): DashboardState {
  let s = emptyState();
  for (const [r, items] of Object.entries(lists)) s = applyList(s, r as Resource, items);
  for (const [r, ev] of events) s = applyEvent(s, r, ev);
  return s;
}

describe('nodes and their pods', () => {
  it('gives each node a column with its Ready condition and its pods by look', () => {
    const vm = viewModel(
      play({
        nodes: [node('node-b', 'True'), node('node-a', 'True')],
        pods: [
          pod('web-1', 'node-a', 'Running', true),
          pod('web-2', 'node-a', 'Running', false),
          pod('web-3', 'node-b', 'Pending', false),
          pod('job-1', 'node-b', 'Succeeded', false),
          pod('bad-1', 'node-b', 'Failed', false, { restarts: 3 }),
          pod('web-4', undefined, 'Pending', false),
        ],
      }),
      NOW,
    );
    expect(vm.nodes.items.map((n) => [n.name, n.status, n.pods.map((p) => `${p.name}:${p.look}`)])).toEqual([
      ['node-a', 'Ready', ['web-1:ready', 'web-2:not-ready']],
      ['node-b', 'Ready', ['bad-1:failed', 'job-1:succeeded', 'web-3:pending']],
    ]);
    expect(vm.unscheduled.map((p) => p.name)).toEqual(['web-4']);
    expect(vm.nodes.items[1].pods[0]).toMatchObject({ ready: '0/1', restarts: 3 });
    expect(vm.summary).toEqual({ nodesReady: 2, nodes: 2, podsReady: 1, pods: 6 });
  });

  it('reads live only when every feed is, reconnecting when any is', () => {
    let s = emptyState();
    expect(viewModel(s, NOW).connection).toBe('loading');
    for (const r of RESOURCES)
      s = r === 'events' ? setFeed(s, r, { state: 'forbidden', message: '' }) : applyList(s, r, []);
    expect(viewModel(s, NOW).connection).toBe('live');
    s = setFeed(s, 'pods', { state: 'reconnecting', message: 'network error' });
    expect(viewModel(s, NOW).connection).toBe('reconnecting');
  });

  it('follows a failure drill: NotReady and tainted, pods terminating, then gone, replacements elsewhere', () => {
    const start = play({
      nodes: [node('node-a', 'True'), node('node-c', 'True')],
      pods: [pod('web-1', 'node-a', 'Running', true), pod('web-2', 'node-c', 'Running', true)],
    });
    const dead = {
      ...node('node-c', 'Unknown'),
      spec: { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] },
    };
    const evicted = pod('web-2', 'node-c', 'Running', true, {
      metadata: { deletionTimestamp: '2026-12-01T12:00:05Z' },
    });
    const steps: [Resource, WatchEvent][] = [
      ['nodes', { type: 'MODIFIED', object: dead }],
      ['pods', { type: 'MODIFIED', object: evicted }],
    ];
    const during = viewModel(replay(start, steps), NOW);
    const c = during.nodes.items.find((n) => n.name === 'node-c')!;
    expect([c.readyStatus, c.status, c.taints]).toEqual([
      'Unknown',
      'NotReady',
      ['node.kubernetes.io/unreachable:NoExecute'],
    ]);
    expect(c.pods.map((p) => p.look)).toEqual(['terminating']);

    const after = viewModel(
      replay(start, [
        ...steps,
        ['pods', { type: 'DELETED', object: evicted }],
        ['pods', { type: 'ADDED', object: pod('web-3', 'node-a', 'Pending', false) }],
        ['pods', { type: 'MODIFIED', object: pod('web-3', 'node-a', 'Running', true) }],
      ]),
      NOW,
    );
    expect(after.nodes.items.map((n) => [n.name, n.pods.map((p) => p.name)])).toEqual([
      ['node-a', ['web-1', 'web-3']],
      ['node-c', []],
    ]);
    expect(after.summary).toEqual({ nodesReady: 1, nodes: 2, podsReady: 2, pods: 2 });
  });

  it('reads a node without a Ready condition as NotReady, and a cordoned one as SchedulingDisabled', () => {
    const vm = viewModel(
      play({
        nodes: [{ metadata: { name: 'new' } }, { ...node('old', 'True'), spec: { unschedulable: true } }],
      }),
      NOW,
    );
    expect(vm.nodes.items.map((n) => [n.name, n.readyStatus, n.status])).toEqual([
      ['new', 'Unknown', 'NotReady'],
      ['old', 'True', 'Ready,SchedulingDisabled'],
    ]);
  });

  it('still draws columns from pods when the user may not list nodes', () => {
    let s = play({ pods: [pod('web-1', 'node-a', 'Running', true)] });
    s = setFeed(s, 'nodes', { state: 'forbidden', message: 'nodes is forbidden' });
    const vm = viewModel(s, NOW);
    expect(vm.nodes.feed.state).toBe('forbidden');
    expect(vm.nodes.items.map((n) => [n.name, n.listed, n.pods.length])).toEqual([['node-a', false, 1]]);
    expect(vm.summary.nodes).toBe(0);
  });
});

describe('CPU and memory from the metrics API', () => {
  const allocatable = (n: any) => ({
    ...n,
    status: { ...n.status, allocatable: { cpu: '4', memory: '16Gi' } },
  });
  const nodeMetrics = (name: string, cpu: string, memory: string) => ({
    metadata: { name },
    usage: { cpu, memory },
  });
  const podMetrics = (name: string, ...usages: [string, string][]) => ({
    metadata: { namespace: 'default', name },
    containers: usages.map(([cpu, memory], i) => ({ name: `c${i}`, usage: { cpu, memory } })),
  });
  /** Every feed listed (most of them empty), so only what a test changes is not live. */
  const withMetrics = () =>
    play({
      ...Object.fromEntries(RESOURCES.map((r) => [r, []])),
      nodes: [allocatable(node('node-a', 'True')), allocatable(node('node-b', 'True'))],
      pods: [
        pod('web-1', 'node-a', 'Running', true),
        pod('web-2', 'node-b', 'Pending', false),
        pod('db-1', 'node-z', 'Running', true),
      ],
      // node-b has no figures yet; node-z is known only from a pod
      nodemetrics: [nodeMetrics('node-a', '1200m', '4Gi'), nodeMetrics('node-z', '100m', '512Mi')],
      podmetrics: [podMetrics('web-1', ['250m', '64Mi'], ['50m', '16Mi']), podMetrics('db-1', ['1', '1Gi'])],
    });

  it('gives each node its usage and share of allocatable, and each pod its containers’ sum', () => {
    const vm = viewModel(withMetrics(), NOW);
    expect(vm.metrics.feed).toEqual({ state: 'live' });
    expect(vm.nodes.items.map((n) => [n.name, n.usage])).toEqual([
      ['node-a', { cpuMillis: 1200, memoryBytes: 4 * 2 ** 30, cpuPercent: 30, memoryPercent: 25 }],
      ['node-b', undefined],
      [
        'node-z',
        { cpuMillis: 100, memoryBytes: 512 * 2 ** 20, cpuPercent: undefined, memoryPercent: undefined },
      ],
    ]);
    const pods = vm.nodes.items.flatMap((n) => n.pods.map((p) => [p.name, p.usage]));
    expect(pods).toEqual([
      ['web-1', { cpuMillis: 300, memoryBytes: 80 * 2 ** 20 }],
      ['web-2', undefined],
      ['db-1', { cpuMillis: 1000, memoryBytes: 2 ** 30 }],
    ]);
  });

  it.each([
    ['nodemetrics', 404, 'unavailable'],
    ['podmetrics', 503, 'unavailable'],
    ['nodemetrics', 403, 'forbidden'],
    ['events', 403, 'forbidden'],
    ['nodemetrics', 500, 'reconnecting'],
    ['nodemetrics', undefined, 'reconnecting'],
    // the core API is always served: a 404 or 503 there is a passing fault, retried
    ['pods', 404, 'reconnecting'],
    ['nodes', 503, 'reconnecting'],
  ] as [Resource, number | undefined, string][])('%s answering %s is %s', (r, code, state) => {
    expect(feedAfterError(r, code, 'why')).toEqual({ state, message: 'why' });
  });

  it('says why there are no figures when the API is not served or not permitted; the rest still works', () => {
    for (const feed of [
      feedAfterError('nodemetrics', 404, 'the server could not find the requested resource'),
      feedAfterError('nodemetrics', 403, 'nodes.metrics.k8s.io is forbidden'),
    ]) {
      const vm = viewModel(setFeed(setFeed(withMetrics(), 'nodemetrics', feed), 'podmetrics', feed), NOW);
      expect(vm.metrics.feed).toEqual(feed);
      // what was listed before the refusal is not shown as if it were current
      expect(vm.nodes.items.map((n) => [n.name, n.status, n.pods.length, n.usage])).toEqual([
        ['node-a', 'Ready', 1, undefined],
        ['node-b', 'Ready', 1, undefined],
        ['node-z', 'Unknown', 1, undefined],
      ]);
      expect(vm.connection).toBe('live');
    }
  });

  it('shows pod figures when only node metrics are refused, and names the refusal', () => {
    const forbidden = { state: 'forbidden', message: 'nodes.metrics.k8s.io is forbidden' } as const;
    const vm = viewModel(setFeed(withMetrics(), 'nodemetrics', forbidden), NOW);
    expect(vm.metrics.feed).toEqual(forbidden);
    expect(vm.nodes.items[0].usage).toBeUndefined();
    expect(vm.nodes.items[0].pods[0].usage).toEqual({ cpuMillis: 300, memoryBytes: 80 * 2 ** 20 });
  });

  it('keeps the last figures while reconnecting, and leaves the header to the object feeds', () => {
    const s = setFeed(withMetrics(), 'podmetrics', { state: 'reconnecting', message: 'network error' });
    const vm = viewModel(s, NOW);
    expect(vm.metrics.feed.state).toBe('reconnecting');
    expect(vm.nodes.items[0].pods[0].usage?.cpuMillis).toBe(300);
    expect(vm.connection).toBe('live');
  });
});

function replay(s: DashboardState, events: [Resource, WatchEvent][]): DashboardState {
  for (const [r, ev] of events) s = applyEvent(s, r, ev);
  return s;
}

describe('list and watch events', () => {
  it.each([
    ['ADDED stores', [{ type: 'ADDED', object: deployment('b', 1) }], ['a', 'b']],
    ['MODIFIED replaces', [{ type: 'MODIFIED', object: deployment('a', 5) }], ['a']],
    ['DELETED removes', [{ type: 'DELETED', object: deployment('a', 2) }], []],
    [
      'BOOKMARK changes nothing',
      [{ type: 'BOOKMARK', object: { metadata: { resourceVersion: '9' } } }],
      ['a'],
    ],
  ] as [string, WatchEvent[], string[]][])('%s', (_, events, names) => {
    const s = replay(
      play({ deployments: [deployment('a', 2)] }),
      events.map((e) => ['deployments', e]),
    );
    expect(viewModel(s, NOW).workloads.items.map((w) => w.name)).toEqual(names);
  });

  it('a relist drops what was deleted while the watch was down', () => {
    const s = applyList(play({ pods: [pod('gone', 'n', 'Running', true)] }), 'pods', []);
    expect(viewModel(s, NOW).summary.pods).toBe(0);
  });

  it('leaves the state it was given unchanged', () => {
    const s = play({ deployments: [deployment('a', 2)] });
    applyEvent(s, 'deployments', { type: 'DELETED', object: deployment('a', 2) });
    expect(s.objects.deployments.size).toBe(1);
  });
});

describe('workloads', () => {
  it('counts ready replicas against desired ones, hiding ReplicaSets a controller owns', () => {
    const vm = viewModel(
      play({
        deployments: [deployment('web', 3, 2), deployment('api', 2, 2), deployment('new', 1)],
        statefulsets: [
          { metadata: { namespace: 'db', name: 'pg' }, spec: { replicas: 3 }, status: { readyReplicas: 3 } },
        ],
        daemonsets: [
          {
            metadata: { namespace: 'kube-system', name: 'proxy' },
            status: { desiredNumberScheduled: 3, numberReady: 2 },
          },
        ],
        replicasets: [
          {
            metadata: { namespace: 'default', name: 'web-abc', ownerReferences: [{ controller: true }] },
            spec: { replicas: 3 },
          },
          {
            metadata: { namespace: 'default', name: 'lonely' },
            spec: { replicas: 1 },
            status: { readyReplicas: 1 },
          },
        ],
      }),
      NOW,
    );
    expect(
      vm.workloads.items.map(
        (w) => `${w.kind} ${w.namespace}/${w.name} ${w.ready}/${w.desired} ${w.healthy}`,
      ),
    ).toEqual([
      'StatefulSet db/pg 3/3 true',
      'Deployment default/api 2/2 true',
      'ReplicaSet default/lonely 1/1 true',
      'Deployment default/new 0/1 false',
      'Deployment default/web 2/3 false',
      'DaemonSet kube-system/proxy 2/3 false',
    ]);
  });

  it('is live when any workload feed is, and forbidden only when all four are', () => {
    let s = emptyState();
    for (const r of ['deployments', 'statefulsets', 'daemonsets'] as const)
      s = setFeed(s, r, { state: 'forbidden', message: 'no' });
    expect(viewModel(s, NOW).workloads.feed.state).toBe('loading');
    s = setFeed(s, 'replicasets', { state: 'forbidden', message: 'no' });
    expect(viewModel(s, NOW).workloads.feed.state).toBe('forbidden');
    s = applyList(s, 'deployments', []);
    expect(viewModel(s, NOW).workloads.feed.state).toBe('live');
  });
});

describe('services', () => {
  it('counts ready and not-ready endpoints over all of a service’s slices', () => {
    const slice = (name: string, svc: string, ready: (boolean | undefined)[]) => ({
      metadata: { namespace: 'default', name, labels: { 'kubernetes.io/service-name': svc } },
      endpoints: ready.map((r) => ({
        addresses: ['10.0.0.1'],
        conditions: r === undefined ? {} : { ready: r },
      })),
    });
    const vm = viewModel(
      play({
        services: [
          {
            metadata: { namespace: 'default', name: 'web' },
            spec: {
              type: 'NodePort',
              clusterIP: '10.254.0.9',
              ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }],
            },
          },
          {
            metadata: { namespace: 'default', name: 'idle' },
            spec: { clusterIP: '10.254.0.10', ports: [{ port: 53, protocol: 'UDP' }] },
          },
        ],
        endpointslices: [
          slice('web-1', 'web', [true, undefined]),
          slice('web-2', 'web', [false]),
          slice('x', 'other', [true]),
        ],
      }),
      NOW,
    );
    expect(vm.services.items).toEqual([
      {
        namespace: 'default',
        name: 'idle',
        type: 'ClusterIP',
        clusterIP: '10.254.0.10',
        ports: '53/UDP',
        readyEndpoints: 0,
        notReadyEndpoints: 0,
      },
      {
        namespace: 'default',
        name: 'web',
        type: 'NodePort',
        clusterIP: '10.254.0.9',
        ports: '80:30080/TCP',
        readyEndpoints: 2,
        notReadyEndpoints: 1,
      },
    ]);
  });
});

describe('events', () => {
  const ev = (name: string, at: string, extra: any = {}) => ({
    metadata: { namespace: 'default', name },
    involvedObject: { kind: 'Pod', name: 'web-1' },
    reason: 'Scheduled',
    message: `m-${name}`,
    type: 'Normal',
    lastTimestamp: at,
    ...extra,
  });

  it('shows the newest first, with age and count, falling back to eventTime', () => {
    const vm = viewModel(
      play({
        events: [
          ev('old', '2026-12-01T11:00:00Z'),
          ev('new', '2026-12-01T11:59:50Z', { type: 'Warning', reason: 'NodeNotReady', count: 3 }),
          ev('micro', undefined as any, { eventTime: '2026-12-01T11:59:00.000000Z' }),
        ],
      }),
      NOW,
    );
    expect(vm.events.items.map((e) => [e.key, e.type, e.reason, e.object, e.count, e.ageSeconds])).toEqual([
      ['default/new', 'Warning', 'NodeNotReady', 'Pod/web-1', 3, 10],
      ['default/micro', 'Normal', 'Scheduled', 'Pod/web-1', 1, 60],
      ['default/old', 'Normal', 'Scheduled', 'Pod/web-1', 1, 3600],
    ]);
  });

  it(`keeps only the latest ${EVENTS_SHOWN}`, () => {
    const many = Array.from({ length: 45 }, (_, i) =>
      ev(`e${String(i).padStart(2, '0')}`, new Date(NOW - i * 1000).toISOString()),
    );
    const items = viewModel(play({ events: many }), NOW).events.items;
    expect(items).toHaveLength(EVENTS_SHOWN);
    expect([items[0].key, items.at(-1)!.key]).toEqual(['default/e00', 'default/e29']);
  });
});
