// Persistent storage end to end (issue 10): the persistentvolume-binder controller against a real
// apiserver, driven by the real kubectl 1.33 and 1.27, with the scheduler and hollow nodes (which
// complete restartPolicy Never pods, so the recycler pod runs to Succeeded).
//
//   seed 003: a Recycle PV + a class-less claim → both Bound, the tables upstream prints;
//             the claim deleted → Released → recycler pod → Available again
//   a claim bigger than every volume, no class → Pending with FailedBinding
//   a default StorageClass → a class-less claim gets it (retroactive assignment)
//   a claim without accessModes → 422 Invalid
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, getJson, run, startCluster, waitUntil } from './controller-cluster';

let c: Cluster;

beforeAll(async () => {
  // Seed 003's cluster has no default class (with one, its class-less claim would not bind its PV).
  c = await startCluster({ name: 'storage', nodes: ['node-a'], apiFlags: ['--default-storage-class=false'] });
  await waitUntil('1 node', async () => (await getJson(c.k, ['get', 'nodes'])).items.length === 1);
});
afterAll(async () => {
  await c?.stop();
});

const pvYaml = (name: string, size: string, policy: string) => `apiVersion: v1
kind: PersistentVolume
metadata: {name: ${name}}
spec:
  capacity: {storage: ${size}}
  volumeMode: Filesystem
  accessModes: [ReadWriteMany]
  persistentVolumeReclaimPolicy: ${policy}
  hostPath: {path: /tmp/nodekube-test-${name}}
`;
const pvcYaml = (name: string, size: string, extra = '') => `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}}
spec:
  accessModes: [ReadWriteMany]
  resources: {requests: {storage: ${size}}}
${extra}`;

const phase = async (kind: string, name: string) => (await getJson(c.k, ['get', kind, name])).status?.phase;
const events = async (name: string) =>
  (await getJson(c.k, ['get', 'events', '--field-selector', `involvedObject.name=${name}`])).items;

describe('seed 003: a Recycle PersistentVolume and a claim', () => {
  it('binds the claim; kubectl 1.33 and 1.27 print the upstream tables', async () => {
    await run(c.k, ['create', '-f', '-'], pvYaml('pv01', '1Gi', 'Recycle'));
    await expect.poll(() => phase('pv', 'pv01'), { timeout: 30_000 }).toBe('Available');
    const avail = await run(c.k27, ['get', 'pv']);
    // The seed's columns plus VOLUMEATTRIBUTESCLASS, which a 1.30+ server prints (the table is the server's).
    expect(avail).toMatch(
      /^NAME\s+CAPACITY\s+ACCESS MODES\s+RECLAIM POLICY\s+STATUS\s+CLAIM\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+REASON\s+AGE\n/,
    );
    expect(avail).toMatch(/\npv01\s+1Gi\s+RWX\s+Recycle\s+Available\s+<unset>\s+\d+s\n/);

    await run(c.k, ['create', '-f', '-'], pvcYaml('nfs-pvc', '1Gi'));
    await expect.poll(() => phase('pvc', 'nfs-pvc'), { timeout: 30_000 }).toBe('Bound');
    await expect.poll(() => phase('pv', 'pv01'), { timeout: 30_000 }).toBe('Bound');

    for (const k of [c.k, c.k27]) {
      const out = await run(k, ['get', 'pv,pvc']);
      expect(out).toMatch(
        /persistentvolume\/pv01\s+1Gi\s+RWX\s+Recycle\s+Bound\s+default\/nfs-pvc\s+<unset>\s+\d+s\n/,
      );
      expect(out).toMatch(/persistentvolumeclaim\/nfs-pvc\s+Bound\s+pv01\s+1Gi\s+RWX\s+<unset>\s+\d+s\n/);
    }
    const pvc = await getJson(c.k, ['get', 'pvc', 'nfs-pvc']);
    expect(pvc.spec.volumeName).toBe('pv01');
    expect(pvc.status).toMatchObject({
      phase: 'Bound',
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteMany'],
    });
    expect(pvc.metadata.annotations).toMatchObject({
      'pv.kubernetes.io/bind-completed': 'yes',
      'pv.kubernetes.io/bound-by-controller': 'yes',
    });
    const pv = await getJson(c.k, ['get', 'pv', 'pv01']);
    expect(pv.spec.claimRef).toMatchObject({ namespace: 'default', name: 'nfs-pvc', uid: pvc.metadata.uid });
  });

  it('deleting the claim releases the volume; the recycler pod empties it; it is Available again', async () => {
    await run(c.k, ['delete', 'pvc', 'nfs-pvc']);
    // Released is brief (the recycler starts at once); the recycler's event proves it was reached.
    await expect
      .poll(async () => (await events('pv01')).map((e: any) => e.reason), { timeout: 30_000 })
      .toContain('RecyclerPod');
    await expect.poll(() => phase('pv', 'pv01'), { timeout: 60_000 }).toBe('Available');
    const pv = await getJson(c.k, ['get', 'pv', 'pv01']);
    expect(pv.spec.claimRef).toBeUndefined();
    expect((await events('pv01')).map((e: any) => e.reason)).toContain('VolumeRecycled');
    // The recycler pod is cleaned up.
    await expect
      .poll(
        async () => (await getJson(c.k, ['get', 'pods', '-l', 'nodekube.io/recycler-for=pv01'])).items.length,
        {
          timeout: 30_000,
        },
      )
      .toBe(0);
  });
});

