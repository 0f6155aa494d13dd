// How a strategic merge patch combines each list, by resource and field path.
//
// Upstream keeps this in Go struct tags (`patchStrategy:"merge" patchMergeKey:"name"` in
// kubernetes/api core/v1/types.go and apps/v1/types.go); we keep it as a table. A path names
// fields from the object root, with `[]` after a list whose items it descends into:
//
//   spec.template.spec.containers[].ports   → merge container ports by containerPort
//
// Lists not in the table are atomic: a patch replaces them whole (tolerations, taints, args,
// command, matchExpressions, endpoint subsets, …).

export type ListStrategy =
  /** Items are maps; a patch item updates the original item with the same value at `key`. */
  | { type: 'merge'; key: string }
  /** Items are scalars; a patch adds the ones not there yet (finalizers). */
  | { type: 'set' };

const by = (key: string): ListStrategy => ({ type: 'merge', key });
const SET: ListStrategy = { type: 'set' };

type Table = Record<string, ListStrategy>;

/** Prefix every path of a table: the pod spec sits at `spec`, `spec.template.spec`, … */
function at(prefix: string, table: Table): Table {
  return Object.fromEntries(Object.entries(table).map(([path, s]) => [`${prefix}.${path}`, s]));
}

/** The lists inside one container (core/v1 Container). */
const container: Table = {
  ports: by('containerPort'),
  env: by('name'),
  volumeMounts: by('mountPath'),
  volumeDevices: by('devicePath'),
  resizePolicy: by('resourceName'),
};

/** core/v1 PodSpec. Volumes also carry `$retainKeys` in kubectl's patches; that needs no entry. */
const podSpec: Table = {
  containers: by('name'),
  initContainers: by('name'),
  ephemeralContainers: by('name'),
  ...at('containers[]', container),
  ...at('initContainers[]', container),
  ...at('ephemeralContainers[]', container),
  volumes: by('name'),
  imagePullSecrets: by('name'),
  hostAliases: by('ip'),
  topologySpreadConstraints: by('topologyKey'),
  resourceClaims: by('name'),
  schedulingGates: by('name'),
};

/** ObjectMeta, on every resource. */
const objectMeta: Table = {
  'metadata.finalizers': SET,
  'metadata.ownerReferences': by('uid'),
};

const conditions: Table = { 'status.conditions': by('type') };

/** Workloads whose pod template lives at `spec.template`. */
const workload: Table = { ...at('spec.template.spec', podSpec), ...conditions };

const tables: Record<string, Table> = {
  pods: { ...at('spec', podSpec), ...conditions, 'status.podIPs': by('ip'), 'status.hostIPs': by('ip') },
  podtemplates: at('template.spec', podSpec),
  deployments: workload,
  replicasets: workload,
  replicationcontrollers: workload,
  daemonsets: workload,
  statefulsets: workload,
  jobs: workload,
  cronjobs: at('spec.jobTemplate.spec.template.spec', podSpec),
  services: { 'spec.ports': by('port'), ...conditions },
  nodes: {
    'spec.podCIDRs': SET,
    'status.addresses': by('type'),
    'status.volumesAttached': by('name'),
    ...conditions,
  },
  namespaces: conditions,
  poddisruptionbudgets: conditions,
};

/** The strategy for the list at `path` in an object of `resource`, or undefined when atomic. */
export function listStrategy(resource: string, path: string): ListStrategy | undefined {
  return objectMeta[path] ?? tables[resource]?.[path];
}
