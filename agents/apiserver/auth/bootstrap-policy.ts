// The roles and bindings every cluster starts with, written as our own data after reading
// upstream's (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/cluster-roles.yaml and
// cluster-role-bindings.yaml). Only the roles nodekube's components and kubectl's users need;
// the storage/certificates/CSI roles are left out until those APIs exist.
//
// Deviation, on purpose: our controller-manager runs every controller under one identity
// (upstream's --use-service-account-credentials gives each its own SA and role), so
// `system:kube-controller-manager` is also bound to `system:nodekube:controllers` below.

import type { KubeObject } from '../../api/types';

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const ALL_RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const EVENTS_WRITE = ['create', 'patch', 'update'];

const r = (
  apiGroups: string[],
  resources: string[],
  verbs: string[],
  resourceNames?: string[],
): PolicyRule => ({
  apiGroups,
  resources,
  verbs,
  ...(resourceNames ? { resourceNames } : {}),
});
const urls = (nonResourceURLs: string[], verbs: string[]): PolicyRule => ({ nonResourceURLs, verbs });

const META = {
  annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
  labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
};

function clusterRole(
  name: string,
  rules: PolicyRule[] | null,
  extra: { labels?: Record<string, string>; aggregateTo?: string } = {},
): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, annotations: META.annotations, labels: { ...META.labels, ...extra.labels } },
    ...(extra.aggregateTo
      ? {
          aggregationRule: {
            clusterRoleSelectors: [
              { matchLabels: { [`rbac.authorization.k8s.io/aggregate-to-${extra.aggregateTo}`]: 'true' } },
            ],
          },
        }
      : {}),
    rules,
  };
}

const aggregateTo = (role: string) => ({ [`rbac.authorization.k8s.io/aggregate-to-${role}`]: 'true' });

