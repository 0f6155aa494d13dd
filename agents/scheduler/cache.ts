// The scheduler's view of the cluster (internal/cache/cache.go): one NodeInfo per node with the
// pods on it and their summed requests and host ports. Pods come from two places:
//   - the informer: pods that have spec.nodeName (bound, running, …);
//   - assume(): a pod we just chose a node for, added BEFORE the binding call returns, so the
//     next pod already sees the first one's cpu and ports (otherwise a burst of pods would all
//     land on the same "emptiest" node). The watch echo confirms it; a failed bind forgets it.
// Finished pods (Succeeded/Failed) hold no resources and are left out.

import type { Node, Pod } from 'kubernetes-types/core/v1';
import { objectKey } from '../api/types';
import type { NodeInfo, Resources } from './framework';
import { nodeAllocatable, podHostPorts, podRequests } from './requests';

const zero = (): Resources => ({ milliCpu: 0, memory: 0, pods: 0 });

function addTo(sum: Resources, r: Resources, sign: 1 | -1): void {
  sum.milliCpu += sign * r.milliCpu;
  sum.memory += sign * r.memory;
  sum.pods += sign * r.pods;
}

const isFinished = (pod: Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export class SchedulerCache {
  private readonly infos = new Map<string, NodeInfo>();
  /** Which node each pod is counted on, so updates and deletes find it. */
  private readonly podNode = new Map<string, string>();
  private readonly assumed = new Set<string>();
  private snapshot: NodeInfo[] | undefined;

  /** Every node the scheduler may place pods on (nodes we only know from their pods are left out). */
  nodes(): NodeInfo[] {
    if (!this.snapshot) this.snapshot = [...this.infos.values()].filter((i) => i.node.metadata?.name);
    return this.snapshot;
  }

  get(nodeName: string): NodeInfo | undefined {
    return this.infos.get(nodeName);
  }

  private infoFor(nodeName: string): NodeInfo {
    let info = this.infos.get(nodeName);
    if (!info) {
      info = {
        node: { metadata: {} },
        pods: new Map(),
        allocatable: zero(),
        requested: zero(),
        nonZeroRequested: zero(),
        usedPorts: new Set(),
      };
      this.infos.set(nodeName, info);
    }
    return info;
  }

  setNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    const info = this.infoFor(name);
    if (!info.node.metadata?.name) this.snapshot = undefined;
    info.node = node;
    info.allocatable = nodeAllocatable(node);
  }

  removeNode(name: string): void {
    const info = this.infos.get(name);
    if (!info) return;
    this.snapshot = undefined;
    // Keep pods that still point here (they may be deleted later); forget the node itself.
    if (info.pods.size === 0) this.infos.delete(name);
    else info.node = { metadata: {} };
  }

  isAssumed(key: string): boolean {
    return this.assumed.has(key);
  }

  /** Count `pod` on `nodeName` now, ahead of the binding. */
  assume(pod: Pod, nodeName: string): void {
    const key = objectKey(pod);
    this.assumed.add(key);
    this.place(key, { ...pod, spec: { ...pod.spec, nodeName } } as Pod, nodeName);
  }

  /** The binding failed: take the assumed pod back off its node. */
  forget(pod: Pod): void {
    const key = objectKey(pod);
    if (!this.assumed.delete(key)) return;
    this.unplace(key);
  }

  /** A pod from the informer: bound ones are counted, finished or unbound ones are not. */
  updatePod(pod: Pod): void {
    const key = objectKey(pod);
    const nodeName = pod.spec?.nodeName;
    if (!nodeName || isFinished(pod)) {
      if (!this.assumed.has(key) || isFinished(pod)) this.removePod(pod);
      return;
    }
    this.assumed.delete(key);
    this.place(key, pod, nodeName);
  }

  removePod(pod: Pod): void {
    const key = objectKey(pod);
    this.assumed.delete(key);
    this.unplace(key);
  }

  private place(key: string, pod: Pod, nodeName: string): void {
    this.unplace(key);
    const info = this.infoFor(nodeName);
    info.pods.set(key, pod);
    addTo(info.requested, podRequests(pod), 1);
    addTo(info.nonZeroRequested, podRequests(pod, true), 1);
    for (const p of podHostPorts(pod)) info.usedPorts.add(p);
    this.podNode.set(key, nodeName);
  }

  private unplace(key: string): void {
    const nodeName = this.podNode.get(key);
    if (nodeName === undefined) return;
    this.podNode.delete(key);
    const info = this.infos.get(nodeName);
    const pod = info?.pods.get(key);
    if (!info || !pod) return;
    info.pods.delete(key);
    addTo(info.requested, podRequests(pod), -1);
    addTo(info.nonZeroRequested, podRequests(pod, true), -1);
    for (const p of podHostPorts(pod)) info.usedPorts.delete(p);
    if (info.pods.size === 0 && !info.node.metadata?.name) this.infos.delete(nodeName);
  }
}
