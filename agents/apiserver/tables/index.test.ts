// Golden-ish tests: build the objects behind the transcripts in /work/shared/seeds, turn them into
// Tables, lay the Table out the way kubectl's tabwriter does (3 spaces between columns, upper-case
// headers, wide columns only with -o wide), and compare with the transcript lines.

import { describe, expect, it } from 'vitest';
import { R, resources } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import { type Table, toTable } from './index';

const now = new Date('2026-11-22T06:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;

/** kubectl's human-readable printer, reduced to what these tests need. */
function render(table: Table, wide = false): string[] {
  const cols = (table.columnDefinitions ?? [])
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => wide || c.priority === 0);
  const grid = [
    cols.map(({ c }) => c.name.toUpperCase()),
    ...table.rows.map((r) => cols.map(({ i }) => String(r.cells[i]))),
  ];
  const widths = cols.map((_, j) => Math.max(...grid.map((row) => row[j].length)));
  return grid.map((row) =>
    row.map((cell, j) => (j === row.length - 1 ? cell : cell.padEnd(widths[j] + 3))).join(''),
  );
}

const meta = (name: string, age: number, extra: Record<string, unknown> = {}) => ({
  name,
  namespace: 'default',
  creationTimestamp: ago(age),
  ...extra,
});

describe('toTable against the seed transcripts', () => {
  it('componentstatuses', () => {
    const cs = (name: string, message: string): KubeObject => ({
      metadata: { name },
      conditions: [{ type: 'Healthy', status: 'True', message }],
    });
    const table = toTable(
      R.componentstatuses,
      [cs('scheduler', 'ok'), cs('controller-manager', 'ok'), cs('etcd-0', '{"health":"true"}')],
      { now },
    );
    expect(render(table)).toEqual([
      'NAME                 STATUS    MESSAGE             ERROR',
      'scheduler            Healthy   ok                  ',
      'controller-manager   Healthy   ok                  ',
      'etcd-0               Healthy   {"health":"true"}   ',
    ]);
  });

  it('nodes, with roles and cordon', () => {
    const node = (name: string, labels: Record<string, string>, unschedulable = false): KubeObject => ({
      metadata: { name, creationTimestamp: ago(26 * HOUR), labels },
      spec: { unschedulable },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        nodeInfo: { kubeletVersion: 'v1.14.1' },
        addresses: [{ type: 'InternalIP', address: '10.254.100.101' }],
      },
    });
    const table = toTable(
      R.nodes,
      [
        node('node-1', { 'node-role.kubernetes.io/master': '' }),
        node('node-2', {}),
        node('node-3', {}, true),
      ],
      { now },
    );
    expect(render(table)).toEqual([
      'NAME     STATUS                     ROLES    AGE   VERSION',
      'node-1   Ready                      master   26h   v1.14.1',
      'node-2   Ready                      <none>   26h   v1.14.1',
      'node-3   Ready,SchedulingDisabled   <none>   26h   v1.14.1',
    ]);
    expect(table.rows[0].cells.slice(5)).toEqual([
      '10.254.100.101',
      '<none>',
      '<unknown>',
      '<unknown>',
      '<unknown>',
    ]);
  });

  it('deployments and replicasets', () => {
    const template = { spec: { containers: [{ name: 'nginx-app-demo', image: 'nginx:1.7.9' }] } };
    const selector = { matchLabels: { run: 'nginx-app-demo' } };
    const deploy: KubeObject = {
      metadata: meta('nginx-app-demo', 72_000),
      spec: { replicas: 3, selector, template },
      status: { replicas: 3, readyReplicas: 3, updatedReplicas: 3, availableReplicas: 3 },
    };
    expect(render(toTable(R.deployments, [deploy], { now }), true)).toEqual([
      'NAME             READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS       IMAGES        SELECTOR',
      'nginx-app-demo   3/3     3            3           72s   nginx-app-demo   nginx:1.7.9   run=nginx-app-demo',
    ]);
    const rs: KubeObject = {
      metadata: meta('nginx-app-demo-7bdfd97dcd', 9 * MIN + 9_000),
      spec: {
        replicas: 3,
        selector: { matchLabels: { 'pod-template-hash': '7bdfd97dcd', run: 'nginx-app-demo' } },
        template,
      },
      status: { replicas: 3, readyReplicas: 3 },
    };
    const table = toTable(R.replicasets, [rs], { now });
    expect(render(table)).toEqual([
      'NAME                        DESIRED   CURRENT   READY   AGE',
      'nginx-app-demo-7bdfd97dcd   3         3         3       9m9s',
    ]);
    expect(table.rows[0].cells[7]).toBe('pod-template-hash=7bdfd97dcd,run=nginx-app-demo');
  });

  it('pods -o wide', () => {
    const pod = (name: string, ip: string, node: string): KubeObject => ({
      metadata: meta(name, 34 * MIN),
      spec: { nodeName: node, containers: [{ name: 'nginx', image: 'nginx' }] },
      status: {
        phase: 'Running',
        podIP: ip,
        podIPs: [{ ip }],
        containerStatuses: [
          {
            name: 'nginx',
            ready: true,
            restartCount: 0,
            image: 'nginx',
            imageID: '',
            state: { running: {} },
          },
        ],
      },
    });
    const table = toTable(
      R.pods,
      [
        pod('nginx-app-demo-7bdfd97dcd-7t72x', '10.244.2.4', 'node-3'),
        pod('nginx-app-demo-7bdfd97dcd-hsrft', '10.244.1.2', 'node-2'),
      ],
      { now },
    );
    expect(render(table, true)).toEqual([
      'NAME                              READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES',
      'nginx-app-demo-7bdfd97dcd-7t72x   1/1     Running   0          34m   10.244.2.4   node-3   <none>           <none>',
      'nginx-app-demo-7bdfd97dcd-hsrft   1/1     Running   0          34m   10.244.1.2   node-2   <none>           <none>',
    ]);
  });

  it('services, ClusterIP and NodePort', () => {
    const svc = (
      name: string,
      age: number,
      type: string,
      ip: string,
      port: Record<string, unknown>,
      selector?: Record<string, string>,
    ): KubeObject => ({
      metadata: meta(name, age),
      spec: { type, clusterIP: ip, clusterIPs: [ip], ports: [{ protocol: 'TCP', ...port }], selector },
    });
    const table = toTable(
      R.services,
      [
        svc('kubernetes', 30 * HOUR, 'ClusterIP', '10.96.0.1', { port: 443 }),
        svc(
          'nginx-service-demo',
          68 * MIN,
          'NodePort',
          '10.102.1.1',
          { port: 80, nodePort: 32416 },
          { run: 'nginx-app-demo' },
        ),
      ],
      { now },
    );
    expect(render(table)).toEqual([
      'NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)        AGE',
      'kubernetes           ClusterIP   10.96.0.1    <none>        443/TCP        30h',
      'nginx-service-demo   NodePort    10.102.1.1   <none>        80:32416/TCP   68m',
    ]);
    expect(table.rows.map((r) => r.cells[6])).toEqual(['<none>', 'run=nginx-app-demo']);
  });

  it('endpoints cut after three with "+ N more..."', () => {
    const ep: KubeObject = {
      metadata: meta('web', 5 * MIN),
      subsets: [
        { addresses: [{ ip: '10.244.1.2' }, { ip: '10.244.2.2' }], ports: [{ port: 80 }] },
        { addresses: [{ ip: '10.244.3.2' }, { ip: '10.244.3.3' }], ports: [{ port: 80 }] },
      ],
    };
    const empty: KubeObject = { metadata: meta('none', 5 * MIN) };
    const cells = toTable(R.endpoints, [ep, empty], { now }).rows.map((r) => r.cells[1]);
    expect(cells).toEqual(['10.244.1.2:80,10.244.2.2:80,10.244.3.2:80 + 1 more...', '<none>']);
  });

  it('namespaces, configmaps, secrets, serviceaccounts, leases', () => {
    const rows = (r: (typeof resources)[number], obj: KubeObject) => toTable(r, [obj], { now }).rows[0].cells;
    expect(
      rows(R.namespaces, {
        metadata: { name: 'kube-system', creationTimestamp: ago(3 * HOUR) },
        status: { phase: 'Active' },
      }),
    ).toEqual(['kube-system', 'Active', '3h']);
    expect(
      rows(R.configmaps, {
        metadata: meta('cfg', MIN * 5),
        data: { a: '1', b: '2' },
        binaryData: { c: 'AA==' },
      }),
    ).toEqual(['cfg', 3, '5m']);
    expect(rows(R.secrets, { metadata: meta('s', MIN * 5), type: 'Opaque', data: { k: 'dg==' } })).toEqual([
      's',
      'Opaque',
      1,
      '5m',
    ]);
    expect(rows(R.serviceaccounts, { metadata: meta('default', MIN * 5) })).toEqual(['default', 0, '5m']);
    expect(
      rows(R.leases, { metadata: meta('kube-scheduler', MIN * 5), spec: { holderIdentity: 'master_1a2b' } }),
    ).toEqual(['kube-scheduler', 'master_1a2b', '5m']);
  });

  it('events: LAST SEEN TYPE REASON OBJECT MESSAGE, wide adds the rest', () => {
    const ev: KubeObject = {
      metadata: meta('web-1.17a', 10 * MIN),
      involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{nginx}' },
      type: 'Normal',
      reason: 'Pulled',
      message: 'Container image "nginx" already present on machine\n',
      source: { component: 'kubelet', host: 'minion-1' },
      firstTimestamp: ago(10 * MIN),
      lastTimestamp: ago(5 * MIN),
      count: 3,
    };
    const table = toTable(R.events, [ev], { now });
    expect(render(table)).toEqual([
      'LAST SEEN   TYPE     REASON   OBJECT      MESSAGE',
      'LAST SEEN'.replace(/./g, '') +
        '5m          Normal   Pulled   pod/web-1   Container image "nginx" already present on machine',
    ]);
    expect(table.rows[0].cells.slice(4)).toEqual([
      'spec.containers{nginx}',
      'kubelet, minion-1',
      'Container image "nginx" already present on machine',
      '10m',
      3,
      'web-1.17a',
    ]);
  });

  it('jobs and cronjobs', () => {
    const job: KubeObject = {
      metadata: meta('pi', 2 * MIN),
      spec: {
        completions: 1,
        template: { spec: { containers: [{ name: 'pi', image: 'perl' }] } },
        selector: { matchLabels: { 'job-name': 'pi' } },
      },
      status: {
        succeeded: 1,
        startTime: ago(2 * MIN),
        completionTime: ago(2 * MIN - 12_000),
        conditions: [{ type: 'Complete', status: 'True' }],
      },
    };
    expect(render(toTable(R.jobs, [job], { now }))).toEqual([
      'NAME   STATUS     COMPLETIONS   DURATION   AGE',
      'pi     Complete   1/1           12s        2m',
    ]);
    const cj: KubeObject = {
      metadata: meta('hello', 5 * MIN),
      spec: {
        schedule: '*/1 * * * *',
        suspend: false,
        jobTemplate: { spec: { template: { spec: { containers: [{ name: 'hello', image: 'busybox' }] } } } },
      },
      status: { active: [{ name: 'hello-1' }], lastScheduleTime: ago(30_000) },
    };
    expect(render(toTable(R.cronjobs, [cj], { now }))).toEqual([
      'NAME    SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE',
      'hello   */1 * * * *   <none>     False     1        30s             5m',
    ]);
  });

  it('daemonsets, statefulsets, controllerrevisions, pdbs, endpointslices, replicationcontrollers', () => {
    const first = (r: (typeof resources)[number], obj: KubeObject) =>
      toTable(r, [obj], { now }).rows[0].cells;
    expect(
      first(R.daemonsets, {
        metadata: meta('kube-proxy', HOUR),
        spec: {
          selector: { matchLabels: { k: 'p' } },
          template: {
            spec: {
              nodeSelector: { 'kubernetes.io/os': 'linux' },
              containers: [{ name: 'p', image: 'img' }],
            },
          },
        },
        status: {
          desiredNumberScheduled: 3,
          currentNumberScheduled: 3,
          numberReady: 2,
          updatedNumberScheduled: 3,
          numberAvailable: 2,
        },
      }),
    ).toEqual(['kube-proxy', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '60m', 'p', 'img', 'k=p']);
    expect(
      first(R.statefulsets, {
        metadata: meta('db', HOUR),
        spec: { replicas: 3 },
        status: { readyReplicas: 1 },
      }),
    ).toEqual(['db', '1/3', '60m', '', '']);
    expect(
      first(R.controllerrevisions, {
        metadata: meta('kube-proxy-5d8f', HOUR, {
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'kube-proxy', uid: 'u', controller: true },
          ],
        }),
        revision: 2,
      }),
    ).toEqual(['kube-proxy-5d8f', 'daemonset.apps/kube-proxy', 2, '60m']);
    expect(
      first(R.poddisruptionbudgets, {
        metadata: meta('web', HOUR),
        spec: { minAvailable: '50%' },
        status: { disruptionsAllowed: 1 },
      }),
    ).toEqual(['web', '50%', 'N/A', 1, '60m']);
    expect(
      first(R.endpointslices, {
        metadata: meta('web-abc', HOUR),
        addressType: 'IPv4',
        ports: [{ port: 80 }, { name: 'metrics' }],
        endpoints: [{ addresses: ['10.244.1.2'] }, { addresses: ['10.244.2.2'] }],
      }),
    ).toEqual(['web-abc', 'IPv4', '80,metrics', '10.244.1.2,10.244.2.2', '60m']);
    expect(
      first(R.replicationcontrollers, {
        metadata: meta('rc', HOUR),
        spec: { replicas: 2, selector: { app: 'x' } },
        status: { replicas: 2, readyReplicas: 2 },
      }),
    ).toEqual(['rc', 2, 2, 2, '60m', '', '', 'app=x']);
  });
});

