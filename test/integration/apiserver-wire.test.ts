// The apiserver's wire against what upstream's clients expect: boolean query parameters as the
// Python client spells them, one version everywhere, upstream's always-present status fields,
// Status bodies byte for byte, the `kubernetes` endpoints at --advertise-address, and eviction
// honouring PodDisruptionBudgets under the real `kubectl drain`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlPlane, startControlPlane } from '../support/apiserver';
import { kubectl } from '../support/kubectl';
import { api, configMap, pod } from './apiserver-http';

// A documentation address (RFC 5737): the apiserver only writes it into objects, nothing dials it.
const ADVERTISE = '192.0.2.10';
let cp: ControlPlane;
let http: ReturnType<typeof api>;

beforeAll(async () => {
  cp = await startControlPlane({ name: 'apiserver-wire', flags: [`--advertise-address=${ADVERTISE}`] });
  http = api(cp.url);
});
afterAll(async () => {
  await cp?.stop();
});

describe('boolean query parameters', () => {
  it('watch=True (the Python client) streams events; watch=False and watch=0 list', async () => {
    await http.post('/api/v1/namespaces/default/configmaps', configMap('bool-1'));
    const watched = await http.get('/api/v1/namespaces/default/configmaps?watch=True&timeoutSeconds=1');
    const events = watched.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'ADDED', object: expect.objectContaining({ kind: 'ConfigMap' }) }),
    );
    for (const off of ['False', '0', 'false']) {
      const listed = await http.get(`/api/v1/namespaces/default/configmaps?watch=${off}`);
      expect(listed.body.kind).toBe('ConfigMapList');
    }
  });
});

describe('one version', () => {
  it('/version says v1.30.0-nodekube, and kubectl 1.29–1.31 print no skew warning', async () => {
    expect((await http.get('/version')).body).toMatchObject({
      major: '1',
      minor: '30',
      gitVersion: 'v1.30.0-nodekube',
    });
    for (const v of ['1.29', '1.30', '1.31']) {
      const r = await kubectl(v, cp.url)(['version']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Server Version: v1.30.0-nodekube');
      expect(r.stderr).not.toContain('WARNING');
    }
  });
});

const template = (app: string) => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
});
const selector = (app: string) => ({ matchLabels: { app } });

// Upstream's answer to each create: status fields whose json tags have no omitempty are there at 0.
const kinds: Array<[string, string, Record<string, unknown>, unknown]> = [
  [
    '/api/v1/namespaces/default/replicationcontrollers',
    'ReplicationController',
    { replicas: 1, selector: { app: 'rc' }, template: template('rc') },
    { replicas: 0 },
  ],
  [
    '/apis/apps/v1/namespaces/default/replicasets',
    'ReplicaSet',
    { replicas: 1, selector: selector('rs'), template: template('rs') },
    { replicas: 0 },
  ],
  [
    '/apis/apps/v1/namespaces/default/statefulsets',
    'StatefulSet',
    { replicas: 1, serviceName: 'sts', selector: selector('sts'), template: template('sts') },
    { replicas: 0, availableReplicas: 0 },
  ],
  [
    '/apis/apps/v1/namespaces/default/daemonsets',
    'DaemonSet',
    { selector: selector('ds'), template: template('ds') },
    { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 },
  ],
  [
    '/apis/apps/v1/namespaces/default/deployments',
    'Deployment',
    { replicas: 1, selector: selector('dep'), template: template('dep') },
    {},
  ],
  [
    '/apis/policy/v1/namespaces/default/poddisruptionbudgets',
    'PodDisruptionBudget',
    { minAvailable: 1, selector: selector('pdb') },
    { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
  ],
  ['/api/v1/namespaces/default/services', 'Service', { ports: [{ port: 80 }] }, { loadBalancer: {} }],
];

describe('defaulted status', () => {
  it.each(kinds)(
    '%s (%s): create, get and update answer upstream status',
    async (path, kind, spec, status) => {
      const name = `st-${kind.toLowerCase()}`;
      const apiVersion = path.startsWith('/api/v1') ? 'v1' : path.split('/').slice(2, 4).join('/');
      const created = await http.post(path, { apiVersion, kind, metadata: { name }, spec });
      expect(created.status).toBe(201);
      expect(created.body.status).toEqual(status);
      const got = await http.get(`${path}/${name}`);
      expect(got.body.status).toEqual(status);
      const updated = await http.patch(`${path}/${name}`, { metadata: { labels: { touched: 'yes' } } });
      expect(updated.body.status).toEqual(status);
    },
  );
});

describe('Status bodies', () => {
  it('are upstream bytes: omitempty details and a trailing newline', async () => {
    const missing = await http.get('/api/v1/namespaces/default/pods/nope');
    expect(missing.status).toBe(404);
    expect(missing.text).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"nope\\" not found","reason":"NotFound","details":{"name":"nope","kind":"pods"},"code":404}\n',
    );
    const unknown = await http.get('/apis/widgets.example.com/v1/widgets');
    expect(unknown.text).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}\n',
    );
  });
});

