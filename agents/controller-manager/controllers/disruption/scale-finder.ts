// getExpectedScale (disruption.go): the number of pods a PDB's pods' controllers want, summed
// over each controller once. The finders are upstream's: ReplicationController, ReplicaSet (or
// the Deployment that controls it: its replicas are the ones a user sets), StatefulSet. Pods
// without a controller add nothing (upstream's "unmanaged pods"); a pod whose controller is none
// of these (a Job, a DaemonSet) or is gone makes the count fail, as upstream's finders do when
// no scale subresource answers.

import type { Informer } from '../../../client/types';
import type { DeploymentObj, PodObj, RCObj, ReplicaSetObj, StatefulSetObj } from '../common/objects';
import { controllerRef } from '../common/owner';

export interface ScaleSources {
  replicationcontrollers: Informer<RCObj>;
  replicasets: Informer<ReplicaSetObj>;
  deployments: Informer<DeploymentObj>;
  statefulsets: Informer<StatefulSetObj>;
}

interface Scaled {
  uid: string;
  scale: number;
}

export function controllerScaleFinder(src: ScaleSources): (pods: PodObj[]) => number {
  const byRef = <T extends RCObj | ReplicaSetObj | DeploymentObj | StatefulSetObj>(
    inf: Informer<T>,
    ns: string | undefined,
    ref: { name: string; uid: string },
  ): T | undefined => {
    const obj = inf.get(`${ns}/${ref.name}`);
    return obj?.metadata?.uid === ref.uid ? obj : undefined;
  };

  const find = (pod: PodObj): Scaled | undefined => {
    const ref = controllerRef(pod);
    const ns = pod.metadata?.namespace;
    if (!ref) return undefined;
    const scaled = (o: { metadata?: { uid?: string }; spec?: { replicas?: number } } | undefined) =>
      o ? { uid: o.metadata?.uid ?? '', scale: o.spec?.replicas ?? 1 } : undefined;
    switch (ref.kind) {
      case 'ReplicationController':
        return scaled(byRef(src.replicationcontrollers, ns, ref));
      case 'StatefulSet':
        return scaled(byRef(src.statefulsets, ns, ref));
      case 'ReplicaSet': {
        const rs = byRef(src.replicasets, ns, ref);
        const owner = rs && controllerRef(rs);
        if (owner?.kind === 'Deployment') return scaled(byRef(src.deployments, ns, owner));
        return scaled(rs);
      }
      default:
        return undefined;
    }
  };

  return (pods) => {
    // Keyed by the scaled object's uid: two ReplicaSets of one Deployment count it once.
    const scales = new Map<string, number>();
    const seen = new Set<string>();
    for (const pod of pods) {
      const ref = controllerRef(pod);
      if (!ref || seen.has(ref.uid)) continue;
      seen.add(ref.uid);
      const found = find(pod);
      if (!found) throw new Error(`found no controllers for pod "${pod.metadata?.name}"`);
      scales.set(found.uid, found.scale);
    }
    return [...scales.values()].reduce((a, b) => a + b, 0);
  };
}
