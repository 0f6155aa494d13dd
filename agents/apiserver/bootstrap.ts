// What exists from the first start (upstream: controlplane/controller/{systemnamespaces,
// kubernetesservice} and the endpoints reconciler): the four system namespaces and the
// `kubernetes` Service in `default`, whose Endpoints and EndpointSlice point at this apiserver's
// --advertise-address and the port it serves the API on (--secure-port when set), so pods reach
// the API at 10.96.0.1:443 with KUBERNETES_SERVICE_HOST/PORT and their mounted token; and (unless
// --default-storage-class=false) the default StorageClass `local-path`, served by the
// controller-manager's local-path provisioner (created when missing; an existing one is left as is).
// Idempotent: every start reconciles, so a new advertise address replaces the old one.

import { isAlreadyExists, isNotFound } from '../api/errors';
import { R, type ResourceInfo } from '../api/resources';
import type { KubeObject } from '../api/types';
import type { RestStorage } from './registry/rest';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

async function ensure(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

/** The Endpoints upstream writes; skip-mirror, because the apiserver writes the slice itself. */
export function kubernetesEndpoints(ip: string, port: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' },
    },
    subsets: [{ addresses: [{ ip }], ports: [{ name: 'https', port, protocol: 'TCP' }] }],
  };
}

/** Port 443 → the apiserver's own port (upstream's kubernetesservice controller). */
export function kubernetesService(port: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: { component: 'apiserver', provider: 'kubernetes' },
    },
    spec: {
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }],
    },
  };
}

/** The EndpointSlice kubectl 1.31+ `describe service kubernetes` reads (no managed-by label upstream). */
export function kubernetesEndpointSlice(ip: string, port: number): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': 'kubernetes' },
    },
    addressType: 'IPv4',
    endpoints: [{ addresses: [ip], conditions: { ready: true } }],
    ports: [{ name: 'https', port, protocol: 'TCP' }],
  };
}

/** Create `wanted`, or replace the stored object's labels and `fields` when they differ. */
async function reconcile(
  rest: RestStorage,
  r: ResourceInfo,
  wanted: KubeObject,
  fields: string[],
): Promise<void> {
  const name = wanted.metadata?.name ?? '';
  const pick = (o: KubeObject) =>
    JSON.stringify([o.metadata?.labels ?? {}, ...fields.map((f) => (o as Record<string, unknown>)[f])]);
  try {
    const current = await rest.get(r, 'default', name);
    if (pick(current) === pick(wanted)) return;
    const next: Record<string, unknown> = {
      ...current,
      metadata: { ...current.metadata, labels: wanted.metadata?.labels },
    };
    for (const f of fields) next[f] = (wanted as Record<string, unknown>)[f];
    await rest.update(r, 'default', name, next as KubeObject);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await ensure(() => rest.create(r, 'default', wanted));
  }
}

/** Create the Service, or give the stored one the wanted ports (a restart with --secure-port moves them). */
async function reconcileServicePorts(rest: RestStorage, wanted: KubeObject): Promise<void> {
  const ports = (o: KubeObject) => (o.spec as { ports?: unknown } | undefined)?.ports;
  try {
    const current = await rest.get(R.services, 'default', 'kubernetes');
    if (JSON.stringify(ports(current)) === JSON.stringify(ports(wanted))) return;
    await rest.update(R.services, 'default', 'kubernetes', {
      ...current,
      spec: { ...(current.spec as object), ports: ports(wanted) },
    });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await ensure(() => rest.create(R.services, 'default', wanted));
  }
}

/** The default StorageClass: a directory on the node the first consumer is scheduled to. */
export const LOCAL_PATH_STORAGE_CLASS: KubeObject = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'local-path', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  provisioner: 'nodekube.io/local-path',
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'WaitForFirstConsumer',
};

export async function bootstrap(
  rest: RestStorage,
  advertiseIp: string,
  port: number,
  opts: { defaultStorageClass?: boolean } = {},
): Promise<void> {
  if (opts.defaultStorageClass ?? true)
    await ensure(() => rest.create(R.storageclasses, undefined, structuredClone(LOCAL_PATH_STORAGE_CLASS)));
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(() =>
      rest.create(R.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
    );
  }
  await reconcileServicePorts(rest, kubernetesService(port));
  await reconcile(rest, R.endpoints, kubernetesEndpoints(advertiseIp, port), ['subsets']);
  await reconcile(rest, R.endpointslices, kubernetesEndpointSlice(advertiseIp, port), [
    'addressType',
    'endpoints',
    'ports',
  ]);
}
