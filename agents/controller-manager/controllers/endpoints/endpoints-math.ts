// Pure: which pods back a Service, on which ports (endpoints_controller.go, endpointslice's
// reconciler). A pod is an endpoint when it matches the selector and has an IP; it is "ready"
// when its Ready condition is True and it is not terminating. Each service port's targetPort
// resolves per pod: a number as is, a name through the pod's containerPorts (so two pods may
// serve one service port on different numbers, which is why subsets are grouped by port set).

import type { EndpointPort, EndpointSubset } from 'kubernetes-types/core/v1';
import type { PodObj, ServiceObj } from '../common/objects';
import { isPodReady } from '../common/pods';
import { compileMapSelector } from '../common/selector';

export interface PodEndpoint {
  pod: PodObj;
  ip: string;
  ready: boolean;
  terminating: boolean;
  ports: EndpointPort[];
  /** The pod's DNS label in this service (`web-0` of web-0.nginx.default.svc…): see endpointHostname. */
  hostname?: string;
}

/**
 * A pod names itself in a service's DNS when its hostname is set and its subdomain is that
 * service (upstream: the StatefulSet's governing headless service); the endpoint then carries
 * the hostname, and the DNS add-on answers `<hostname>.<service>.<ns>.svc.<domain>`.
 */
export function endpointHostname(svc: ServiceObj, pod: PodObj): string | undefined {
  const hostname = pod.spec?.hostname;
  if (!hostname || pod.spec?.subdomain !== svc.metadata?.name) return undefined;
  return pod.metadata?.namespace === svc.metadata?.namespace ? hostname : undefined;
}

/** The service's controller only manages services with a selector; `default/kubernetes` is the apiserver's. */
export function managesService(svc: ServiceObj): boolean {
  if (svc.metadata?.namespace === 'default' && svc.metadata?.name === 'kubernetes') return false;
  return Object.keys(svc.spec?.selector ?? {}).length > 0;
}

export function resolvePorts(svc: ServiceObj, pod: PodObj): EndpointPort[] | undefined {
  const out: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const target = sp.targetPort ?? sp.port;
    let port: number | undefined;
    if (typeof target === 'number') port = target;
    else if (/^\d+$/.test(target)) port = Number(target);
    else {
      for (const c of pod.spec?.containers ?? []) {
        const cp = c.ports?.find(
          (p) => p.name === target && (p.protocol ?? 'TCP') === (sp.protocol ?? 'TCP'),
        );
        if (cp) port = cp.containerPort;
      }
    }
    if (port === undefined) continue;
    out.push({
      name: sp.name ?? '',
      port,
      protocol: sp.protocol ?? 'TCP',
      ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}),
    });
  }
  return out.length > 0 || (svc.spec?.ports ?? []).length === 0 ? out : undefined;
}

export function podEndpoints(svc: ServiceObj, pods: PodObj[]): PodEndpoint[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const out: PodEndpoint[] = [];
  const selects = compileMapSelector(svc.spec?.selector);
  for (const pod of pods) {
    if (!selects(pod.metadata?.labels)) continue;
    const ip = pod.status?.podIP;
    const phase = pod.status?.phase;
    if (!ip || phase === 'Succeeded' || phase === 'Failed') continue;
    const terminating = Boolean(pod.metadata?.deletionTimestamp);
    if (terminating && !publishNotReady) continue;
    const ports = resolvePorts(svc, pod);
    if (!ports) continue;
    const hostname = endpointHostname(svc, pod);
    out.push({
      pod,
      ip,
      ready: publishNotReady || (isPodReady(pod) && !terminating),
      terminating,
      ports,
      ...(hostname ? { hostname } : {}),
    });
  }
  return out.sort(
    (a, b) => compareIp(a.ip, b.ip) || (a.pod.metadata?.name ?? '').localeCompare(b.pod.metadata?.name ?? ''),
  );
}

/** Endpoints.subsets: one subset per distinct port set, ready pods in addresses, the rest in notReadyAddresses. */
export function buildSubsets(endpoints: PodEndpoint[]): EndpointSubset[] {
  const bySet = new Map<string, { ports: EndpointPort[]; addresses: any[]; notReadyAddresses: any[] }>();
  for (const ep of endpoints) {
    const key = portsKey(ep.ports);
    if (!bySet.has(key)) bySet.set(key, { ports: ep.ports, addresses: [], notReadyAddresses: [] });
    const address = {
      ip: ep.ip,
      ...(ep.hostname ? { hostname: ep.hostname } : {}),
      ...(ep.pod.spec?.nodeName ? { nodeName: ep.pod.spec.nodeName } : {}),
      targetRef: {
        kind: 'Pod',
        namespace: ep.pod.metadata?.namespace,
        name: ep.pod.metadata?.name,
        uid: ep.pod.metadata?.uid,
      },
    };
    bySet.get(key)![ep.ready ? 'addresses' : 'notReadyAddresses'].push(address);
  }
  return [...bySet.values()].map((s) => ({
    ...(s.addresses.length ? { addresses: s.addresses } : {}),
    ...(s.notReadyAddresses.length ? { notReadyAddresses: s.notReadyAddresses } : {}),
    ...(s.ports.length ? { ports: s.ports } : {}),
  }));
}

export function portsKey(ports: readonly { name?: string; port?: number; protocol?: string }[]): string {
  return JSON.stringify([...ports].map((p) => [p.name ?? '', p.port, p.protocol ?? 'TCP']).sort());
}

function compareIp(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++)
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return a.localeCompare(b);
}
