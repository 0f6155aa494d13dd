// Small builders for test objects: only the fields a test is about, the rest left out.

import type { PodObj } from '../controllers/common/objects';

let seq = 0;

export function pod(
  name: string,
  opts: {
    ns?: string;
    labels?: Record<string, string>;
    owner?: { kind: string; name: string; uid: string };
    node?: string;
    phase?: string;
    ready?: boolean | string;
    ip?: string;
    created?: string;
    deleting?: boolean;
    readySince?: string;
  } = {},
): PodObj {
  const ready =
    opts.ready === undefined
      ? undefined
      : opts.ready === true
        ? 'True'
        : opts.ready === false
          ? 'False'
          : opts.ready;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: opts.ns ?? 'default',
      uid: `pod-uid-${name}-${++seq}`,
      labels: opts.labels,
      creationTimestamp: opts.created ?? '2025-12-31T23:00:00Z',
      resourceVersion: '1',
      deletionTimestamp: opts.deleting ? '2025-12-31T23:59:00Z' : undefined,
      ownerReferences: opts.owner ? [{ apiVersion: 'apps/v1', ...opts.owner, controller: true }] : undefined,
    },
    spec: { nodeName: opts.node, containers: [{ name: 'c', image: 'busybox' }] },
    status: {
      phase: opts.phase ?? (opts.node ? 'Running' : 'Pending'),
      podIP: opts.ip,
      conditions: ready
        ? [{ type: 'Ready', status: ready, lastTransitionTime: opts.readySince ?? '2025-12-31T23:30:00Z' }]
        : undefined,
    },
  };
}