export const bootstrapClusterRoles: KubeObject[] = [
  clusterRole('cluster-admin', [r(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
  clusterRole('system:discovery', [
    urls(
      [
        '/api',
        '/api/*',
        '/apis',
        '/apis/*',
        '/healthz',
        '/livez',
        '/openapi',
        '/openapi/*',
        '/readyz',
        '/version',
        '/version/',
      ],
      ['get'],
    ),
  ]),
  clusterRole('system:public-info-viewer', [
    urls(['/healthz', '/livez', '/readyz', '/version', '/version/'], ['get']),
  ]),
  clusterRole('system:basic-user', [
    r(['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], ['create']),
    r(['authentication.k8s.io'], ['selfsubjectreviews'], ['create']),
  ]),
  clusterRole('system:monitoring', [
    urls(
      ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'],
      ['get'],
    ),
  ]),
  clusterRole('admin', null, { aggregateTo: 'admin' }),
  clusterRole('edit', null, { aggregateTo: 'edit', labels: aggregateTo('admin') }),
  clusterRole('view', null, { aggregateTo: 'view', labels: aggregateTo('edit') }),
  clusterRole(
    'system:aggregate-to-admin',
    [
      r(['authorization.k8s.io'], ['localsubjectaccessreviews'], ['create']),
      r(['rbac.authorization.k8s.io'], ['rolebindings', 'roles'], ALL_RW),
    ],
    { labels: aggregateTo('admin') },
  ),
  clusterRole(
    'system:aggregate-to-edit',
    [
      r(
        [''],
        ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'],
        READ,
      ),
      r([''], ['serviceaccounts'], ['impersonate']),
      r([''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], WRITE),
      r([''], ['pods/eviction'], ['create']),
      r(
        [''],
        [
          'configmaps',
          'events',
          'persistentvolumeclaims',
          'replicationcontrollers',
          'replicationcontrollers/scale',
          'secrets',
          'serviceaccounts',
          'services',
          'services/proxy',
        ],
        WRITE,
      ),
      r([''], ['serviceaccounts/token'], ['create']),
      r(
        ['apps'],
        [
          'daemonsets',
          'deployments',
          'deployments/rollback',
          'deployments/scale',
          'replicasets',
          'replicasets/scale',
          'statefulsets',
          'statefulsets/scale',
        ],
        WRITE,
      ),
      r(['autoscaling'], ['horizontalpodautoscalers'], WRITE),
      r(['batch'], ['cronjobs', 'jobs'], WRITE),
      r(['policy'], ['poddisruptionbudgets'], WRITE),
      r(['networking.k8s.io'], ['ingresses', 'networkpolicies'], WRITE),
      r(['coordination.k8s.io'], ['leases'], ALL_RW),
    ],
    { labels: aggregateTo('edit') },
  ),
  clusterRole(
    'system:aggregate-to-view',
    [
      r(
        [''],
        [
          'configmaps',
          'endpoints',
          'persistentvolumeclaims',
          'persistentvolumeclaims/status',
          'pods',
          'replicationcontrollers',
          'replicationcontrollers/scale',
          'serviceaccounts',
          'services',
          'services/status',
        ],
        READ,
      ),
      r(
        [''],
        [
          'bindings',
          'events',
          'limitranges',
          'namespaces/status',
          'pods/log',
          'pods/status',
          'replicationcontrollers/status',
          'resourcequotas',
          'resourcequotas/status',
        ],
        READ,
      ),
      r([''], ['namespaces'], READ),
      r(['discovery.k8s.io'], ['endpointslices'], READ),
      r(
        ['apps'],
        [
          'controllerrevisions',
          'daemonsets',
          'daemonsets/status',
          'deployments',
          'deployments/scale',
          'deployments/status',
          'replicasets',
          'replicasets/scale',
          'replicasets/status',
          'statefulsets',
          'statefulsets/scale',
          'statefulsets/status',
        ],
        READ,
      ),
      r(['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'], READ),
      r(['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], READ),
      r(['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status'], READ),
      r(['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies'], READ),
    ],
    { labels: aggregateTo('view') },
  ),
  clusterRole('system:kube-scheduler', [
    r(['', 'events.k8s.io'], ['events'], EVENTS_WRITE),
    r(['coordination.k8s.io'], ['leases'], ['create']),
    r(['coordination.k8s.io'], ['leases'], ['get', 'update'], ['kube-scheduler']),
    r([''], ['nodes'], READ),
    r([''], ['pods'], ['delete', 'get', 'list', 'watch']),
    r([''], ['bindings', 'pods/binding'], ['create']),
    r([''], ['pods/status'], ['patch', 'update']),
    r([''], ['replicationcontrollers', 'services'], READ),
    r(['apps', 'extensions'], ['replicasets'], READ),
    r(['apps'], ['statefulsets'], READ),
    r(['policy'], ['poddisruptionbudgets'], READ),
    r([''], ['persistentvolumeclaims', 'persistentvolumes'], READ),
    r(['authentication.k8s.io'], ['tokenreviews'], ['create']),
    r(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
    r([''], ['namespaces'], READ),
  ]),
  // Upstream's role for the scheduler's volume binding (selected-node on claims), bound to it too.
  clusterRole('system:volume-scheduler', [
    r([''], ['persistentvolumes', 'persistentvolumeclaims'], ['get', 'list', 'patch', 'update', 'watch']),
    r(['storage.k8s.io'], ['storageclasses'], READ),
  ]),
  clusterRole('system:kube-controller-manager', [
    r(['', 'events.k8s.io'], ['events'], EVENTS_WRITE),
    r(['coordination.k8s.io'], ['leases'], ['create']),
    r(['coordination.k8s.io'], ['leases'], ['get', 'update'], ['kube-controller-manager']),
    r([''], ['secrets', 'serviceaccounts'], ['create']),
    r([''], ['secrets'], ['delete']),
    r([''], ['configmaps', 'namespaces', 'secrets', 'serviceaccounts'], ['get']),
    r([''], ['secrets', 'serviceaccounts'], ['update']),
    r(['authentication.k8s.io'], ['tokenreviews'], ['create']),
    r(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
    r(['*'], ['*'], ['list', 'watch']),
    r([''], ['serviceaccounts/token'], ['create']),
  ]),
  // Ours: what the single-identity controller-manager writes (see the header).
  clusterRole('system:nodekube:controllers', [
    r(
      [''],
      [
        'pods',
        'pods/status',
        'endpoints',
        'namespaces',
        'namespaces/finalize',
        'namespaces/status',
        'nodes',
        'nodes/status',
      ],
      ['get', 'list', 'watch', ...WRITE],
    ),
    r([''], ['pods/eviction', 'serviceaccounts'], ['create']),
    r(['*'], ['*'], ['delete', 'deletecollection']),
    r(['apps', 'batch', 'discovery.k8s.io', 'policy'], ['*'], ['get', 'list', 'watch', ...WRITE]),
    // Controllers read what they reconcile against: services, service accounts, limits …
    r(['*'], ['*'], READ),
    // the replication manager (the seeds' ReplicationControllers)
    r(
      [''],
      ['replicationcontrollers', 'replicationcontrollers/status', 'replicationcontrollers/scale'],
      ['get', 'list', 'watch', ...WRITE],
    ),
    // root-ca-cert-publisher (kube-root-ca.crt), the PV binder and the local-path provisioner
    r(
      [''],
      [
        'configmaps',
        'persistentvolumes',
        'persistentvolumes/status',
        'persistentvolumeclaims',
        'persistentvolumeclaims/status',
      ],
      ['get', 'list', 'watch', ...WRITE],
    ),
    r(['storage.k8s.io'], ['storageclasses'], READ),
    // The horizontal pod autoscaler: its objects, the scale it sets, the usage it reads.
    r(
      ['autoscaling'],
      ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'],
      ['get', 'list', 'watch', ...WRITE],
    ),
    r([''], ['replicationcontrollers/scale'], ['get', 'update', 'patch']),
    r(['metrics.k8s.io'], ['pods'], ['get', 'list']),
  ]),
  // metrics-server's reader role, aggregated into view (and so edit and admin): `kubectl top`.
  clusterRole(
    'system:aggregated-metrics-reader',
    [r(['metrics.k8s.io'], ['nodes', 'pods'], ['get', 'list', 'watch'])],
    {
      labels: { ...aggregateTo('view'), ...aggregateTo('edit'), ...aggregateTo('admin') },
    },
  ),
  clusterRole('system:node-proxier', [
    r([''], ['endpoints', 'services'], ['list', 'watch']),
    r([''], ['nodes'], READ),
    r(['', 'events.k8s.io'], ['events'], EVENTS_WRITE),
    r(['discovery.k8s.io'], ['endpointslices'], ['list', 'watch']),
  ]),
  clusterRole('system:node', [
    r(['authentication.k8s.io'], ['tokenreviews'], ['create']),
    r(['authorization.k8s.io'], ['localsubjectaccessreviews', 'subjectaccessreviews'], ['create']),
    r([''], ['services'], READ),
    r([''], ['nodes'], ['create', 'get', 'list', 'watch']),
    r([''], ['nodes/status'], ['patch', 'update']),
    r([''], ['nodes'], ['patch', 'update']),
    r([''], ['events'], EVENTS_WRITE),
    r([''], ['pods'], READ),
    r([''], ['pods'], ['create', 'delete']),
    r([''], ['pods/status'], ['patch', 'update']),
    r([''], ['pods/eviction'], ['create']),
    r([''], ['configmaps', 'secrets'], READ),
    r([''], ['persistentvolumeclaims', 'persistentvolumes'], ['get']),
    r([''], ['endpoints'], ['get']),
    r(['coordination.k8s.io'], ['leases'], ['create', 'delete', 'get', 'patch', 'update']),
    r([''], ['serviceaccounts/token'], ['create']),
  ]),
];

interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
  apiGroup?: string;
}

const user = (name: string): Subject => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name });
const group = (name: string): Subject => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });

function clusterRoleBinding(name: string, role: string, subjects: Subject[]): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, ...META },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects,
  };
}

export const bootstrapClusterRoleBindings: KubeObject[] = [
  clusterRoleBinding('cluster-admin', 'cluster-admin', [group('system:masters')]),
  clusterRoleBinding('system:basic-user', 'system:basic-user', [group('system:authenticated')]),
  clusterRoleBinding('system:discovery', 'system:discovery', [group('system:authenticated')]),
  clusterRoleBinding('system:public-info-viewer', 'system:public-info-viewer', [
    group('system:authenticated'),
    group('system:unauthenticated'),
  ]),
  clusterRoleBinding('system:monitoring', 'system:monitoring', [group('system:monitoring')]),
  clusterRoleBinding('system:kube-controller-manager', 'system:kube-controller-manager', [
    user('system:kube-controller-manager'),
  ]),
  clusterRoleBinding('system:nodekube:controllers', 'system:nodekube:controllers', [
    user('system:kube-controller-manager'),
  ]),
  clusterRoleBinding('system:kube-scheduler', 'system:kube-scheduler', [user('system:kube-scheduler')]),
  clusterRoleBinding('system:volume-scheduler', 'system:volume-scheduler', [user('system:kube-scheduler')]),
  clusterRoleBinding('system:node-proxier', 'system:node-proxier', [user('system:kube-proxy')]),
  // Upstream keeps this binding with no subjects: the Node authorizer, not RBAC, serves kubelets.
  clusterRoleBinding('system:node', 'system:node', []),
];
