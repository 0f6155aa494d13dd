// The parts of the apiserver that live in their own folders, wired in one place: admission
// (defaults, validation), patches, Table printing, and the kubelet proxy.

import { badRequest } from '../api/errors';
import { R, type ResourceInfo } from '../api/resources';
import type { KubeObject } from '../api/types';
import { applyDefaults } from './admission/defaults';
import { validate } from './admission/validation';
import type { ProtobufCodec } from './body';
import type { KubeletProxy } from './handlers';
import { type KubeletSubresource, kubeletEndpoint, proxyToKubelet } from './kubelet-proxy';
import type { MetricsCollector } from './metrics/collector';
import type { MetricsSources } from './metrics/metrics-api';
import { applyPatch } from './patch/index';
import { decodeProtobufObject, isProtobufContentType } from './protobuf/index';
import type { AdmissionHooks } from './registry/hooks';
import type { RestStorage } from './registry/rest';
import type { WatchCache } from './storage/watch-cache';

export { toTable } from './tables/index';

export interface AdmissionFlags {
  defaultNotReadyTolerationSeconds: number;
  defaultUnreachableTolerationSeconds: number;
}

export function admissionHooks(flags: AdmissionFlags): AdmissionHooks {
  const opts = {
    notReadyTolerationSeconds: flags.defaultNotReadyTolerationSeconds,
    unreachableTolerationSeconds: flags.defaultUnreachableTolerationSeconds,
  };
  return {
    defaults: (r: ResourceInfo, obj: KubeObject) => applyDefaults(r, obj, opts),
    validate,
    applyPatch,
  };
}

/**
 * logs/exec/attach/portforward: find the pod's node and its kubelet, then relay (kubelet-proxy.ts
 * answers the client itself, errors included).
 */
export function kubeletProxy(rest: RestStorage): KubeletProxy {
  return async (info, pod, req, res, upgrade) => {
    const name = pod.metadata?.name ?? '';
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
    const endpoint = kubeletEndpoint(await rest.get(R.nodes, undefined, nodeName));
    if (!endpoint) throw badRequest(`node ${nodeName} has no address to reach its kubelet at`);
    proxyToKubelet(req, res ?? null, upgrade?.socket ?? null, upgrade?.head ?? null, {
      ...endpoint,
      namespace: pod.metadata?.namespace ?? '',
      pod: name,
      subresource: info.subresource as KubeletSubresource,
      query: info.query,
    });
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
