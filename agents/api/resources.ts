// The catalogue of API resources nodekube serves: one row per resource, the single source for
// discovery (/api/v1, /apis/<g>/<v>), URL routing in the apiserver, storage keys, and the client's
// path building. Names, short names and categories are upstream's, so `kubectl get deploy` and
// `kubectl get all` resolve as they do against a real cluster.

export interface ResourceInfo {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, lower case: the URL segment and the etcd key segment. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Subresources this server answers (`status`, `scale`, `binding`, `log`, …). */
  subresources?: string[];
  /** Reviews (SubjectAccessReview, SelfSubjectReview …): answered on create, never stored. */
  createOnly?: boolean;
  /**
   * Every version the resource is served at, the stored and preferred one (`version`) first
   * (autoscaling: v2, v1). Absent: `version` only. Other versions are converted on the way in
   * and out (apiserver/conversion/).
   */
  versions?: string[];
  /** Computed on request from what the apiserver collects, never stored (metrics.k8s.io): get and list. */
  computed?: boolean;
}

const ALL = ['all'];
const RW_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const resources: ResourceInfo[] = [
  // core/v1
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status', 'finalize'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'nodes',
    singular: 'node',
    kind: 'Node',
    namespaced: false,
    shortNames: ['no'],
    subresources: ['status', 'proxy'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ALL,
    subresources: ['status', 'binding', 'eviction', 'log', 'exec', 'attach', 'portforward'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ALL,
    subresources: ['status'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'endpoints',
    singular: 'endpoints',
    kind: 'Endpoints',
    namespaced: true,
    shortNames: ['ep'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'events',
    singular: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
  },
  { group: '', version: 'v1', resource: 'secrets', singular: 'secret', kind: 'Secret', namespaced: true },
  {
    group: '',
    version: 'v1',
    resource: 'serviceaccounts',
    singular: 'serviceaccount',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
    subresources: ['token'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'replicationcontrollers',
    singular: 'replicationcontroller',
    kind: 'ReplicationController',
    namespaced: true,
    shortNames: ['rc'],
    categories: ALL,
    subresources: ['status', 'scale'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'componentstatuses',
    singular: 'componentstatus',
    kind: 'ComponentStatus',
    namespaced: false,
    shortNames: ['cs'],
  },
  // apps/v1
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ALL,
    subresources: ['status', 'scale'],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
    categories: ALL,
    subresources: ['status', 'scale'],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'daemonsets',
    singular: 'daemonset',
    kind: 'DaemonSet',
    namespaced: true,
    shortNames: ['ds'],
    categories: ALL,
    subresources: ['status'],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'statefulsets',
    singular: 'statefulset',
    kind: 'StatefulSet',
    namespaced: true,
    shortNames: ['sts'],
    categories: ALL,
    subresources: ['status', 'scale'],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'controllerrevisions',
    singular: 'controllerrevision',
    kind: 'ControllerRevision',
    namespaced: true,
  },
  // batch/v1
  {
    group: 'batch',
    version: 'v1',
    resource: 'jobs',
    singular: 'job',
    kind: 'Job',
    namespaced: true,
    categories: ALL,
    subresources: ['status'],
  },
  {
    group: 'batch',
    version: 'v1',
    resource: 'cronjobs',
    singular: 'cronjob',
    kind: 'CronJob',
    namespaced: true,
    shortNames: ['cj'],
    categories: ALL,
    subresources: ['status'],
  },
  // coordination.k8s.io/v1
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    resource: 'leases',
    singular: 'lease',
    kind: 'Lease',
    namespaced: true,
  },
  // policy/v1 (evictions are the pods/eviction subresource; PodDisruptionBudgets are listed for drain)
  {
    group: 'policy',
    version: 'v1',
    resource: 'poddisruptionbudgets',
    singular: 'poddisruptionbudget',
    kind: 'PodDisruptionBudget',
    namespaced: true,
    shortNames: ['pdb'],
    subresources: ['status'],
  },
  // core/v1 storage: PersistentVolumes are cluster-scoped, their claims live in a namespace
  {
    group: '',
    version: 'v1',
    resource: 'persistentvolumes',
    singular: 'persistentvolume',
    kind: 'PersistentVolume',
    namespaced: false,
    shortNames: ['pv'],
    subresources: ['status'],
  },
  {
    group: '',
    version: 'v1',
    resource: 'persistentvolumeclaims',
    singular: 'persistentvolumeclaim',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
    shortNames: ['pvc'],
    subresources: ['status'],
  },
  // storage.k8s.io/v1
  {
    group: 'storage.k8s.io',
    version: 'v1',
    resource: 'storageclasses',
    singular: 'storageclass',
    kind: 'StorageClass',
    namespaced: false,
    shortNames: ['sc'],
  },
  // discovery.k8s.io/v1
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    resource: 'endpointslices',
    singular: 'endpointslice',
    kind: 'EndpointSlice',
    namespaced: true,
  },
];

/** `apps/v1`, or `v1` for core. */
export function groupVersion(r: Pick<ResourceInfo, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

const rbac = (resource: string, singular: string, kind: string, namespaced: boolean): ResourceInfo => ({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  resource,
  singular,
  kind,
  namespaced,
});

const review = (group: string, resource: string, singular: string, kind: string): ResourceInfo => ({
  group,
  version: 'v1',
  resource,
  singular,
  kind,
  namespaced: false,
  createOnly: true,
});

// autoscaling: HorizontalPodAutoscalers are stored as v2 and served as v2 and v1 (issue 11).
resources.push({
  group: 'autoscaling',
  version: 'v2',
  versions: ['v2', 'v1'],
  resource: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  kind: 'HorizontalPodAutoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ALL,
  subresources: ['status'],
});

// metrics.k8s.io/v1beta1: usage the apiserver collects from the kubelets, served as metrics-server
// serves it (apiserver/metrics/). Same plural names as core; kubectl prefers core for `get nodes`.
resources.push(
  {
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    resource: 'nodes',
    singular: '',
    kind: 'NodeMetrics',
    namespaced: false,
    computed: true,
  },
  {
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    resource: 'pods',
    singular: '',
    kind: 'PodMetrics',
    namespaced: true,
    computed: true,
  },
);

// rbac.authorization.k8s.io/v1 (stored) and the authn/authz reviews (issue 9).
resources.push(
  rbac('roles', 'role', 'Role', true),
  rbac('rolebindings', 'rolebinding', 'RoleBinding', true),
  rbac('clusterroles', 'clusterrole', 'ClusterRole', false),
  rbac('clusterrolebindings', 'clusterrolebinding', 'ClusterRoleBinding', false),
  review('authorization.k8s.io', 'selfsubjectaccessreviews', '', 'SelfSubjectAccessReview'),
  review('authorization.k8s.io', 'selfsubjectrulesreviews', '', 'SelfSubjectRulesReview'),
  review('authorization.k8s.io', 'subjectaccessreviews', '', 'SubjectAccessReview'),
  review('authentication.k8s.io', 'tokenreviews', '', 'TokenReview'),
  // v1 since 1.28; kubectl 1.27's `auth whoami` asks v1beta1 (then v1alpha1).
  {
    ...review('authentication.k8s.io', 'selfsubjectreviews', '', 'SelfSubjectReview'),
    versions: ['v1', 'v1beta1', 'v1alpha1'],
  },
);

const byGroupResource = new Map(resources.map((r) => [`${r.group}/${r.resource}`, r]));
const byKind = new Map(
  resources.flatMap((r) =>
    servedVersions(r).map((v) => [`${groupVersion({ group: r.group, version: v })}/${r.kind}`, r] as const),
  ),
);

/** The versions a resource is served at, the stored one first. */
export function servedVersions(r: ResourceInfo): string[] {
  return r.versions ?? [r.version];
}

export function findResource(group: string, resource: string): ResourceInfo | undefined {
  return byGroupResource.get(`${group}/${resource}`);
}

/** The resource for an object's `apiVersion` and `kind` (`apps/v1`, `Deployment`). */
export function resourceForKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return byKind.get(`${apiVersion}/${kind}`);
}

/** Verbs for discovery: componentstatuses are read-only, as upstream. */
export function verbsFor(r: ResourceInfo): string[] {
  if (r.resource === 'componentstatuses') return ['get', 'list'];
  if (r.createOnly) return ['create'];
  if (r.computed) return ['get', 'list'];
  return RW_VERBS;
}

/**
 * The REST path of a collection or an object:
 *   /api/v1/namespaces/default/pods/web-1/status
 *   /apis/apps/v1/deployments            (all namespaces)
 */
export function resourcePath(
  r: ResourceInfo,
  opts: { namespace?: string; name?: string; subresource?: string } = {},
): string {
  const root = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespaced && opts.namespace ? `/namespaces/${encodeURIComponent(opts.namespace)}` : '';
  const name = opts.name ? `/${encodeURIComponent(opts.name)}` : '';
  const sub = opts.name && opts.subresource ? `/${opts.subresource}` : '';
  return `${root}${ns}/${r.resource}${name}${sub}`;
}

/** The etcd key: /registry/<resource>/<namespace>/<name> (cluster-scoped: /registry/<resource>/<name>). */
export function storageKey(r: ResourceInfo, namespace: string | undefined, name: string): string {
  return r.namespaced ? `/registry/${r.resource}/${namespace}/${name}` : `/registry/${r.resource}/${name}`;
}

/** The key prefix that lists a resource, across namespaces or within one. */
export function storagePrefix(r: ResourceInfo, namespace?: string): string {
  return r.namespaced && namespace ? `/registry/${r.resource}/${namespace}/` : `/registry/${r.resource}/`;
}

function mustFind(group: string, resource: string): ResourceInfo {
  const r = findResource(group, resource);
  if (!r) throw new Error(`resource ${group}/${resource} is not in the catalogue`);
  return r;
}

/** Named rows of the catalogue, for code that means one resource: `client.list(R.pods, …)`. */
export const R = {
  namespaces: mustFind('', 'namespaces'),
  nodes: mustFind('', 'nodes'),
  pods: mustFind('', 'pods'),
  services: mustFind('', 'services'),
  endpoints: mustFind('', 'endpoints'),
  events: mustFind('', 'events'),
  configmaps: mustFind('', 'configmaps'),
  secrets: mustFind('', 'secrets'),
  serviceaccounts: mustFind('', 'serviceaccounts'),
  replicationcontrollers: mustFind('', 'replicationcontrollers'),
  componentstatuses: mustFind('', 'componentstatuses'),
  deployments: mustFind('apps', 'deployments'),
  replicasets: mustFind('apps', 'replicasets'),
  daemonsets: mustFind('apps', 'daemonsets'),
  statefulsets: mustFind('apps', 'statefulsets'),
  controllerrevisions: mustFind('apps', 'controllerrevisions'),
  jobs: mustFind('batch', 'jobs'),
  cronjobs: mustFind('batch', 'cronjobs'),
  leases: mustFind('coordination.k8s.io', 'leases'),
  poddisruptionbudgets: mustFind('policy', 'poddisruptionbudgets'),
  endpointslices: mustFind('discovery.k8s.io', 'endpointslices'),
  persistentvolumes: mustFind('', 'persistentvolumes'),
  persistentvolumeclaims: mustFind('', 'persistentvolumeclaims'),
  storageclasses: mustFind('storage.k8s.io', 'storageclasses'),
  roles: mustFind('rbac.authorization.k8s.io', 'roles'),
  rolebindings: mustFind('rbac.authorization.k8s.io', 'rolebindings'),
  clusterroles: mustFind('rbac.authorization.k8s.io', 'clusterroles'),
  clusterrolebindings: mustFind('rbac.authorization.k8s.io', 'clusterrolebindings'),
  subjectaccessreviews: mustFind('authorization.k8s.io', 'subjectaccessreviews'),
  tokenreviews: mustFind('authentication.k8s.io', 'tokenreviews'),
  horizontalpodautoscalers: mustFind('autoscaling', 'horizontalpodautoscalers'),
  nodemetrics: mustFind('metrics.k8s.io', 'nodes'),
  podmetrics: mustFind('metrics.k8s.io', 'pods'),
} as const;
