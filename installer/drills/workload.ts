// The drill's workload: a Deployment spread over the minions behind a NodePort Service, in its own
// namespace, made from the demo image (provision/demo-image.sh, loaded with `nodekube load-image`).
// Created when absent; removed afterwards (namespace deletion) unless --keep or it was there before.

import { isAlreadyExists, isNotFound, notFound } from '../../agents/api/errors';
import { R } from '../../agents/api/resources';
import type { ApiClient } from '../../agents/client';
import { podReady } from './census';
import type {
  KDeployment as Deployment,
  KNamespace as Namespace,
  KPod as Pod,
  KService as Service,
} from './types';

export const NAMESPACE = 'drill';
export const APP = 'drill-web';
export const IMAGE = 'demo/web:1';

export function deploymentFor(replicas: number): Deployment {
  const labels = { app: APP };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: APP, namespace: NAMESPACE, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          // Short grace: a replaced pod should not hold its slot for 30 s.
          terminationGracePeriodSeconds: 2,
          containers: [
            {
              name: 'web',
              image: IMAGE,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ containerPort: 80 }],
              // Endpoints follow readiness: the Service stops sending to a pod that stopped answering.
              readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1, failureThreshold: 2 },
            },
          ],
        },
      },
    },
  };
}

export function serviceFor(): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: APP, namespace: NAMESPACE },
    spec: { type: 'NodePort', selector: { app: APP }, ports: [{ port: 80, targetPort: 80 }] },
  };
}

const ignoreExists = (err: unknown) => {
  if (!isAlreadyExists(err)) throw err;
};

export interface Workload {
  /** False when the namespace was there before the drill: then the drill leaves it. */
  created: boolean;
  nodePort: number;
  replicas: number;
}

export async function ensureWorkload(client: ApiClient, replicas: number): Promise<Workload> {
  let created = false;
  try {
    const ns = await client.get<Namespace>(R.namespaces, undefined, NAMESPACE);
    // The previous drill's namespace may still be terminating: wait for it, then start afresh.
    if (ns.metadata?.deletionTimestamp) {
      await removeWorkload(client);
      throw notFound({ group: '', resource: 'namespaces' }, NAMESPACE);
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await client.create<Namespace>(R.namespaces, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: NAMESPACE },
    });
    created = true;
  }
  await client.create(R.deployments, deploymentFor(replicas), { namespace: NAMESPACE }).catch(ignoreExists);
  await client.create(R.services, serviceFor(), { namespace: NAMESPACE }).catch(ignoreExists);
  const svc = await client.get<Service>(R.services, NAMESPACE, APP);
  const dep = await client.get<Deployment>(R.deployments, NAMESPACE, APP);
  return {
    created,
    nodePort: svc.spec?.ports?.[0]?.nodePort ?? 0,
    replicas: dep.spec?.replicas ?? replicas,
  };
}

export async function workloadPods(client: ApiClient): Promise<Pod[]> {
  return (await client.list<Pod>(R.pods, { namespace: NAMESPACE, labelSelector: `app=${APP}` })).items;
}

/** Exactly `replicas` pods, all Ready, none terminating. */
export function workloadWhole(pods: Pod[], replicas: number): boolean {
  const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
  return live.length === pods.length && live.length === replicas && live.every(podReady);
}

export async function removeWorkload(
  client: ApiClient,
  signal?: AbortSignal,
  boundMs = 120_000,
): Promise<void> {
  await client.delete(R.namespaces, undefined, NAMESPACE).catch((err) => {
    if (!isNotFound(err)) throw err;
  });
  const deadline = Date.now() + boundMs;
  while (Date.now() < deadline && !signal?.aborted) {
    try {
      await client.get(R.namespaces, undefined, NAMESPACE);
    } catch (err) {
      if (isNotFound(err)) return;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`namespace ${NAMESPACE} still terminating after ${boundMs / 1000}s`);
}
