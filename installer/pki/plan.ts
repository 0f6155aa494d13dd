// Which certificates a cluster needs, as data (kubeadm's certs list and its "kubeconfig" client
// certs, from `kubeadm init phase certs` / `kubeconfig`): the module that writes files
// (pki.ts) only walks this list. Pure, so a table test reads every subject and SAN.
//
// One cluster CA signs everything, etcd included (kubeadm keeps a separate etcd CA; one CA is
// enough while etcd's clients are only the apiserver). Names and groups are upstream's, so
// RBAC's bootstrap bindings (system:masters, system:nodes, system:kube-scheduler …) match.

export type Usage = 'server' | 'client' | 'peer';

export interface CertSpec {
  /** File stem under the PKI dir: `<name>.crt` and `<name>.key`. */
  name: string;
  commonName: string;
  organizations: string[];
  usage: Usage;
  dnsNames: string[];
  ips: string[];
}

export interface ClusterPki {
  masterName: string;
  masterIp: string;
  /** The first address of the service range: the `kubernetes` Service's ClusterIP. */
  serviceIp: string;
  nodes: { name: string; ip: string }[];
}

/** The names `kubernetes.default.svc…` that pods use for the apiserver (kubeadm's altNames). */
export const apiserverDnsNames = (masterName: string): string[] => [
  masterName,
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
  'localhost',
];

const client = (name: string, commonName: string, organizations: string[] = []): CertSpec => ({
  name,
  commonName,
  organizations,
  usage: 'client',
  dnsNames: [],
  ips: [],
});

export function certificatePlan(c: ClusterPki): CertSpec[] {
  const masterIps = unique([c.masterIp, c.serviceIp, '127.0.0.1']);
  const etcdIps = unique([c.masterIp, '127.0.0.1']);
  const plan: CertSpec[] = [
    {
      name: 'apiserver',
      commonName: 'kube-apiserver',
      organizations: [],
      usage: 'server',
      dnsNames: apiserverDnsNames(c.masterName),
      ips: masterIps,
    },
    // The apiserver is a client of kubelets (logs/exec) and of etcd; kubeadm's names and group.
    client('apiserver-kubelet-client', 'kube-apiserver-kubelet-client', ['system:masters']),
    client('apiserver-etcd-client', 'kube-apiserver-etcd-client'),
    {
      name: 'etcd/server',
      commonName: c.masterName,
      organizations: [],
      usage: 'server',
      dnsNames: [c.masterName, 'localhost'],
      ips: etcdIps,
    },
    {
      name: 'etcd/peer',
      commonName: c.masterName,
      organizations: [],
      usage: 'peer',
      dnsNames: [c.masterName, 'localhost'],
      ips: etcdIps,
    },
    client('admin', 'kubernetes-admin', ['system:masters']),
    client('controller-manager', 'system:kube-controller-manager'),
    client('scheduler', 'system:kube-scheduler'),
    client('kube-proxy', 'system:kube-proxy'),
  ];
  for (const n of c.nodes) {
    // The Node authorizer and NodeRestriction read the node name from this CN.
    plan.push(client(`nodes/${n.name}`, `system:node:${n.name}`, ['system:nodes']));
    plan.push({
      name: `nodes/${n.name}-serving`,
      commonName: `system:node:${n.name}`,
      organizations: ['system:nodes'],
      usage: 'server',
      dnsNames: [n.name],
      ips: [n.ip],
    });
  }
  return plan;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs.filter(Boolean))];
}