describe('DELETE answers', () => {
  it('a removed ConfigMap is a Success Status naming it; a pod comes back as the object', async () => {
    const created = await http.post('/api/v1/namespaces/default/configmaps', configMap('del-1'));
    const del = await http.del('/api/v1/namespaces/default/configmaps/del-1');
    expect(del.status).toBe(200);
    expect(del.text).toBe(
      `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"del-1","kind":"configmaps","uid":"${created.body.metadata.uid}"}}\n`,
    );
    await http.post('/api/v1/namespaces/default/pods', pod('del-pod'));
    expect((await http.del('/api/v1/namespaces/default/pods/del-pod')).body.kind).toBe('Pod');
  });
});

describe('--advertise-address', () => {
  it('is where the kubernetes Endpoints and EndpointSlice point', async () => {
    const ep = (await http.get('/api/v1/namespaces/default/endpoints/kubernetes')).body;
    expect(ep.subsets).toEqual([
      { addresses: [{ ip: ADVERTISE }], ports: [{ name: 'https', port: cp.port, protocol: 'TCP' }] },
    ]);
    expect(ep.metadata.labels).toEqual({ 'endpointslice.kubernetes.io/skip-mirror': 'true' });
    const slice = (await http.get('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes'))
      .body;
    expect(slice).toMatchObject({
      addressType: 'IPv4',
      endpoints: [{ addresses: [ADVERTISE], conditions: { ready: true } }],
      ports: [{ name: 'https', port: cp.port, protocol: 'TCP' }],
      metadata: { labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    });
  });
});

describe('eviction and PodDisruptionBudgets', () => {
  const PODS = '/api/v1/namespaces/default/pods';
  const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';
  const NODE = 'drain-node';

  /** A pod bound to NODE, Running and Ready as its kubelet would report. */
  async function runningPod(name: string): Promise<void> {
    expect(
      (
        await http.post(PODS, {
          ...pod(name, { nodeName: NODE }),
          metadata: { name, labels: { app: 'guarded' } },
        })
      ).status,
    ).toBe(201);
    const st = await http.patch(`${PODS}/${name}/status`, {
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    });
    expect(st.status).toBe(200);
  }

  async function budgetStatus(status: Record<string, unknown>): Promise<void> {
    const r = await http.patch(`${PDBS}/guard/status`, { status: { observedGeneration: 1, ...status } });
    expect(r.status).toBe(200);
  }

  beforeAll(async () => {
    await http.post('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } });
    await runningPod('guarded-1');
    await runningPod('guarded-2');
    await http.post(PDBS, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'guard' },
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'guarded' } } },
    });
  });

  it('a budget whose status is stale refuses with 429 and retry after 10 s', async () => {
    const res = await fetch(`${cp.url}${PODS}/guarded-1/eviction`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'guarded-1' } }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('10');
    expect(((await res.json()) as { details: unknown }).details).toEqual({
      causes: [
        {
          reason: 'DisruptionBudget',
          message: 'The disruption budget guard is still being processed by the server.',
        },
      ],
      retryAfterSeconds: 10,
    });
  });

  it('kubectl drain is refused while disruptionsAllowed is 0, and drains once the budget allows', async () => {
    await budgetStatus({ disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, expectedPods: 2 });
    const k = kubectl('1.33', cp.url);
    const refused = await k(['drain', NODE, '--force', '--grace-period=0', '--timeout=3s']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("Cannot evict pod as it would violate the pod's disruption budget.");
    expect((await http.get(`${PODS}/guarded-1`)).status).toBe(200);
    const direct = await http.post(`${PODS}/guarded-1/eviction`, {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'guarded-1' },
    });
    expect(direct.status).toBe(429);
    expect(direct.body.details.causes).toEqual([
      {
        reason: 'DisruptionBudget',
        message: 'The disruption budget guard needs 2 healthy pods and has 2 currently',
      },
    ]);

    await budgetStatus({ disruptionsAllowed: 2, currentHealthy: 4, desiredHealthy: 2, expectedPods: 4 });
    const drained = await k(['drain', NODE, '--force', '--grace-period=0', '--timeout=30s']);
    expect(drained.stderr + drained.stdout).toContain('evicted');
    expect(drained.code).toBe(0);
    for (const p of ['guarded-1', 'guarded-2']) expect((await http.get(`${PODS}/${p}`)).status).toBe(404);
    const budget = (await http.get(`${PDBS}/guard`)).body;
    expect(budget.status.disruptionsAllowed).toBe(0);
    expect(Object.keys(budget.status.disruptedPods).sort()).toEqual(['guarded-1', 'guarded-2']);
    expect(budget.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' }),
    );
  });
});
