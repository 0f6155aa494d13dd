// Dynamic provisioning end to end (issue 10): the apiserver's default StorageClass `local-path`
// (WaitForFirstConsumer), the scheduler's VolumeBinding (selected-node on the claim), the
// controller-manager's local-path provisioner (a local PV on that node, pre-bound) and the
// persistentvolume-binder, with hollow nodes; then reclaim Delete: a cleanup pod on the node,
// and the volume is gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, getJson, run, startCluster, waitUntil } from './controller-cluster';

let c: Cluster;

beforeAll(async () => {
  c = await startCluster({
    name: 'provisioning',
    nodes: ['node-a', 'node-b'],
    cmFlags: ['--local-path-root=/var/lib/nodekube/local-path'],
  });
  await waitUntil('2 nodes', async () => (await getJson(c.k, ['get', 'nodes'])).items.length === 2);
});
afterAll(async () => {
  await c?.stop();
});

describe('the default StorageClass local-path', () => {
  it('is created by the apiserver; kubectl 1.27 and 1.33 show it as default', async () => {
    for (const k of [c.k, c.k27])
      expect(await run(k, ['get', 'sc'])).toMatch(
        /\nlocal-path \(default\)\s+nodekube\.io\/local-path\s+Delete\s+WaitForFirstConsumer\s+false\s+\d+s\n/,
      );
  });

  it('a class-less claim waits for its first consumer; the pod gets a volume provisioned on its node', async () => {
    await run(
      c.k,
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 2Gi}}
`,
    );
    const claim = async () => getJson(c.k, ['get', 'pvc', 'data']);
    await expect
      .poll(async () => (await claim()).spec.storageClassName, { timeout: 30_000 })
      .toBe('local-path');
    await expect
      .poll(
        async () =>
          (await getJson(c.k, ['get', 'events', '--field-selector', 'involvedObject.name=data'])).items.map(
            (e: any) => e.reason,
          ),
        { timeout: 30_000 },
      )
      .toContain('WaitForFirstConsumer');
    expect((await claim()).status.phase).toBe('Pending');

    await run(
      c.k,
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: Pod
metadata: {name: user}
spec:
  restartPolicy: Always
  containers: [{name: main, image: "nginx:1.25", volumeMounts: [{name: v, mountPath: /data}]}]
  volumes: [{name: v, persistentVolumeClaim: {claimName: data}}]
`,
    );
    await expect.poll(async () => (await claim()).status.phase, { timeout: 60_000 }).toBe('Bound');
    const pvc = await claim();
    const node = pvc.metadata.annotations['volume.kubernetes.io/selected-node'];
    expect(['node-a', 'node-b']).toContain(node);
    const pvName = `pvc-${pvc.metadata.uid}`;
    expect(pvc.spec.volumeName).toBe(pvName);
    const pv = await getJson(c.k, ['get', 'pv', pvName]);
    expect(pv.metadata.annotations['pv.kubernetes.io/provisioned-by']).toBe('nodekube.io/local-path');
    expect(pv.spec).toMatchObject({
      capacity: { storage: '2Gi' },
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'local-path',
      local: { path: `/var/lib/nodekube/local-path/${pvName}` },
      claimRef: { name: 'data', namespace: 'default', uid: pvc.metadata.uid },
    });
    expect(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values).toEqual([node]);
    const pod = await getJson(c.k, ['get', 'pod', 'user']);
    expect(pod.spec.nodeName).toBe(node);
    expect(await run(c.k, ['get', 'pv', pvName])).toMatch(
      new RegExp(
        `\\n${pvName}\\s+2Gi\\s+RWO\\s+Delete\\s+Bound\\s+default/data\\s+local-path\\s+<unset>\\s+\\d+s\\n`,
      ),
    );

    // A second pod of the same claim must go where the volume is (VolumeBinding's node affinity).
    await run(
      c.k,
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: Pod
metadata: {name: user2}
spec:
  containers: [{name: main, image: "nginx:1.25", volumeMounts: [{name: v, mountPath: /data}]}]
  volumes: [{name: v, persistentVolumeClaim: {claimName: data}}]
`,
    );
    await expect
      .poll(async () => (await getJson(c.k, ['get', 'pod', 'user2'])).spec.nodeName, { timeout: 30_000 })
      .toBe(node);

    // Reclaim Delete: the claim goes → Released → a cleanup pod on the node → the volume is deleted.
    await run(c.k, ['delete', 'pod', 'user', 'user2', '--wait=false']);
    await run(c.k, ['delete', 'pvc', 'data', '--wait=false']);
    await expect
      .poll(async () => (await c.k(['get', 'pv', pvName])).stderr, { timeout: 90_000 })
      .toContain('NotFound');
    // The cleanup pod ran on the volume's node and is removed once it succeeded.
    await expect
      .poll(
        async () =>
          (await getJson(c.k, ['get', 'pods', '-n', 'kube-system', '-l', 'nodekube.io/local-path-cleanup']))
            .items.length,
        { timeout: 30_000 },
      )
      .toBe(0);
    const events = await getJson(c.k, [
      'get',
      'events',
      '-n',
      'kube-system',
      '--field-selector',
      `involvedObject.name=cleanup-${pvName}`,
    ]);
    expect(events.items.find((e: any) => e.reason === 'Scheduled')?.message).toContain(node);
  });
});
