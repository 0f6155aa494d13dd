// Docker container names and labels for pods (upstream: dockershim naming.go, kuberuntime labels.go).
//
// A container's name tells a human what it is; its labels tell the kubelet. Both survive a kubelet
// restart, which is how a fresh kubelet adopts the containers its predecessor started:
//
//   k8s_<container>_<pod>_<namespace>_<uid>_<attempt>     an app or init container
//   k8s_POD_<pod>_<namespace>_<uid>_<attempt>             the pod's sandbox (pause container)
//    0     1          2        3        4       5         ← index after split('_')
//
// Kubernetes names are DNS labels/subdomains and never contain '_', so split('_') is exact.

export const CONTAINER_PREFIX = 'k8s';
/** The sandbox's container name; upstream calls it the pod infra container. */
export const POD_INFRA_CONTAINER_NAME = 'POD';

export interface ContainerNameParts {
  container: string;
  pod: string;
  namespace: string;
  uid: string;
  attempt: number;
}

export function buildContainerName(p: ContainerNameParts): string {
  return [CONTAINER_PREFIX, p.container, p.pod, p.namespace, p.uid, String(p.attempt)].join('_');
}

export function buildSandboxName(p: Omit<ContainerNameParts, 'container'>): string {
  return buildContainerName({ ...p, container: POD_INFRA_CONTAINER_NAME });
}

/** Parse a Docker name (with or without Docker's leading '/'); undefined if it is not ours. */
export function parseContainerName(name: string): ContainerNameParts | undefined {
  const parts = name.replace(/^\//, '').split('_');
  if (parts.length !== 6 || parts[0] !== CONTAINER_PREFIX) return undefined;
  const attempt = Number(parts[5]);
  if (!Number.isInteger(attempt) || attempt < 0) return undefined;
  return { container: parts[1], pod: parts[2], namespace: parts[3], uid: parts[4], attempt };
}

// Labels (kuberuntime labels.go spells the same keys). `node` is ours: several kubelets may share
// one Docker engine (tests, benchmarks), and each must only ever touch its own containers.
export const LABELS = {
  podName: 'io.kubernetes.pod.name',
  podNamespace: 'io.kubernetes.pod.namespace',
  podUid: 'io.kubernetes.pod.uid',
  containerName: 'io.kubernetes.container.name',
  attempt: 'io.kubernetes.container.restartCount',
  hash: 'io.kubernetes.container.hash',
  /** 'podsandbox' or 'container', as dockershim's io.kubernetes.docker.type. */
  type: 'io.kubernetes.docker.type',
  /** 'init' for init containers, so status can tell them apart after a restart. */
  role: 'io.nodekube.container.role',
  gracePeriod: 'io.kubernetes.pod.terminationGracePeriod',
  node: 'io.nodekube.node',
} as const;
