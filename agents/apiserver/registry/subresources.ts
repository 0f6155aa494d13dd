// Subresources with their own verbs (upstream: registry/core/pod/storage/storage.go for binding
// and eviction, registry/apps/deployment/storage for scale, registry/core/namespace for finalize):
//
//   POST pods/x/binding        Binding{target: Node}   → spec.nodeName set; 409 if already bound
//   POST pods/x/eviction       policy/v1 Eviction      → eviction.ts (PodDisruptionBudgets)
//   GET|PUT|PATCH <x>/scale    autoscaling/v1 Scale    ↔ spec.replicas
//   PUT namespaces/x/finalize  Namespace               → spec.finalizers; empty + deleting = gone

import { cloneJson } from '../../api/clone';
import { badRequest, conflict, notFound, STALE_OBJECT } from '../../api/errors';
import { R, type ResourceInfo } from '../../api/resources';
import { labelSelectorToString } from '../../api/selectors';
import type { KubeObject } from '../../api/types';
import { qualified, type RestStorage } from './rest';

export const successStatus = (code = 201): KubeObject => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Success',
  code,
});

export async function bindPod(
  rest: RestStorage,
  namespace: string,
  name: string,
  binding: KubeObject,
): Promise<KubeObject> {
  const target = (binding as { target?: { kind?: string; name?: string } }).target;
  if (!target?.name) throw badRequest('a Binding needs target.name (the node)');
  if (target.kind && target.kind !== 'Node')
    throw badRequest(`binding target kind must be Node, not ${target.kind}`);
  await rest.guardedUpdate(R.pods, namespace, name, {}, (current) => {
    const pod = cloneJson(current.obj);
    const spec = (pod.spec ?? {}) as { nodeName?: string };
    if (pod.metadata?.deletionTimestamp)
      throw conflict(
        { group: '', resource: 'pods/binding' },
        name,
        `pod ${name} is being deleted, cannot be assigned to a host`,
      );
    if (spec.nodeName)
      throw conflict(
        { group: '', resource: 'pods/binding' },
        name,
        `pod ${name} is already assigned to node "${spec.nodeName}"`,
      );
    spec.nodeName = target.name;
    pod.spec = spec;
    return pod;
  });
  // PodScheduled=True, written as the status subresource would be (the scheduler reads it back).
  await rest.guardedUpdate(
    R.pods,
    namespace,
    name,
    {},
    (current) => {
      const pod = cloneJson(current.obj);
      const status = (pod.status ?? {}) as {
        conditions?: Array<{ type: string; status: string; lastTransitionTime?: string }>;
      };
      const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
      conditions.push({
        type: 'PodScheduled',
        status: 'True',
        lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      });
      pod.status = { ...status, conditions };
      return pod;
    },
    'status',
  );
  return successStatus();
}

const SCALABLE = new Set(['deployments', 'replicasets', 'statefulsets', 'replicationcontrollers']);

/** The Scale view of a workload: replicas wanted, replicas seen, and the selector as text. */
export function toScale(r: ResourceInfo, obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: Record<string, unknown> };
  const status = (obj.status ?? {}) as { replicas?: number };
  const m = obj.metadata ?? {};
  const selector =
    r === R.replicationcontrollers
      ? Object.entries((spec.selector ?? {}) as Record<string, string>)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')
      : labelSelectorToString((spec.selector ?? {}) as never);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector },
  };
}

function mustScale(r: ResourceInfo, name: string): void {
  if (!SCALABLE.has(r.resource)) throw notFound(qualified(r), `${name}/scale`);
}

export async function getScale(
  rest: RestStorage,
  r: ResourceInfo,
  ns: string | undefined,
  name: string,
): Promise<KubeObject> {
  mustScale(r, name);
  return toScale(r, await rest.get(r, ns, name));
}

/** PUT (`scaleFrom` returns the body) or PATCH (`scaleFrom` patches the current Scale). */
export async function updateScale(
  rest: RestStorage,
  r: ResourceInfo,
  ns: string | undefined,
  name: string,
  scaleFrom: (current: KubeObject) => KubeObject,
): Promise<KubeObject> {
  mustScale(r, name);
  const out = await rest.guardedUpdate(r, ns, name, {}, (current) => {
    const wanted = scaleFrom(toScale(r, current.obj));
    const rv = wanted.metadata?.resourceVersion;
    if (rv && rv !== current.obj.metadata?.resourceVersion) throw conflict(qualified(r), name, STALE_OBJECT);
    const replicas = (wanted.spec as { replicas?: unknown } | undefined)?.replicas;
    if (typeof replicas !== 'number') throw badRequest('Scale spec.replicas must be a number');
    const obj = cloneJson(current.obj);
    obj.spec = { ...(obj.spec as object), replicas };
    return obj;
  });
  return toScale(r, out);
}

export async function finalizeNamespace(
  rest: RestStorage,
  name: string,
  body: KubeObject,
): Promise<KubeObject> {
  const finalizers = ((body.spec ?? {}) as { finalizers?: string[] }).finalizers ?? [];
  return rest.guardedUpdate(
    R.namespaces,
    undefined,
    name,
    {},
    (current) => {
      const ns = cloneJson(current.obj);
      ns.spec = { ...(ns.spec as object), finalizers };
      return ns;
    },
    'finalize',
  );
}
