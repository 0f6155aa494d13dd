// The ServiceAccount admission plugin (upstream: plugin/pkg/admission/serviceaccount/
// admission.go), for pods on create:
//
//   1. spec.serviceAccountName defaults to `default` (pod-defaults.ts already did that)
//   2. the account must exist, else 403:
//        pods "web" is forbidden: error looking up service account demo/x: serviceaccount "x" not found
//   3. unless automountServiceAccountToken is false (the pod's word first, then the account's),
//      add the projected volume `kube-api-access-<5 chars>` — a bound token, the cluster CA
//      (ConfigMap kube-root-ca.crt) and the namespace — and mount it read-only at
//      /var/run/secrets/kubernetes.io/serviceaccount in every container and init container that
//      has nothing mounted there yet
//   4. a pod without imagePullSecrets takes the account's
//
// The in-cluster config of every client library reads exactly these three files plus
// KUBERNETES_SERVICE_HOST/PORT. Pure, except the lookup, which the caller hands in.

import type { ProjectedVolumeSource } from 'kubernetes-types/core/v1';
import { forbidden } from '../../api/errors';
import type { KubeObject } from '../../api/types';

export const DEFAULT_API_TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const TOKEN_VOLUME_PREFIX = 'kube-api-access-';
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
/**
 * An hour and seven seconds: upstream's WarnOnlyBoundTokenExpirationSeconds, a value no user
 * picks, so the apiserver can tell an admission-made volume from a hand-written one.
 */
export const ADMISSION_TOKEN_EXPIRATION_SECONDS = 3607;
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** The live ServiceAccount, or undefined once every attempt said NotFound. */
export type ServiceAccountGetter = (namespace: string, name: string) => Promise<KubeObject | undefined>;

type Obj = Record<string, any>;

/** Upstream's TokenVolumeSource(), defaultMode set explicitly (kubernetes#104464). */
export function tokenVolumeSource(): ProjectedVolumeSource {
  return {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: ADMISSION_TOKEN_EXPIRATION_SECONDS, path: 'token' } },
      { configMap: { name: ROOT_CA_CONFIGMAP, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      {
        downwardAPI: {
          items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
        },
      },
    ],
  };
}

/** The pod's automountServiceAccountToken wins, then the account's; unset means yes. */
export function shouldAutomount(sa: KubeObject, podSpec: Obj): boolean {
  if (typeof podSpec.automountServiceAccountToken === 'boolean') return podSpec.automountServiceAccountToken;
  const fromSa = (sa as Obj).automountServiceAccountToken;
  return typeof fromSa === 'boolean' ? fromSa : true;
}

export function serviceAccountNotFound(namespace: string, pod: string, account: string) {
  return forbidden(
    { group: '', resource: 'pods' },
    pod,
    `error looking up service account ${namespace}/${account}: serviceaccount "${account}" not found`,
  );
}

/**
 * Steps 1–4 on a copy of `pod`. `suffix` gives the 5 random characters of a new volume's name
 * (upstream's SimpleNameGenerator). A pod that already has a kube-api-access-* volume keeps it.
 */
export function admitPodServiceAccount(
  pod: KubeObject,
  sa: KubeObject | undefined,
  suffix: () => string,
): KubeObject {
  const out = structuredClone(pod) as Obj;
  if (out.metadata?.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return out as KubeObject;
  out.spec ??= {};
  const spec: Obj = out.spec;
  if (!spec.serviceAccountName) spec.serviceAccountName = 'default';
  if (!sa)
    throw serviceAccountNotFound(
      out.metadata?.namespace ?? '',
      out.metadata?.name ?? '',
      spec.serviceAccountName,
    );
  if (shouldAutomount(sa, spec)) mountServiceAccountToken(spec, suffix);
  const pullSecrets = (sa as Obj).imagePullSecrets as { name?: string }[] | undefined;
  if (!spec.imagePullSecrets?.length && pullSecrets?.length)
    spec.imagePullSecrets = pullSecrets.map((s) => ({ name: s.name }));
  return out as KubeObject;
}

function mountServiceAccountToken(spec: Obj, suffix: () => string): void {
  const volumes: Obj[] = spec.volumes ?? [];
  const existing = volumes.find((v) => String(v.name).startsWith(TOKEN_VOLUME_PREFIX));
  const name: string = existing?.name ?? `${TOKEN_VOLUME_PREFIX}${suffix()}`;
  let needed = false;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Obj[]) {
    // Something the user mounted at the token path wins (upstream: "existing mounts … prevent").
    if ((c.volumeMounts ?? []).some((m: Obj) => m.mountPath === DEFAULT_API_TOKEN_MOUNT_PATH)) continue;
    c.volumeMounts = [
      ...(c.volumeMounts ?? []),
      { name, readOnly: true, mountPath: DEFAULT_API_TOKEN_MOUNT_PATH },
    ];
    needed = true;
  }
  if (needed && !existing) spec.volumes = [...volumes, { name, projected: tokenVolumeSource() }];
}

/**
 * Upstream's getServiceAccount: the cache first, then the store — ten times, 100–200 ms apart,
 * for `default`, which the serviceaccount controller creates moments after its namespace.
 */
export async function lookUpServiceAccount(
  get: (namespace: string, name: string) => Promise<KubeObject | undefined>,
  namespace: string,
  name: string,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  rand: () => number = Math.random,
): Promise<KubeObject | undefined> {
  const attempts = name === 'default' ? 10 : 1;
  const interval = 100 + Math.floor(rand() * 100);
  for (let i = 0; i < attempts; i++) {
    if (i) await sleep(interval);
    const sa = await get(namespace, name);
    if (sa) return sa;
  }
  return undefined;
}
