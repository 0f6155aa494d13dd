// The Tables as real kubectl prints them. A loopback server answers `kubectl get` with toTable()
// for a few fixed objects; the printed lines must match what the seed transcripts show from a
// real cluster, in the oldest and newest kubectl we support.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl } from '../../../test/support/kubectl';
import { groupVersion, type ResourceInfo } from '../../api/resources';
import type { KubeObject } from '../../api/types';
import { type RecordedRequest, type Recorder, startRecorder } from '../protobuf/testdata/recorder';
import { toTable } from './index';

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;

function pod(name: string, ns: string, ip: string, node: string, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels, creationTimestamp: ago(34 * MIN + 5000) },
    spec: { nodeName: node, containers: [{ name: 'nginx', image: 'nginx' }] },
    status: {
      phase: 'Running',
      podIPs: [{ ip }],
      containerStatuses: [
        { name: 'nginx', ready: true, restartCount: 0, image: 'nginx', imageID: '', state: { running: {} } },
      ],
    },
  };
}

const objects: Record<string, KubeObject[]> = {
  pods: [
    pod('nginx-app-demo-7bdfd97dcd-7t72x', 'default', '10.244.2.4', 'node-3', { run: 'nginx-app-demo' }),
    pod('coredns-5c98db65d4-abcde', 'kube-system', '10.244.0.2', 'node-1', { 'k8s-app': 'kube-dns' }),
  ],
  nodes: [
    {
      metadata: {
        name: 'node-1',
        creationTimestamp: ago(26 * HOUR + MIN),
        labels: { 'node-role.kubernetes.io/master': '' },
      },
      status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.14.1' } },
    },
    {
      metadata: { name: 'node-2', creationTimestamp: ago(26 * HOUR + MIN) },
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'False' }], nodeInfo: { kubeletVersion: 'v1.14.1' } },
    },
  ],
  services: [
    {
      metadata: { name: 'kubernetes', namespace: 'default', creationTimestamp: ago(30 * HOUR + MIN) },
      spec: { type: 'ClusterIP', clusterIPs: ['10.96.0.1'], ports: [{ port: 443, protocol: 'TCP' }] },
    },
    {
      metadata: { name: 'nginx-service-demo', namespace: 'default', creationTimestamp: ago(68 * MIN + 5000) },
      spec: {
        type: 'NodePort',
        clusterIPs: ['10.102.1.1'],
        ports: [{ port: 80, nodePort: 32416, protocol: 'TCP' }],
      },
    },
  ],
};

/** Lists (or one named object) from the fixtures, as a Table when kubectl asks for one. */
function answer(req: RecordedRequest, r: ResourceInfo | undefined): unknown {
  if (!r) return undefined;
  const path = req.url.split('?')[0];
  const nsMatch = /\/namespaces\/([^/]+)\//.exec(path);
  const namespace = r.namespaced ? nsMatch?.[1] : undefined;
  const tail = path.split('/').pop();
  let items = (objects[r.resource] ?? []).filter((o) => !namespace || o.metadata?.namespace === namespace);
  if (tail !== r.resource) items = items.filter((o) => o.metadata?.name === tail);
  if (req.accept.includes('as=Table')) return toTable(r, items, { now: new Date(), resourceVersion: '7' });
  return { apiVersion: groupVersion(r), kind: `${r.kind}List`, metadata: { resourceVersion: '7' }, items };
}

let rec: Recorder;
beforeAll(async () => {
  rec = await startRecorder(undefined, answer);
});
afterAll(async () => {
  await rec?.close();
});

describe.each(['1.27', '1.33'])('kubectl %s get', (version) => {
  const run = async (...args: string[]) => {
    const r = await kubectl(version, rec.url)(args);
    expect(r.stderr).toBe('');
    return r.stdout.trimEnd().split('\n');
  };

  it('pods', { timeout: 60_000 }, async () => {
    expect(await run('get', 'pods')).toEqual([
      'NAME                              READY   STATUS    RESTARTS   AGE',
      'nginx-app-demo-7bdfd97dcd-7t72x   1/1     Running   0          34m',
    ]);
  });

  it('pods -o wide --show-labels', { timeout: 60_000 }, async () => {
    expect(await run('get', 'pods', '-o', 'wide', '--show-labels')).toEqual([
      'NAME                              READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES   LABELS',
      'nginx-app-demo-7bdfd97dcd-7t72x   1/1     Running   0          34m   10.244.2.4   node-3   <none>           <none>            run=nginx-app-demo',
    ]);
  });

  it('pods -A takes NAMESPACE from the row metadata', { timeout: 60_000 }, async () => {
    expect(await run('get', 'pods', '-A')).toEqual([
      'NAMESPACE     NAME                              READY   STATUS    RESTARTS   AGE',
      'default       nginx-app-demo-7bdfd97dcd-7t72x   1/1     Running   0          34m',
      'kube-system   coredns-5c98db65d4-abcde          1/1     Running   0          34m',
    ]);
  });

  it('one pod by name', { timeout: 60_000 }, async () => {
    expect(await run('get', 'pod', 'nginx-app-demo-7bdfd97dcd-7t72x', '--no-headers')).toEqual([
      'nginx-app-demo-7bdfd97dcd-7t72x   1/1   Running   0     34m',
    ]);
  });

  it('nodes', { timeout: 60_000 }, async () => {
    expect(await run('get', 'nodes')).toEqual([
      'NAME     STATUS                        ROLES    AGE   VERSION',
      'node-1   Ready                         master   26h   v1.14.1',
      'node-2   NotReady,SchedulingDisabled   <none>   26h   v1.14.1',
    ]);
  });

  it('services', { timeout: 60_000 }, async () => {
    expect(await run('get', 'svc')).toEqual([
      'NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)        AGE',
      'kubernetes           ClusterIP   10.96.0.1    <none>        443/TCP        30h',
      'nginx-service-demo   NodePort    10.102.1.1   <none>        80:32416/TCP   68m',
    ]);
  });
});
