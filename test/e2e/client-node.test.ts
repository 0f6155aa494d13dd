// The official JavaScript client (@kubernetes/client-node) against the 1+3 cluster, from this
// machine with the admin kubeconfig `nodekube up` wrote (TLS, client certificate): the calls its
// own examples make — list, watch, an informer, exec, attach, port-forward, logs, a strategic
// merge patch and a server-side apply. exec, attach and port-forward go client → apiserver →
// the pod's kubelet over TLS, as plain WebSocket channels (the client has no SPDY).
import {
  Attach,
  CoreV1Api,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  Log,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
  Watch,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execToStatus, forwardLocally, textSink } from '../support/client-node';
import { KUBECONFIG } from './support';

const NS = 'e2e-client-node';
const kc = new KubeConfig();
kc.loadFromFile(KUBECONFIG);
const core = kc.makeApiClient(CoreV1Api);
const poll = { timeout: 120_000, interval: 1_000 };

const busyboxPod = (name: string, script: string): V1Pod => ({
  metadata: { name, labels: { app: name } },
  spec: {
    terminationGracePeriodSeconds: 1,
    containers: [
      { name: 'c', image: 'busybox', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script] },
    ],
  },
});

const phase = async (name: string) => (await core.readNamespacedPod({ name, namespace: NS })).status?.phase;

beforeAll(async () => {
  await core.createNamespace({ body: { metadata: { name: NS } } });
  await core.createNamespacedPod({
    namespace: NS,
    body: busyboxPod(
      'web',
      'echo hello-client-node > /tmp/index.html; for i in 1 2 3; do echo line $i; done; exec httpd -f -p 8080 -h /tmp',
    ),
  });
  for (const deadline = Date.now() + 120_000; (await phase('web')) !== 'Running'; ) {
    if (Date.now() > deadline) throw new Error('pod web did not reach Running');
    await new Promise((r) => setTimeout(r, 1000));
  }
}, 180_000);

// Gone before the next file starts: a namespace still terminating would count as a change to
// the drills' "cluster as found".
afterAll(async () => {
  await core.deleteNamespace({ name: NS }).catch(() => undefined);
  for (const deadline = Date.now() + 180_000; Date.now() < deadline; ) {
    const gone = await core.readNamespace({ name: NS }).then(
      () => false,
      (err: { code?: number }) => err.code === 404,
    );
    if (gone) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`namespace ${NS} still there 180 s after its deletion`);
}, 200_000);

describe('@kubernetes/client-node on the 1+3 cluster', () => {
  it('lists the nodes: three minions Ready', async () => {
    const nodes = await core.listNode();
    const ready = nodes.items.filter((n) =>
      n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    expect(ready.map((n) => n.metadata?.name).sort()).toEqual(['minion1', 'minion2', 'minion3']);
  });

  it('watches a pod from ADDED to Running, and an informer sees it too', async () => {
    const events: string[] = [];
    const watch = await new Watch(kc).watch(
      `/api/v1/namespaces/${NS}/pods`,
      { labelSelector: 'app=watched' },
      (type, obj: V1Pod) => events.push(`${type} ${obj.status?.phase ?? ''}`),
      () => undefined,
    );
    const informer = makeInformer(kc, `/api/v1/namespaces/${NS}/pods`, () =>
      core.listNamespacedPod({ namespace: NS }),
    );
    const informed = new Set<string>();
    informer.on('add', (p) => informed.add(p.metadata?.name ?? ''));
    await informer.start();
    try {
      await core.createNamespacedPod({ namespace: NS, body: busyboxPod('watched', 'exec sleep 3600') });
      await expect.poll(() => events.includes('MODIFIED Running'), poll).toBe(true);
      expect(events[0]).toBe('ADDED Pending');
      await expect.poll(() => informed.has('watched'), poll).toBe(true);
      expect(informed.has('web')).toBe(true);
    } finally {
      watch.abort();
      await informer.stop();
    }
  });

  it('exec: stdout, stderr and the exit status', async () => {
    const r = await execToStatus(kc, NS, 'web', 'c', ['sh', '-c', 'echo js-out; echo js-err >&2; exit 3']);
    expect(r.stdout).toBe('js-out\n');
    expect(r.stderr).toBe('js-err\n');
    expect(r.status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode' });
  });

  it('attach: a running container’s output as it is written', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: busyboxPod('ticker', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done'),
    });
    await expect.poll(() => phase('ticker'), poll).toBe('Running');
    const out = textSink();
    const ws = await new Attach(kc).attach(NS, 'ticker', 'c', out.w, null, null, false);
    try {
      await expect.poll(() => (out.text().match(/tick \d+\n/g) ?? []).length, poll).toBeGreaterThanOrEqual(2);
    } finally {
      ws.close();
    }
  });

  it('port-forward: a local socket reaches the pod’s port 8080', async () => {
    const local = await forwardLocally(kc, NS, 'web', 8080);
    try {
      const res = await fetch(`http://127.0.0.1:${local.port}/`, { headers: { connection: 'close' } });
      expect(await res.text()).toBe('hello-client-node\n');
    } finally {
      local.close();
    }
  });

  it('logs: the container’s output, the last two lines', async () => {
    const out = textSink();
    await new Log(kc).log(NS, 'web', 'c', out.w, { tailLines: 2 });
    await expect.poll(() => out.text(), poll).toBe('line 2\nline 3\n');
  });

  // client-node's apply example: read the object, then patch it (strategic merge) or create it,
  // with kubectl's last-applied annotation. (nodekube has no server-side apply: README.)
  it('a strategic merge patch adds a label; the apply example creates, then patches, a ConfigMap', async () => {
    await core.patchNamespacedPod(
      { name: 'web', namespace: NS, body: { metadata: { labels: { patched: 'yes' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const pod = await core.readNamespacedPod({ name: 'web', namespace: NS });
    expect(pod.metadata?.labels).toMatchObject({ app: 'web', patched: 'yes' });

    const objects = KubernetesObjectApi.makeApiClient(kc);
    const apply = async (data: Record<string, string>) => {
      const spec: KubernetesObject & { data: Record<string, string> } = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'applied', namespace: NS, annotations: {} },
        data,
      };
      const annotations = spec.metadata?.annotations ?? {};
      annotations['kubectl.kubernetes.io/last-applied-configuration'] = JSON.stringify(spec);
      try {
        await objects.read({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'applied', namespace: NS },
        });
      } catch {
        return { created: true, object: await objects.create(spec) };
      }
      return { created: false, object: await objects.patch(spec) };
    };
    expect((await apply({ greeting: 'hello' })).created).toBe(true);
    const second = await apply({ greeting: 'hello again', more: 'yes' });
    expect(second.created).toBe(false);
    const cm = await core.readNamespacedConfigMap({ name: 'applied', namespace: NS });
    expect(cm.data).toEqual({ greeting: 'hello again', more: 'yes' });
    expect(
      JSON.parse(cm.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '{}'),
    ).toMatchObject({
      data: { greeting: 'hello again', more: 'yes' },
    });
  });
});
