// The parts of the apiserver that live in their own folders, wired in one place: admission
// (defaults, service accounts, validation), patches, Table printing, and the kubelet proxy.

import { readFileSync } from 'node:fs';
import { badRequest } from '../api/errors';
import { R, type ResourceInfo, storageKey } from '../api/resources';
import type { KubeObject } from '../api/types';
import { applyDefaults } from './admission/defaults';
import {
  admitPodServiceAccount,
  lookUpServiceAccount,
  type ServiceAccountGetter,
} from './admission/service-account';
import { validate } from './admission/validation';
import type { ProtobufCodec } from './body';
import type { KubeletProxy } from './handlers';
import {
  type KubeletClientTls,
  type KubeletSubresource,
  kubeletEndpoint,
  proxyToKubelet,
} from './kubelet-proxy';
import type { MetricsCollector } from './metrics/collector';
import type { MetricsSources } from './metrics/metrics-api';
import { applyPatch } from './patch/index';
import { decodeProtobufObject, isProtobufContentType } from './protobuf/index';
import type { AdmissionHooks } from './registry/hooks';
import { generatedName, type RestStorage } from './registry/rest';
import type { EtcdStore } from './storage/etcd-store';
import type { WatchCache } from './storage/watch-cache';

export { toTable } from './tables/index';

export interface AdmissionFlags {
  defaultNotReadyTolerationSeconds: number;
  defaultUnreachableTolerationSeconds: number;
}

/** A ServiceAccount from the watch cache, else from etcd (the cache may not have seen it yet). */
export function serviceAccountGetter(
  caches: Map<ResourceInfo, WatchCache>,
  store: EtcdStore,
): ServiceAccountGetter {
  return async (ns, name) =>
    caches.get(R.serviceaccounts)?.get(ns, name) ??
    (await store.get(storageKey(R.serviceaccounts, ns, name)))?.obj;
}

/** `serviceAccounts` turns on ServiceAccount admission (index.ts decides when). */
export function admissionHooks(
  flags: AdmissionFlags,
  serviceAccounts?: ServiceAccountGetter,
): AdmissionHooks {
  const opts = {
    notReadyTolerationSeconds: flags.defaultNotReadyTolerationSeconds,
    unreachableTolerationSeconds: flags.defaultUnreachableTolerationSeconds,
  };
  return {
    defaults: (r: ResourceInfo, obj: KubeObject) => applyDefaults(r, obj, opts),
    ...(serviceAccounts
      ? {
          admit: async (r: ResourceInfo, obj: KubeObject) => {
            if (r !== R.pods) return obj;
            const ns = obj.metadata?.namespace ?? '';
            const name =
              (obj.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName || 'default';
            const sa = await lookUpServiceAccount(serviceAccounts, ns, name);
            return admitPodServiceAccount(obj, sa, () => generatedName(''));
          },
        }
      : {}),
    validate,
    applyPatch,
  };
}

/**
 * logs/exec/attach/portforward: find the pod's node and its kubelet, then relay (kubelet-proxy.ts
 * answers the client itself, errors included).
 */
export function kubeletProxy(rest: RestStorage, tls?: KubeletClientTls): KubeletProxy {
  return async (info, pod, req, res, upgrade) => {
    const name = pod.metadata?.name ?? '';
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
    const endpoint = kubeletEndpoint(await rest.get(R.nodes, undefined, nodeName));
    if (!endpoint) throw badRequest(`node ${nodeName} has no address to reach its kubelet at`);
    proxyToKubelet(
      req,
      res ?? null,
      upgrade?.socket ?? null,
      upgrade?.head ?? null,
      {
        ...endpoint,
        namespace: pod.metadata?.namespace ?? '',
        pod: name,
        subresource: info.subresource as KubeletSubresource,
        query: info.query,
      },
      tls,
    );
  };
}

export interface KubeletClientFlags {
  kubeletClientCertificate: string;
  kubeletClientKey: string;
  kubeletCertificateAuthority: string;
}

/** --kubelet-client-certificate/-key and --kubelet-certificate-authority, read once; none set: plain HTTP. */
export function kubeletClientTls(f: KubeletClientFlags): KubeletClientTls | undefined {
  if (!!f.kubeletClientCertificate !== !!f.kubeletClientKey)
    throw new Error('--kubelet-client-certificate and --kubelet-client-key go together');
  if (!f.kubeletClientCertificate && !f.kubeletCertificateAuthority) return undefined;
  const read = (flag: string, path: string) => {
    if (!path) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new Error(`--${flag}: cannot read "${path}": ${(err as Error).message}`);
    }
  };
  return {
    cert: read('kubelet-client-certificate', f.kubeletClientCertificate),
    key: read('kubelet-client-key', f.kubeletClientKey),
    ca: read('kubelet-certificate-authority', f.kubeletCertificateAuthority),
  };
}

export const protobuf: ProtobufCodec = {
  isProtobufContentType,
  decodeProtobufObject: (buf) => decodeProtobufObject(buf),
};

/** metrics.k8s.io reads Nodes and Pods from the watch caches and usage from the collector. */
export function metricsSources(
  caches: Map<ResourceInfo, WatchCache>,
  collector: MetricsCollector,
): MetricsSources {
  return {
    objects: (r, namespace) =>
      caches
        .get(r)
        ?.snapshot(namespace)
        .map((e) => e.obj) ?? [],
    series: (nodeName) => collector.node(nodeName),
  };
}
