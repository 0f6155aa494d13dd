// Pure: the EndpointSlices that mirror a hand-written Endpoints object
// (endpointslicemirroring/reconciler.go and utils.go). A Service without a selector gets its
// backends from an Endpoints object someone wrote; kube-proxy and kubectl 1.31+ read slices, so
// the mirroring controller copies every subset into slices: one slice per (address type, port
// set), `addresses` as ready endpoints and `notReadyAddresses` as not ready. Upstream skips
// Endpoints labelled `endpointslice.kubernetes.io/skip-mirror: "true"` (the Endpoints controller
// and the apiserver mark their own that way) and Endpoints whose Service has a selector.

import type { EndpointAddress, EndpointPort } from 'kubernetes-types/core/v1';
import type { Endpoint, EndpointPort as SlicePort } from 'kubernetes-types/discovery/v1';
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL, SKIP_MIRROR_LABEL } from '../common/endpointslice-labels';
import type { EndpointSliceObj, EndpointsObj, ServiceObj } from '../common/objects';
import { newControllerRef } from '../common/owner';
import { portsKey } from '../endpoints/endpoints-math';

export const MIRRORING_MANAGED_BY = 'endpointslicemirroring-controller.k8s.io';

// Annotations that describe the Endpoints object itself, not its backends (utils.go).
const UNCOPIED_ANNOTATIONS = new Set([
  'endpoints.kubernetes.io/last-change-trigger-time',
  'kubectl.kubernetes.io/last-applied-configuration',
]);

/** Mirror only Endpoints of a Service that exists and has no selector, unless told to skip. */
export function shouldMirror(endpoints: EndpointsObj | undefined, svc: ServiceObj | undefined): boolean {
  if (!endpoints || !svc) return false;
  if (endpoints.metadata?.labels?.[SKIP_MIRROR_LABEL] === 'true') return false;
  return Object.keys(svc.spec?.selector ?? {}).length === 0;
}

export function addressType(ip: string): 'IPv4' | 'IPv6' {
  return ip.includes(':') ? 'IPv6' : 'IPv4';
}

/** The key a wanted slice and an existing one are matched by: address type plus port set. */
export function sliceKey(s: { addressType?: string; ports?: readonly SlicePort[] }): string {
  return `${s.addressType ?? 'IPv4'}|${portsKey(s.ports ?? [])}`;
}

function toEndpoint(a: EndpointAddress, ready: boolean): Endpoint {
  return {
    addresses: [a.ip],
    conditions: { ready },
    ...(a.hostname ? { hostname: a.hostname } : {}),
    ...(a.nodeName ? { nodeName: a.nodeName } : {}),
    ...(a.targetRef ? { targetRef: { ...a.targetRef } } : {}),
  };
}

function toSlicePort(p: EndpointPort): SlicePort {
  return {
    name: p.name ?? '',
    port: p.port,
    protocol: p.protocol ?? 'TCP',
    ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
  };
}

/**
 * The wanted slices (without names) for `endpoints`: subsets with the same ports merge, an
 * address appears once per slice. An Endpoints object with no subsets mirrors to no slice.
 */
export function mirroredSlices(endpoints: EndpointsObj): EndpointSliceObj[] {
  const name = endpoints.metadata?.name ?? '';
  const labels: Record<string, string> = {
    ...(endpoints.metadata?.labels ?? {}),
    [SERVICE_NAME_LABEL]: name,
    [MANAGED_BY_LABEL]: MIRRORING_MANAGED_BY,
  };
  const annotations = Object.fromEntries(
    Object.entries(endpoints.metadata?.annotations ?? {}).filter(([k]) => !UNCOPIED_ANNOTATIONS.has(k)),
  );
  const byKey = new Map<string, EndpointSliceObj>();
  for (const subset of endpoints.subsets ?? []) {
    const ports = (subset.ports ?? []).map(toSlicePort);
    const addrs = [
      ...(subset.addresses ?? []).map((a) => [a, true] as const),
      ...(subset.notReadyAddresses ?? []).map((a) => [a, false] as const),
    ];
    for (const [addr, ready] of addrs) {
      const type = addressType(addr.ip);
      const key = sliceKey({ addressType: type, ports });
      let slice = byKey.get(key);
      if (!slice) {
        slice = {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: {
            generateName: `${name}-`,
            namespace: endpoints.metadata?.namespace,
            labels,
            ...(Object.keys(annotations).length ? { annotations } : {}),
            ownerReferences: [newControllerRef(endpoints, 'v1', 'Endpoints')],
          },
          addressType: type,
          endpoints: [],
          ports,
        };
        byKey.set(key, slice);
      }
      const list = slice.endpoints as Endpoint[];
      if (!list.some((e) => e.addresses[0] === addr.ip)) list.push(toEndpoint(addr, ready));
    }
  }
  return [...byKey.values()];
}