describe('Table envelope', () => {
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', labels: { a: 'b' } },
    spec: { containers: [] },
  };

  it('rows carry PartialObjectMetadata by default, with list metadata', () => {
    const table = toTable(R.pods, [pod], { now, resourceVersion: '42', continue: 'abc' });
    expect(table.kind).toBe('Table');
    expect(table.apiVersion).toBe('meta.k8s.io/v1');
    expect(table.metadata).toEqual({ resourceVersion: '42', continue: 'abc' });
    expect(table.rows[0].object).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: pod.metadata,
    });
    expect(table.columnDefinitions?.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Ready', 0],
      ['Status', 0],
      ['Restarts', 0],
      ['Age', 0],
      ['IP', 1],
      ['Node', 1],
      ['Nominated Node', 1],
      ['Readiness Gates', 1],
    ]);
    expect(table.columnDefinitions?.[0].format).toBe('name');
  });

  it('includeObject=Object embeds the object; None leaves it out; noHeaders drops the columns', () => {
    expect(toTable(R.pods, [pod], { now, includeObject: 'Object' }).rows[0].object).toEqual(pod);
    expect(toTable(R.pods, [pod], { now, includeObject: 'None' }).rows[0]).not.toHaveProperty('object');
    expect(toTable(R.pods, [pod], { now, noHeaders: true })).not.toHaveProperty('columnDefinitions');
  });

  it('has a printer for every resource in the catalogue, each row as wide as its columns', () => {
    for (const r of resources) {
      const table = toTable(r, [{ metadata: { name: 'x', creationTimestamp: ago(MIN) } }], { now });
      expect(table.columnDefinitions?.[0].name, r.resource).not.toBe('Created At');
      expect(table.rows[0].cells, r.resource).toHaveLength(table.columnDefinitions?.length ?? -1);
    }
  });

  it('marks finished pods with a Completed row condition', () => {
    const done = { ...pod, status: { phase: 'Succeeded' } };
    expect(toTable(R.pods, [done], { now }).rows[0].conditions).toEqual([
      {
        type: 'Completed',
        status: 'True',
        reason: 'Succeeded',
        message: 'The pod has completed successfully.',
      },
    ]);
  });
});