describe('claims that cannot bind', () => {
  it('a claim bigger than every volume, with no class, stays Pending with FailedBinding', async () => {
    await run(c.k, ['create', '-f', '-'], pvcYaml('big', '5Gi'));
    await expect
      .poll(async () => (await events('big')).map((e: any) => [e.type, e.reason, e.message]), {
        timeout: 30_000,
      })
      .toContainEqual([
        'Normal',
        'FailedBinding',
        'no persistent volumes available for this claim and no storage class is set',
      ]);
    expect(await phase('pvc', 'big')).toBe('Pending');
    expect(await phase('pv', 'pv01')).toBe('Available');
    const table = await run(c.k, ['get', 'pvc', 'big']);
    expect(table).toMatch(/\nbig\s+Pending\s+<unset>\s+\d+s\n/);
  });

  it('rejects a claim without accessModes: 422 Invalid', async () => {
    const r = await c.k(['create', '-f', '-'], {
      stdin: `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: nomodes}
spec:
  resources: {requests: {storage: 1Gi}}
`,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('PersistentVolumeClaim "nomodes" is invalid');
    expect(r.stderr).toContain('spec.accessModes: Required value');
  });
});

describe('StatefulSet volumeClaimTemplates', () => {
  const claimNames = async () =>
    (await getJson(c.k, ['get', 'pvc', '-l', 'app=db'])).items
      .filter((x: any) => !x.metadata.deletionTimestamp)
      .map((x: any) => x.metadata.name)
      .sort();

  it('one claim per pod; whenScaled Delete removes data-db-1 on scale down; whenDeleted Retain keeps data-db-0', async () => {
    await run(
      c.k,
      ['apply', '-f', '-'],
      `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  serviceName: db
  podManagementPolicy: Parallel
  selector: {matchLabels: {app: db}}
  persistentVolumeClaimRetentionPolicy: {whenScaled: Delete, whenDeleted: Retain}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: main, image: "nginx:1.25"}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`,
    );
    await expect.poll(claimNames, { timeout: 60_000 }).toEqual(['data-db-0', 'data-db-1']);
    await expect
      .poll(async () => (await getJson(c.k, ['get', 'pods', '-l', 'app=db'])).items.length, {
        timeout: 60_000,
      })
      .toBe(2);
    // No volume can serve the claims here (no class, no PV): the scheduler keeps the pods back.
    await expect
      .poll(
        async () =>
          (await getJson(c.k, ['get', 'events', '--field-selector', 'involvedObject.name=db-0'])).items.map(
            (e: any) => e.message,
          ),
        { timeout: 30_000 },
      )
      .toContainEqual(expect.stringContaining('pod has unbound immediate PersistentVolumeClaims'));
    const pod1 = await getJson(c.k, ['get', 'pod', 'db-1']);
    expect(pod1.spec.volumes).toContainEqual({
      name: 'data',
      persistentVolumeClaim: { claimName: 'data-db-1' },
    });

    await run(c.k, ['scale', 'statefulset', 'db', '--replicas=1']);
    await expect.poll(claimNames, { timeout: 60_000 }).toEqual(['data-db-0']);

    await run(c.k, ['delete', 'statefulset', 'db']);
    await expect
      .poll(async () => (await getJson(c.k, ['get', 'pods', '-l', 'app=db'])).items.length, {
        timeout: 60_000,
      })
      .toBe(0);
    expect(await claimNames()).toEqual(['data-db-0']);
    await run(c.k, ['delete', 'pvc', 'data-db-0']);
  });
});

describe('default StorageClass', () => {
  it('gives a class-less Pending claim the default class', async () => {
    await run(
      c.k,
      ['apply', '-f', '-'],
      `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: manual
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: Immediate
`,
    );
    await expect
      .poll(async () => (await getJson(c.k, ['get', 'pvc', 'big'])).spec.storageClassName, {
        timeout: 30_000,
      })
      .toBe('manual');
    expect(await run(c.k, ['get', 'sc'])).toMatch(
      /\nmanual \(default\)\s+kubernetes\.io\/no-provisioner\s+Delete\s+Immediate\s+false\s+\d+s\n/,
    );
    // A PV of that class big enough binds it.
    await run(
      c.k,
      ['create', '-f', '-'],
      `${pvYaml('pv-manual', '5Gi', 'Retain')}  storageClassName: manual\n`,
    );
    await expect.poll(() => phase('pvc', 'big'), { timeout: 30_000 }).toBe('Bound');
    expect((await getJson(c.k, ['get', 'pvc', 'big'])).spec.volumeName).toBe('pv-manual');
  });
});
