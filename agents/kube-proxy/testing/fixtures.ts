// Small builders for Service and Endpoints objects, shared by the golden tests, the netns
// integration tests and bench/kube-proxy.ts. Only the fields kube-proxy reads are filled in.

import type { Endpoints, Service } from '../../api/types';

export interface PortSpec {
  name?: string;
  port: number;
  targetPort?: number;
  protocol?: 'TCP' | 'UDP';
  nodePort?: number;
}

export interface ServiceSpec {
  namespace?: string;
  name: string;
  clusterIP: string;
  ports: PortSpec[];
  type?: 'ClusterIP' | 'NodePort';
  sessionAffinity?: 'None' | 'ClientIP';
  externalIPs?: string[];
}

export function service(s: ServiceSpec): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: s.namespace ?? 'default', name: s.name },
    spec: {
      type: s.type ?? (s.ports.some((p) => p.nodePort) ? 'NodePort' : 'ClusterIP'),
      clusterIP: s.clusterIP,
      sessionAffinity: s.sessionAffinity ?? 'None',
      externalIPs: s.externalIPs,
      ports: s.ports.map((p) => ({
        name: p.name,
        port: p.port,
        targetPort: p.targetPort ?? p.port,
        protocol: p.protocol ?? 'TCP',
        nodePort: p.nodePort,
      })),
    },
  };
}

/** One subset: every IP serves every port (as the endpoints controller writes it for one pod template). */
export function endpoints(
  namespace: string,
  name: string,
  ips: string[],
  ports: PortSpec[],
  notReady: string[] = [],
): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { namespace, name },
    subsets: [
      {
        addresses: ips.map((ip) => ({ ip })),
        notReadyAddresses: notReady.length ? notReady.map((ip) => ({ ip })) : undefined,
        ports: ports.map((p) => ({
          name: p.name,
          port: p.targetPort ?? p.port,
          protocol: p.protocol ?? 'TCP',
        })),
      },
    ],
  };
}

/** The cluster of seed 004 (`iptables -S -t nat` on a kubeadm node): four services, eleven endpoints. */
export function seedCluster(): { services: Service[]; endpoints: Endpoints[] } {
  const dnsPorts: PortSpec[] = [
    { name: 'dns', port: 53, protocol: 'UDP' },
    { name: 'dns-tcp', port: 53, protocol: 'TCP' },
    { name: 'metrics', port: 9153, protocol: 'TCP' },
  ];
  const http: PortSpec[] = [{ port: 80 }];
  return {
    services: [
      service({
        name: 'kubernetes',
        clusterIP: '10.96.0.1',
        ports: [{ name: 'https', port: 443, targetPort: 6443 }],
      }),
      service({ namespace: 'kube-system', name: 'kube-dns', clusterIP: '10.96.0.10', ports: dnsPorts }),
      service({ name: 'httpd-test', clusterIP: '10.97.122.105', ports: http }),
      service({ name: 'httpd-app', clusterIP: '10.106.113.156', ports: [{ port: 80, nodePort: 31248 }] }),
    ],
    endpoints: [
      endpoints('default', 'kubernetes', ['30.0.1.180'], [{ name: 'https', port: 443, targetPort: 6443 }]),
      endpoints('kube-system', 'kube-dns', ['10.244.0.2', '10.244.0.3'], dnsPorts),
      endpoints('default', 'httpd-test', ['10.244.1.3', '10.244.2.3'], http),
      endpoints('default', 'httpd-app', ['10.244.1.2', '10.244.2.2'], http),
    ],
  };
}

/** `count` services × `perService` endpoints, for benchmarks: 10.96.x.y cluster IPs, 10.244.x.y pods. */
export function syntheticCluster(
  count: number,
  perService: number,
): { services: Service[]; endpoints: Endpoints[] } {
  const services: Service[] = [];
  const eps: Endpoints[] = [];
  for (let i = 0; i < count; i++) {
    const name = `svc-${i}`;
    const ports: PortSpec[] = [{ port: 80, targetPort: 8080 }];
    services.push(service({ name, clusterIP: `10.96.${(i >> 8) + 1}.${i & 255}`, ports }));
    const ips = Array.from({ length: perService }, (_, j) => {
      const n = i * perService + j;
      return `10.244.${n >> 8}.${n & 255}`;
    });
    eps.push(endpoints('default', name, ips, ports));
  }
  return { services, endpoints: eps };
}
