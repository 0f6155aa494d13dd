// What exists from the first start (upstream: controlplane/controller/{systemnamespaces,
// kubernetesservice}): the four system namespaces and the `kubernetes` Service in `default`,
// whose Endpoints point at this apiserver, so pods reach the API at 10.96.0.1:443; and (unless
// --default-storage-class=false) the default StorageClass `local-path`, served by the
// controller-manager's local-path provisioner (created when missing; an existing one is left as is).
// Idempotent: every start reconciles, so a new advertise address replaces the old one.

import { isAlreadyExists, isNotFound } from '../api/errors';
import { R } from '../api/resources';
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

export function kubernetesEndpoints(ip: string, port: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { endpointslice: 'managed-by-apiserver' } },
    subsets: [{ addresses: [{ ip }], ports: [{ name: 'https', port, protocol: 'TCP' }] }],
  };
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
  await ensure(() =>
    rest.create(R.services, 'default', {
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
    }),
  );
  const wanted = kubernetesEndpoints(advertiseIp, port);
  try {
    const current = await rest.get(R.endpoints, 'default', 'kubernetes');
    if (JSON.stringify(current.subsets) !== JSON.stringify(wanted.subsets)) {
      await rest.update(R.endpoints, 'default', 'kubernetes', { ...current, subsets: wanted.subsets });
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await ensure(() => rest.create(R.endpoints, 'default', wanted));
  }
}
