import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { downwardAPIFiles, formatMap, projectedFiles, type VolumeFile } from './projected';

const pod: Pod = {
  metadata: {
    name: 'web',
    namespace: 'demo',
    uid: 'u1',
    labels: { tier: 'front', app: 'web' },
    annotations: { note: 'say "hi"' },
  },
  spec: {
    containers: [{ name: 'c', resources: { limits: { memory: '128Mi', cpu: '500m' } } }],
  },
};
const CA = '-----BEGIN CERTIFICATE-----\n…\n';
const objects = {
  configMaps: new Map([['kube-root-ca.crt', { data: { 'ca.crt': CA } }]]),
  secrets: new Map([['creds', { data: { user: Buffer.from('admin').toString('base64') } }]]),
  tokens: new Map([['|3607', 'eyJhbGciOi…']]),
  hostIP: '192.168.200.101',
};
const show = (files: VolumeFile[]) => files.map((f) => [f.path, f.content.toString(), f.mode.toString(8)]);

describe('projected volumes', () => {
  it('lay out the token volume as in-cluster clients read it: token, ca.crt, namespace, 0644', () => {
    const files = projectedFiles(
      pod,
      {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          {
            downwardAPI: {
              items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
            },
          },
        ],
      },
      objects,
    );
    expect(show(files)).toEqual([
      ['token', 'eyJhbGciOi…', '644'],
      ['ca.crt', CA, '644'],
      ['namespace', 'demo', '644'],
    ]);
  });

  it('mix secrets, item modes and a later source replacing an earlier path', () => {
    const files = projectedFiles(
      pod,
      {
        defaultMode: 0o440,
        sources: [
          { secret: { name: 'creds' } },
          { secret: { name: 'creds', items: [{ key: 'user', path: 'nested/user', mode: 0o400 }] } },
          { downwardAPI: { items: [{ path: 'user', fieldRef: { fieldPath: 'metadata.name' } }] } },
        ],
      },
      objects,
    );
    expect(show(files)).toEqual([
      ['user', 'web', '440'],
      ['nested/user', 'admin', '400'],
    ]);
  });

  it.each([
    [{ configMap: { name: 'nope' } }, 'configmap "nope" not found'],
    [
      { secret: { name: 'creds', items: [{ key: 'pass', path: 'p' }] } },
      'secret references non-existent secret key: pass',
    ],
    [{ serviceAccountToken: { path: 'token', audience: 'vault' } }, 'no service account token for token'],
  ])('refuse what cannot be projected: %j', (source, message) => {
    expect(() => projectedFiles(pod, { sources: [source] }, objects)).toThrow(message);
  });

  it('skip an optional source that does not exist', () => {
    expect(
      projectedFiles(pod, { sources: [{ configMap: { name: 'nope', optional: true } }] }, objects),
    ).toEqual([]);
  });
});

describe('downwardAPI files', () => {
  it('write metadata and resources the way upstream formats them', () => {
    const files = downwardAPIFiles(
      pod,
      [
        { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
        { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
        { path: 'uid', fieldRef: { fieldPath: 'metadata.uid' } },
        { path: 'tier', fieldRef: { fieldPath: "metadata.labels['tier']" } },
        { path: 'host', fieldRef: { fieldPath: 'status.hostIP' } },
        { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } },
        {
          path: 'cpu',
          resourceFieldRef: { containerName: 'c', resource: 'limits.cpu', divisor: '1m' },
          mode: 0o600,
        },
      ],
      undefined,
      objects,
    );
    expect(show(files)).toEqual([
      ['labels', 'app="web"\ntier="front"', '644'],
      ['annotations', 'note="say \\"hi\\""', '644'],
      ['uid', 'u1', '644'],
      ['tier', 'front', '644'],
      ['host', '192.168.200.101', '644'],
      ['mem', '128', '644'],
      ['cpu', '500', '600'],
    ]);
  });

  it('formatMap of nothing is empty', () => expect(formatMap(undefined)).toBe(''));
});
