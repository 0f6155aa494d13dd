// The ownership graph (garbagecollector/graph.go, much reduced): every object the collector
// watches, by uid, and for each owner uid the dependents that name it. It is fed by informer
// events and answers two questions: "who owns X?" and "who depends on X?".

import type { OwnerReference } from 'kubernetes-types/meta/v1';
import type { KubeObject } from '../../../api/types';

/** An item of the graph: `<group>/<resource>|<namespace>/<name>` — also the queue key. */
export type ItemKey = string;

export function itemKey(group: string, resource: string, objKey: string): ItemKey {
  return `${group}/${resource}|${objKey}`;
}

export function splitItemKey(key: ItemKey): { group: string; resource: string; objKey: string } {
  const bar = key.indexOf('|');
  const gr = key.slice(0, bar);
  const slash = gr.indexOf('/');
  return { group: gr.slice(0, slash), resource: gr.slice(slash + 1), objKey: key.slice(bar + 1) };
}

export class OwnerGraph {
  private byUid = new Map<string, ItemKey>();
  private dependents = new Map<string, Set<ItemKey>>();
  private ownersOf = new Map<ItemKey, readonly OwnerReference[]>();

  upsert(key: ItemKey, obj: KubeObject): void {
    this.remove(key, obj);
    const uid = obj.metadata?.uid;
    if (uid) this.byUid.set(uid, key);
    const refs = obj.metadata?.ownerReferences ?? [];
    this.ownersOf.set(key, refs);
    for (const r of refs) {
      if (!this.dependents.has(r.uid)) this.dependents.set(r.uid, new Set());
      this.dependents.get(r.uid)!.add(key);
    }
  }

  remove(key: ItemKey, obj: KubeObject): void {
    for (const r of this.ownersOf.get(key) ?? []) this.dependents.get(r.uid)?.delete(key);
    this.ownersOf.delete(key);
    const uid = obj.metadata?.uid;
    if (uid && this.byUid.get(uid) === key) this.byUid.delete(uid);
  }

  has(uid: string): boolean {
    return this.byUid.has(uid);
  }

  itemOf(uid: string): ItemKey | undefined {
    return this.byUid.get(uid);
  }

  dependentsOf(uid: string | undefined): ItemKey[] {
    return uid ? [...(this.dependents.get(uid) ?? [])] : [];
  }
}
