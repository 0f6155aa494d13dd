// The cluster's objects before and after a drill: uid, resourceVersion and a hash of the spec of
// every object the API serves (events excepted: they come and go by design). `compareSnapshots`
// is pure: an object is lost when its uid is gone afterwards, changed when its spec differs.
// Pods a controller owns are replaced by design when a node fails (new uid), so they are left to
// the workload census; a bare pod that disappears is lost.
import { createHash } from 'node:crypto';
import { resources, verbsFor } from '../../agents/api/resources';
import type { KubeObject } from '../../agents/api/types';
import type { ApiClient } from '../../agents/client';

export interface SnapshotEntry {
  /** `pods/drill/web-1`, `nodes/minion1` */
  key: string;
  uid: string;
  resourceVersion: string;
  specHash: string;
  /** A pod with a controller ownerReference: replaced, not lost, when its node fails. */
  replaceable: boolean;
}

const SKIPPED = new Set(['events', 'componentstatuses']);

/** Stable JSON (sorted keys) so equal specs hash equally whatever the key order on the wire. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v ?? null);
}

/**
 * The part of a spec a drill must leave as it found it. A Node's taints are the node-lifecycle
 * controller's to add and remove as the node fails and recovers (node.kubernetes.io/…), and an
 * emptied list is no list: neither counts as a change.
 */
function comparableSpec(resource: string, spec: unknown): unknown {
  if (resource !== 'nodes' || !spec || typeof spec !== 'object') return spec ?? null;
  const { taints, ...rest } = spec as { taints?: { key?: string }[] };
  const own = (taints ?? []).filter((t) => !t.key?.startsWith('node.kubernetes.io/'));
  return own.length ? { ...rest, taints: own } : rest;
}

export function entryOf(resource: string, obj: KubeObject): SnapshotEntry {
  const m = obj.metadata ?? {};
  return {
    key: [resource, m.namespace, m.name].filter(Boolean).join('/'),
    uid: m.uid ?? '',
    resourceVersion: m.resourceVersion ?? '',
    specHash: createHash('sha256')
      .update(stable(comparableSpec(resource, obj.spec)))
      .digest('hex')
      .slice(0, 16),
    replaceable: resource === 'pods' && (m.ownerReferences ?? []).some((o) => o.controller),
  };
}

export async function takeSnapshot(client: ApiClient): Promise<SnapshotEntry[]> {
  const out: SnapshotEntry[] = [];
  for (const r of resources) {
    // Reviews (SelfSubjectAccessReview …) can only be created and metrics are computed on
    // request: nothing is stored to compare.
    if (SKIPPED.has(r.resource) || !verbsFor(r).includes('list') || r.computed) continue;
    const list = await client.list(r);
    for (const obj of list.items) out.push(entryOf(r.resource, obj));
  }
  return out;
}

export interface SnapshotDiff {
  before: number;
  after: number;
  lost: string[];
  specChanged: string[];
}

/** `ignore` names keys made or removed by the drill itself (its write probe). */
export function compareSnapshots(
  before: SnapshotEntry[],
  after: SnapshotEntry[],
  ignore: (key: string) => boolean = () => false,
): SnapshotDiff {
  const byUid = new Map(after.map((e) => [e.uid, e]));
  const lost: string[] = [];
  const specChanged: string[] = [];
  for (const b of before) {
    if (b.replaceable || ignore(b.key)) continue;
    const a = byUid.get(b.uid);
    if (!a) lost.push(b.key);
    // A Lease's spec is its heartbeat (renewTime): it changes by design.
    else if (a.specHash !== b.specHash && !b.key.startsWith('leases/')) specChanged.push(b.key);
  }
  const count = (xs: SnapshotEntry[]) => xs.filter((e) => !ignore(e.key)).length;
  return { before: count(before), after: count(after), lost, specChanged };
}
