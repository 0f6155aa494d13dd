import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
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

  it('a missing ConfigMap fails set-up', async () => {
    await expect(setUpVolumes(pod, root, { configMaps: new Map(), secrets: new Map() })).rejects.toThrow(
      'configmap "settings" not found',
    );
  });
});
