// Pure: a StatefulSet pod's identity (stateful_set_utils.go). Pod `web-2` is ordinal 2 of set
// `web`; it carries the set's template of one revision, `hostname: web-2` and
// `subdomain: <serviceName>` (so it resolves as web-2.<service>), and the labels
// `statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index` and
// `controller-revision-hash: <revision name>` (the whole ControllerRevision name, `web-<hash>`,
// unlike a DaemonSet's pods, which carry only the hash).

import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import { clone, type PodObj, type StatefulSetObj } from '../common/objects';
import { newControllerRef } from '../common/owner';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

export function podName(set: StatefulSetObj, ordinal: number): string {
  return `${set.metadata?.name}-${ordinal}`;
}

/** getParentNameAndOrdinal: `web-12` → {parent: 'web', ordinal: 12}; no trailing number → undefined. */
export function parentAndOrdinal(name: string | undefined): { parent: string; ordinal: number } | undefined {
  const m = /^(.*)-(\d+)$/.exec(name ?? '');
  return m ? { parent: m[1], ordinal: Number(m[2]) } : undefined;
}

/** isMemberOf: the pod's name says it belongs to this set (a selector match alone is not enough). */
export function isMemberOf(set: StatefulSetObj, pod: PodObj): boolean {
  return parentAndOrdinal(pod.metadata?.name)?.parent === set.metadata?.name;
}

export function ordinalOf(pod: PodObj): number {
  return parentAndOrdinal(pod.metadata?.name)?.ordinal ?? -1;
}

export function podRevision(pod: PodObj): string | undefined {
  return pod.metadata?.labels?.[REVISION_LABEL];
}

/** newVersionedStatefulSetPod: ordinal `ordinal` of `set`, from `template` of revision `revision`. */
export function newStatefulSetPod(
  set: StatefulSetObj,
  template: PodTemplateSpec | undefined,
  ordinal: number,
  revision: string,
): PodObj {
  const name = podName(set, ordinal);
  const spec = clone(template?.spec ?? { containers: [] });
  spec.hostname = name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata?.namespace,
      labels: {
        ...(template?.metadata?.labels ?? {}),
        [POD_NAME_LABEL]: name,
        [POD_INDEX_LABEL]: String(ordinal),
        [REVISION_LABEL]: revision,
      },
      ...(template?.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [newControllerRef(set, 'apps/v1', 'StatefulSet')],
    },
    spec,
  };
}
