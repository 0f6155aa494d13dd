import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1';
import { afterAll, describe, expect, it } from 'vitest';
import { containerBinds, setUpVolumes, tearDownVolumes } from './volumes';

const root = mkdtempSync(join(tmpdir(), 'kubelet-volumes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const pod: Pod = {
  metadata: { name: 'p', namespace: 'default', uid: 'uid-1' },
  spec: {
    volumes: [
      { name: 'scratch', emptyDir: {} },
      { name: 'host', hostPath: { path: join(root, 'host-dir'), type: 'DirectoryOrCreate' } },
      { name: 'cfg', configMap: { name: 'settings', items: [{ key: 'color', path: 'conf/color.txt' }] } },
      { name: 'creds', secret: { secretName: 'creds', defaultMode: 0o400 } },
    ],
    containers: [
      {
        name: 'c',
        volumeMounts: [
          { name: 'scratch', mountPath: '/scratch' },
          { name: 'cfg', mountPath: '/etc/cfg', readOnly: true },
          { name: 'creds', mountPath: '/creds', subPath: 'password' },
        ],
      },
    ],
  },
};

describe('volumes', () => {
  it('lays out emptyDir, hostPath, configMap items and secret files, and binds them', async () => {
    const paths = await setUpVolumes(pod, root, {
      configMaps: new Map([['settings', { data: { color: 'blue', size: 'L' } }]]),
      secrets: new Map([['creds', { data: { password: Buffer.from('s3cret').toString('base64') } }]]),
    });
    const scratch = join(root, 'pods/uid-1/volumes/kubernetes.io~empty-dir/scratch');
    expect(paths.get('scratch')).toBe(scratch);
    expect(statSync(scratch).isDirectory()).toBe(true);
    expect(statSync(join(root, 'host-dir')).isDirectory()).toBe(true);
    expect(readFileSync(join(paths.get('cfg')!, 'conf/color.txt'), 'utf8')).toBe('blue');
    const secretFile = join(paths.get('creds')!, 'password');
    expect(readFileSync(secretFile, 'utf8')).toBe('s3cret');
    expect(statSync(secretFile).mode & 0o777).toBe(0o400);
    expect(containerBinds(pod.spec!.containers[0], paths)).toEqual([
      `${scratch}:/scratch`,
      `${paths.get('cfg')}:/etc/cfg:ro`,
      `${secretFile}:/creds`,
    ]);
    await tearDownVolumes(root, 'uid-1');
    expect(() => statSync(join(root, 'pods/uid-1'))).toThrow();
  });

  it('writes a projected token volume atomically, with its mode, and rewrites a refreshed token', async () => {
    const tokenPod: Pod = {
      metadata: { name: 'p', namespace: 'demo', uid: 'uid-2' },
      spec: {
        volumes: [
          {
            name: 'kube-api-access-abcde',
            projected: {
              defaultMode: 420,
              sources: [
                { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
                { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
                {
                  downwardAPI: {
                    items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }],
                  },
                },
              ],
            },
          },
          {
            name: 'info',
            downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] },
          },
        ],
        containers: [
          {
            name: 'c',
            volumeMounts: [
              {
                name: 'kube-api-access-abcde',
                mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
                readOnly: true,
              },
            ],
          },
        ],
      },
    };
    const objects = (token: string) => ({
      configMaps: new Map([['kube-root-ca.crt', { data: { 'ca.crt': 'CA' } }]]),
      secrets: new Map(),
      tokens: new Map([['|3607', token]]),
    });
    const paths = await setUpVolumes(tokenPod, root, objects('first'));
    const dir = paths.get('kube-api-access-abcde')!;
    expect(dir).toBe(join(root, 'pods/uid-2/volumes/kubernetes.io~projected/kube-api-access-abcde'));
    expect(readFileSync(join(dir, 'token'), 'utf8')).toBe('first');
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe('CA');
    expect(readFileSync(join(dir, 'namespace'), 'utf8')).toBe('demo');
    expect(statSync(join(dir, 'token')).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(paths.get('info')!, 'name'), 'utf8')).toBe('p');
    expect(paths.get('info')).toContain('kubernetes.io~downward-api');
    const inode = statSync(join(dir, 'ca.crt')).ino;
    await setUpVolumes(tokenPod, root, objects('second'));
    expect(readFileSync(join(dir, 'token'), 'utf8')).toBe('second');
    // Unchanged files are not rewritten; changed ones are replaced by rename, never left as .tmp.
    expect(statSync(join(dir, 'ca.crt')).ino).toBe(inode);
    expect(readdirSync(dir).sort()).toEqual(['ca.crt', 'namespace', 'token']);
    expect(containerBinds(tokenPod.spec!.containers[0], paths)).toEqual([
      `${dir}:/var/run/secrets/kubernetes.io/serviceaccount:ro`,
    ]);
    await tearDownVolumes(root, 'uid-2');
  });

  it('a missing ConfigMap fails set-up', async () => {
    await expect(setUpVolumes(pod, root, { configMaps: new Map(), secrets: new Map() })).rejects.toThrow(
      'configmap "settings" not found',
    );
  });
});

