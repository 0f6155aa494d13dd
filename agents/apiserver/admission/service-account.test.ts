import { describe, expect, it } from 'vitest';
import type { StatusError } from '../../api/errors';
import type { KubeObject } from '../../api/types';
import {
  admitPodServiceAccount,
  lookUpServiceAccount,
  shouldAutomount,
  tokenVolumeSource,
} from './service-account';

const sa = (more: Record<string, unknown> = {}): KubeObject => ({
  kind: 'ServiceAccount',
  metadata: { name: 'default', namespace: 'demo', uid: 'sa-1' },
  ...more,
});
const pod = (spec: Record<string, unknown>): KubeObject => ({
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'demo' },
  spec: { serviceAccountName: 'default', ...spec },
});
const MOUNT = {
  name: 'kube-api-access-b2c4d',
  readOnly: true,
  mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
};
const admit = (p: KubeObject, ...account: [KubeObject?]) =>
  admitPodServiceAccount(p, account.length ? account[0] : sa(), () => 'b2c4d');

describe('ServiceAccount admission', () => {
  it("adds upstream's kube-api-access volume and mounts it read-only in every container", () => {
    const out = admit(
      pod({
        initContainers: [{ name: 'init', image: 'busybox' }],
        containers: [
          { name: 'a', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data' }] },
          { name: 'b', image: 'busybox' },
        ],
        volumes: [{ name: 'data', emptyDir: {} }],
      }),
    );
    const spec = out.spec as any;
    expect(spec.volumes).toEqual([
      { name: 'data', emptyDir: {} },
      {
        name: 'kube-api-access-b2c4d',
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            {
              downwardAPI: {
                items: [
                  { path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } },
                ],
              },
            },
          ],
        },
      },
    ]);
    expect(spec.initContainers[0].volumeMounts).toEqual([MOUNT]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }, MOUNT]);
    expect(spec.containers[1].volumeMounts).toEqual([MOUNT]);
  });

  it('is idempotent and leaves a container with its own mount at the token path alone', () => {
    const once = admit(pod({ containers: [{ name: 'a' }] }));
    expect(admit(once)).toEqual(once);
    const own = { name: 'mine', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
    const out = admit(
      pod({ containers: [{ name: 'a', volumeMounts: [own] }], volumes: [{ name: 'mine', emptyDir: {} }] }),
    );
    expect((out.spec as any).volumes).toEqual([{ name: 'mine', emptyDir: {} }]);
    expect((out.spec as any).containers[0].volumeMounts).toEqual([own]);
  });

  it.each([
    ['pod false', { automountServiceAccountToken: false }, {}, false],
    [
      'pod true beats account false',
      { automountServiceAccountToken: true },
      { automountServiceAccountToken: false },
      true,
    ],
    ['account false', {}, { automountServiceAccountToken: false }, false],
    ['neither says', {}, {}, true],
  ])('automount: %s → %s', (_n, podSpec, account, want) => {
    expect(shouldAutomount(sa(account), podSpec)).toBe(want);
    const out = admit(pod({ ...podSpec, containers: [{ name: 'a' }] }), sa(account));
    expect(((out.spec as any).volumes ?? []).length).toBe(want ? 1 : 0);
  });

  it('defaults the account to default and copies its imagePullSecrets', () => {
    const out = admit(
      { kind: 'Pod', metadata: { name: 'web', namespace: 'demo' }, spec: { containers: [{ name: 'a' }] } },
      sa({ imagePullSecrets: [{ name: 'regcred' }] }),
    );
    expect((out.spec as any).serviceAccountName).toBe('default');
    expect((out.spec as any).imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });

  it("refuses a pod whose account does not exist with upstream's 403", () => {
    let err: StatusError | undefined;
    try {
      admit(pod({ serviceAccountName: 'x', containers: [{ name: 'a' }] }), undefined);
    } catch (e) {
      err = e as StatusError;
    }
    expect(err?.code).toBe(403);
    expect(err?.message).toBe(
      'pods "web" is forbidden: error looking up service account demo/x: serviceaccount "x" not found',
    );
  });

  it('leaves mirror pods alone', () => {
    const mirror = {
      ...pod({ containers: [{ name: 'a' }] }),
      metadata: { name: 'm', annotations: { 'kubernetes.io/config.mirror': 'h' } },
    };
    expect(admit(mirror, undefined)).toEqual(mirror);
  });

  it('tokenVolumeSource is a fresh object each time (callers may change it)', () => {
    expect(tokenVolumeSource()).not.toBe(tokenVolumeSource());
  });
});

describe('lookUpServiceAccount', () => {
  it('asks ten times for default (the controller may be about to create it), once for others', async () => {
    let calls = 0;
    const get = async () => {
      calls++;
      return calls === 4 ? sa() : undefined;
    };
    const sleeps: number[] = [];
    const sleep = async (ms: number) => void sleeps.push(ms);
    expect(await lookUpServiceAccount(get, 'demo', 'default', sleep, () => 0.5)).toEqual(sa());
    expect(sleeps).toEqual([150, 150, 150]);
    calls = 10;
    expect(await lookUpServiceAccount(get, 'demo', 'builder', sleep)).toBeUndefined();
    expect(calls).toBe(11);
  });
});
