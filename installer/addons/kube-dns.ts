// The cluster DNS add-on, as kube-up ran its add-ons: a Deployment in kube-system behind the
// kube-dns Service at the service range's tenth address (10.96.0.10). The server inside is
// nodekube's own (`nodekube-agent dns`, agents/dns/); the Deployment is named `coredns` and
// labelled `k8s-app: kube-dns` as kubeadm names them, so `kubectl get pods -n kube-system`
// and `describe node` read like the seeds' transcripts. Pure: options in, objects out.
//
// The pods reach the API as their own service account `coredns`, through the in-cluster
// configuration (the `kubernetes` Service, the mounted token and CA), allowed by kubeadm's
// ClusterRole system:coredns: list and watch what names are made of, nothing more.
import type { KubeObject } from '../../agents/api/types';
import { AGENT_BUNDLE, INSTALL_DIR } from '../units';

export interface KubeDnsOptions {
  /** The image every minion built from its own Node.js and the agent bundle. */
  image: string;
  clusterIP: string;
  domain: string;
  replicas?: number;
}

export const DNS_NAMESPACE = 'kube-system';
export const DNS_SERVICE = 'kube-dns';
export const DNS_DEPLOYMENT = 'coredns';
const LABELS = { 'k8s-app': 'kube-dns' };

export const DNS_SERVICE_ACCOUNT = 'coredns';
const DNS_CLUSTER_ROLE = 'system:coredns';

/** The identity of the DNS pods and what it may read (kubeadm's coredns RBAC). */
export function kubeDnsRbac(): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: DNS_SERVICE_ACCOUNT, namespace: DNS_NAMESPACE },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: DNS_CLUSTER_ROLE, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
      rules: [
        {
          apiGroups: [''],
          resources: ['endpoints', 'services', 'pods', 'namespaces'],
          verbs: ['list', 'watch'],
        },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: DNS_CLUSTER_ROLE, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: DNS_CLUSTER_ROLE },
      subjects: [{ kind: 'ServiceAccount', name: DNS_SERVICE_ACCOUNT, namespace: DNS_NAMESPACE }],
    },
  ];
}

export function kubeDnsObjects(o: KubeDnsOptions): KubeObject[] {
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: DNS_SERVICE,
      namespace: DNS_NAMESPACE,
      labels: { ...LABELS, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'KubeDNS' },
    },
    spec: {
      selector: LABELS,
      clusterIP: o.clusterIP,
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    },
  };
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: DNS_DEPLOYMENT, namespace: DNS_NAMESPACE, labels: LABELS },
    spec: {
      replicas: o.replicas ?? 2,
      selector: { matchLabels: LABELS },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
      template: {
        metadata: { labels: LABELS },
        spec: {
          serviceAccountName: DNS_SERVICE_ACCOUNT,
          // Default: the node's resolvers, which is where names outside the cluster go.
          dnsPolicy: 'Default',
          containers: [
            {
              name: 'coredns',
              image: o.image,
              imagePullPolicy: 'IfNotPresent',
              // No --master: the in-cluster configuration (KUBERNETES_SERVICE_HOST, the token).
              args: ['--port=53', '--metrics-port=9153', `--cluster-domain=${o.domain}`],
              ports: [
                { name: 'dns', containerPort: 53, protocol: 'UDP' },
                { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
              ],
              resources: { requests: { cpu: '100m', memory: '70Mi' }, limits: { memory: '170Mi' } },
              readinessProbe: { httpGet: { path: '/readyz', port: 9153 }, periodSeconds: 2 },
              livenessProbe: {
                httpGet: { path: '/healthz', port: 9153 },
                initialDelaySeconds: 10,
                periodSeconds: 10,
                failureThreshold: 5,
              },
            },
          ],
        },
      },
    },
  };
  return [...kubeDnsRbac(), service, deployment];
}

/**
 * The shell that builds the DNS image on a node from what the node already has: its own
 * Node.js with the libraries it links to, and the agent bundle in /opt/nodekube. Same bundle,
 * same tag on every node; skipped when the tag is there.
 */
export function dnsImageScript(image: string): string {
  return [
    'set -e',
    `if docker image inspect ${image} >/dev/null 2>&1; then echo unchanged; exit 0; fi`,
    'root=$(mktemp -d)',
    'trap \'rm -rf "$root"\' EXIT',
    'node=$(readlink -f "$(command -v node)")',
    'mkdir -p "$root/usr/bin" "$root/etc" "$root/tmp"',
    'cp "$node" "$root/usr/bin/node"',
    // the dynamic loader and every library node links to, at the same paths
    'for lib in $(ldd "$node" | grep -o "/[^ ]*"); do mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"; done',
    // Debian's Node loads some of its own builtins (cjs-module-lexer, undici…) from here
    'if [ -d /usr/share/nodejs ]; then mkdir -p "$root/usr/share" && cp -aL /usr/share/nodejs "$root/usr/share/"; fi',
    `mkdir -p "$root${INSTALL_DIR}" && cp -a ${INSTALL_DIR}/. "$root${INSTALL_DIR}/"`,
    'echo "root:x:0:0:root:/root:/bin/false" > "$root/etc/passwd"',
    `tar -C "$root" -c . | docker import -c 'ENTRYPOINT ["/usr/bin/node", "${AGENT_BUNDLE}", "dns"]' - ${image} >/dev/null`,
    'echo built',
  ].join('\n');
}