describe('persistentVolumeClaim volumes', () => {
  const claimPod = (claimName: string): Pod => ({
    metadata: { name: 'db', namespace: 'default', uid: 'uid-pvc' },
    spec: { containers: [], volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] },
  });
  const bound = (volumeName: string) => ({ spec: { volumeName }, status: { phase: 'Bound' } });
  const localPath = join(root, 'local-path', 'pvc-1');
  const objects = {
    configMaps: new Map(),
    secrets: new Map(),
    claims: new Map<string, object>([
      ['host', bound('pv-host')],
      ['local', bound('pv-local')],
      ['nfs', bound('pv-nfs')],
      ['pending', { spec: {}, status: { phase: 'Pending' } }],
    ]),
    persistentVolumes: new Map<string, object>([
      ['pv-host', { spec: { hostPath: { path: '/srv/share' } } }],
      ['pv-local', { spec: { local: { path: localPath } } }],
      [
        'pv-nfs',
        { metadata: { name: 'pv-nfs' }, spec: { nfs: { server: '10.100.1.10', path: '/var/nfs/general' } } },
      ],
    ]),
  };
  const mounts: string[][] = [];
  const mounter = (filesystems: string) => ({
    nodeName: 'node-a',
    filesystems: async () => filesystems,
    mount: async (args: string[]) => void mounts.push(args),
    umount: async () => {},
  });
  const noNfs = mounter('nodev\tsysfs\nnodev\tproc\n\text4\nnodev\toverlay\n');
  const setUp = (claim: string, m = noNfs) => setUpVolumes(claimPod(claim), root, objects as never, m);

  it('a hostPath volume is bound in as the host path; a local one is created when missing', async () => {
    expect((await setUp('host')).get('data')).toBe('/srv/share');
    expect((await setUp('local')).get('data')).toBe(localPath);
    expect(statSync(localPath).isDirectory()).toBe(true);
  });

  it('a claim not bound yet, or missing, makes the pod wait with the reason', async () => {
    await expect(setUp('pending')).rejects.toThrow('PVC default/pending is not bound');
    await expect(setUp('nope')).rejects.toThrow('persistentvolumeclaim "nope" not found');
  });

  it('nfs on a kernel without NFS: FailedMount that says so, and mount is never run (no traffic)', async () => {
    await expect(setUp('nfs')).rejects.toThrow(
      'mount -t nfs 10.100.1.10:/var/nfs/general failed: the kernel of node node-a has no NFS support',
    );
    expect(mounts).toEqual([]);
  });

  it('nfs on a kernel with NFS: mount -t nfs server:path into the pod volume dir', async () => {
    const paths = await setUp('nfs', mounter('nodev\tnfs\nnodev\tnfs4\n'));
    const target = join(root, 'pods/uid-pvc/volumes/kubernetes.io~nfs/data');
    expect(paths.get('data')).toBe(target);
    expect(mounts).toEqual([['-t', 'nfs', '10.100.1.10:/var/nfs/general', target]]);
  });
});
