// Services and where they lead: services, endpoints, endpointslices (printService,
// printEndpoints, printEndpointSlice in pkg/printers/internalversion/printers.go).
//
//   NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)        AGE
//   kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP        29h
//   web          NodePort    10.102.1.1   <none>        80:32416/TCP   68m
//
//   NAME   ENDPOINTS                                               AGE
//   web    10.244.1.2:80,10.244.1.3:80,10.244.2.4:80 + 1 more...   68m

import type { Endpoints, Service, ServicePort } from 'kubernetes-types/core/v1';
import type { EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1';
import { since } from './age';
import { AGE, column, formatLabels, joinHostPort, listWithMore, NAME, type Printer } from './columns';

/** `80/TCP`, or `80:30080/TCP` when a node port is allocated; comma-joined (makePortString). */
export function servicePorts(ports: readonly ServicePort[] | undefined): string {
  const text = (ports ?? []).map((p) => {
    const protocol = p.protocol ?? 'TCP';
    return p.nodePort ? `${p.port}:${p.nodePort}/${protocol}` : `${p.port}/${protocol}`;
  });
  return text.length ? text.join(',') : '<none>';
}

/** EXTERNAL-IP: explicit externalIPs, load-balancer ingress (`<pending>` until assigned), or `<none>`. */
export function externalIP(svc: Service): string {
  const explicit = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return explicit.length ? explicit.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = (svc.status?.loadBalancer?.ingress ?? [])
        .map((i) => i.ip || i.hostname || '')
        .filter(Boolean);
      const all = [...new Set(ingress)].sort().concat(explicit);
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return svc.spec?.externalName ?? '';
    default:
      return '<unknown>';
  }
}

export const servicePrinter: Printer = {
  columns: [
    NAME,
    column('Type', 'string', 'type determines how the Service is exposed.'),
    column('Cluster-IP', 'string', 'clusterIP is the IP address of the service.'),
    column(
      'External-IP',
      'string',
      'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic.',
    ),
    column('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    AGE,
    column(
      'Selector',
      'string',
      'Route service traffic to pods with label keys and values matching this selector.',
      { wide: true },
    ),
  ],
  cells(svc: Service, now) {
    return [
      svc.metadata?.name,
      svc.spec?.type ?? 'ClusterIP',
      svc.spec?.clusterIPs?.[0] || svc.spec?.clusterIP || '<none>',
      externalIP(svc),
      servicePorts(svc.spec?.ports),
      since(now, svc.metadata?.creationTimestamp),
      formatLabels(svc.spec?.selector),
    ];
  },
};

/**
 * Up to three `ip:port` pairs, then ` + N more...`; a subset without ports lists bare IPs
 * (formatEndpoints). `<none>` when there are no subsets at all.
 */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const all: string[] = [];
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    if (!ss.ports?.length) all.push(...addresses.map((a) => a.ip));
    else for (const p of ss.ports) all.push(...addresses.map((a) => joinHostPort(a.ip, p.port)));
  }
  return listWithMore(all, 3, '');
}

export const endpointsPrinter: Printer = {
  columns: [
    NAME,
    column('Endpoints', 'string', 'The set of all endpoints is the union of all subsets.'),
    AGE,
  ],
  cells(ep: Endpoints, now) {
    return [ep.metadata?.name, formatEndpoints(ep), since(now, ep.metadata?.creationTimestamp)];
  },
};

const slicePort = (p: EndpointPort) =>
  p.port !== undefined && p.port !== null ? String(p.port) : (p.name ?? '*');

export const endpointSlicePrinter: Printer = {
  columns: [
    NAME,
    column(
      'AddressType',
      'string',
      'addressType specifies the type of address carried by this EndpointSlice.',
    ),
    column(
      'Ports',
      'string',
      'ports specifies the list of network ports exposed by each endpoint in this slice.',
    ),
    column('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice.'),
    AGE,
  ],
  cells(slice: EndpointSlice, now) {
    const addresses = (slice.endpoints ?? []).flatMap((e) => e.addresses);
    return [
      slice.metadata?.name,
      slice.addressType,
      listWithMore((slice.ports ?? []).map(slicePort)),
      listWithMore(addresses),
      since(now, slice.metadata?.creationTimestamp),
    ];
  },
};
