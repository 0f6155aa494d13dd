// The Node authorizer (upstream: plugin/pkg/auth/authorizer/node/node_authorizer.go), reduced to
// what a kubelet does here. A `system:node:<name>` in group system:nodes may:
//   - get a Secret or ConfigMap only when a pod bound to <name> uses it (volume, env, envFrom,
//     imagePullSecrets) — never list or watch them;
//   - write only its own Node (and nodes/status) and its own Lease in kube-node-lease;
//   - update the status of, or delete, only pods bound to <name>;
//   - create `serviceaccounts/token` only for an account a pod bound to <name> runs as (the
//     token must also be bound to that pod: node-restriction.ts checks the body);
//   - everything else the system:node ClusterRole allows (read services, pods, nodes; events).
// Pure: the pods come in as an argument, taken from the watch cache by the caller.

import type { KubeObject } from '../../api/types';
import type { Attributes, ResourceAttributes } from './attributes';
import { bootstrapClusterRoles, type PolicyRule } from './bootstrap-policy';
import type { Decision } from './rbac';
import { ruleAllows } from './rbac';
import { nodeName } from './user';

export interface NodeGraph {
  /** Pods whose spec.nodeName is `node`. */
  podsOn(node: string): KubeObject[];
  pod(namespace: string, name: string): KubeObject | undefined;
}

const NODE_RULES = (bootstrapClusterRoles.find((r) => r.metadata?.name === 'system:node')?.rules ??
  []) as PolicyRule[];

const noOpinion: Decision = { decision: 'noopinion', reason: '' };
const allow = (reason: string): Decision => ({ decision: 'allow', reason });
// Like upstream, the Node authorizer never denies: it has no opinion, with a reason for the log.
const deny = (reason: string): Decision => ({ decision: 'noopinion', reason });

export function authorizeNode(a: Attributes, graph: NodeGraph): Decision {
  const node = nodeName(a.user);
  if (!node) return noOpinion;
  if (a.kind === 'nonresource') return noOpinion;
  if (a.apiGroup === '' && (a.resource === 'secrets' || a.resource === 'configmaps'))
    return referenced(a, node, graph);
  if (a.apiGroup === '' && a.resource === 'serviceaccounts') return createToken(a, node, graph);
  if (a.apiGroup === 'coordination.k8s.io' && a.resource === 'leases') {
    if (a.namespace !== 'kube-node-lease')
      return deny(`can only access leases in the "kube-node-lease" namespace`);
    if (a.verb !== 'create' && a.name !== node)
      return deny(`can only access node lease with the same name as the requesting node`);
    return allow('node lease');
  }
  if (
    a.apiGroup === '' &&
    a.resource === 'nodes' &&
    isWrite(a.verb) &&
    a.verb !== 'create' &&
    a.name !== node
  )
    return deny(`node "${node}" is not allowed to modify node "${a.name}"`);
  if (a.apiGroup === '' && a.resource === 'pods' && (a.subresource === 'status' || a.verb === 'delete')) {
    const pod = a.name && a.namespace ? graph.pod(a.namespace, a.name) : undefined;
    if (pod && (pod.spec as { nodeName?: string } | undefined)?.nodeName !== node)
      return deny(`node "${node}" can only modify pods bound to it`);
  }
  return NODE_RULES.some((rule) => ruleAllows(a, rule)) ? allow('system:node rules') : noOpinion;
}

function referenced(a: ResourceAttributes, node: string, graph: NodeGraph): Decision {
  if (a.verb !== 'get' || !a.name || !a.namespace)
    return deny(`node "${node}" may only get individual ${a.resource}`);
  const used = graph
    .podsOn(node)
    .some((p) => p.metadata?.namespace === a.namespace && podReferences(p, a.resource, a.name ?? ''));
  return used
    ? allow(`${a.resource} used by a pod on node "${node}"`)
    : deny(`no relationship found between node '${node}' and this object`);
}

/** Upstream's authorizeCreateToken: the account must be one a pod on this node runs as. */
function createToken(a: ResourceAttributes, node: string, graph: NodeGraph): Decision {
  if (a.verb !== 'create' || !a.name) return deny('can only create tokens for individual service accounts');
  if (a.subresource !== 'token') return deny('can only create token subresource of serviceaccount');
  const used = graph
    .podsOn(node)
    .some(
      (p) =>
        p.metadata?.namespace === a.namespace &&
        ((p.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? 'default') === a.name,
    );
  return used
    ? allow(`service account used by a pod on node "${node}"`)
    : deny(`no relationship found between node '${node}' and this object`);
}

interface Spec {
  volumes?: {
    secret?: { secretName?: string };
    configMap?: { name?: string };
    projected?: { sources?: { secret?: { name?: string }; configMap?: { name?: string } }[] };
  }[];
  imagePullSecrets?: { name?: string }[];
  containers?: Container[];
  initContainers?: Container[];
}
interface Container {
  env?: { valueFrom?: { secretKeyRef?: { name?: string }; configMapKeyRef?: { name?: string } } }[];
  envFrom?: { secretRef?: { name?: string }; configMapRef?: { name?: string } }[];
}

export function podReferences(
  pod: KubeObject,
  resource: 'secrets' | 'configmaps' | string,
  name: string,
): boolean {
  const spec = (pod.spec ?? {}) as Spec;
  const secret = resource === 'secrets';
  const names: (string | undefined)[] = [];
  for (const v of spec.volumes ?? []) {
    names.push(secret ? v.secret?.secretName : v.configMap?.name);
    for (const s of v.projected?.sources ?? []) names.push(secret ? s.secret?.name : s.configMap?.name);
  }
  if (secret) for (const s of spec.imagePullSecrets ?? []) names.push(s.name);
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    for (const e of c.env ?? [])
      names.push(secret ? e.valueFrom?.secretKeyRef?.name : e.valueFrom?.configMapKeyRef?.name);
    for (const e of c.envFrom ?? []) names.push(secret ? e.secretRef?.name : e.configMapRef?.name);
  }
  return names.includes(name);
}

const isWrite = (verb: string) => ['create', 'update', 'patch', 'delete', 'deletecollection'].includes(verb);
