// Many hollow kubelets in one process (kubemark's HollowKubelet, kwok's controllers): each
// registers a Node, renews its Lease and posts NodeStatus every status period, and "runs" the
// pods bound to it by writing the statuses lifecycle.ts decides. All nodes share one client, one
// pod informer and one work queue, so a thousand nodes cost a thousand timers, not a thousand
// watches. Killing the process stops every heartbeat: that is how tests make nodes die.

import type { Lease } from 'kubernetes-types/coordination/v1';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import { isAlreadyExists, isConflict, isNotFound } from '../api/errors';
import type { Logger } from '../api/log';
import { R } from '../api/resources';
import { type KubeObject, objectKey, splitKey } from '../api/types';
import { type ApiClient, createInformer, createWorkQueue, runController } from '../client';
import { sleepUnlessAborted } from '../client/informer';
import { nodeStatus } from '../kubelet/node-object';
import { fallbackPodCIDR, PodIPAllocator } from './addresses';
import { HOLLOW_NODE_IP } from './kubelet-endpoint';
import { nextPodStatus } from './lifecycle';
import {
  buildLease,
  buildNode,
  describeHollowNode,
  healthyConditions,
  NODE_LEASE_NAMESPACE,
} from './node-object';

type Obj<T> = T & KubeObject;

export interface HollowNodesOptions {
  client: ApiClient;
  log: Logger;
  names: string[];
  statusPeriodMs: number;
  leaseDurationSeconds: number;
  podRunMs: number;
  /** The port of the hollow kubelet endpoint on 127.0.0.1 (kubelet-endpoint.ts) every node advertises. */
  kubeletPort: number;
  /** Each node's own endpoint, when they have one (it serves their resource usage); else kubeletPort. */
  kubeletPorts?: Map<string, number>;
  /** Concurrent pod status writers. */
  workers?: number;
  nowFn?: () => number;
}

interface NodeState {
  name: string;
  internalIP: string;
  podCIDR: string;
  registeredAt: number;
  uid?: string;
  lease?: Obj<Lease>;
  ips: PodIPAllocator;
}

export interface RunningHollowNodes {
  /** Resolves once every node is registered and the pod informer has listed. */
  ready: Promise<void>;
  stop(): void;
  /** The pods bound to one node, as the informer has them. */
  podsOn(nodeName: string): Pod[];
}

export function startHollowNodes(opts: HollowNodesOptions, signal: AbortSignal): RunningHollowNodes {
  const { client, log, nowFn = Date.now } = opts;
  const nodes = new Map<string, NodeState>(
    opts.names.map((name, i) => [
      name,
      {
        name,
        // Loopback, so the apiserver's kubelet proxy reaches our endpoint and nothing leaves the machine.
        internalIP: HOLLOW_NODE_IP,
        podCIDR: fallbackPodCIDR(i),
        registeredAt: nowFn(),
        ips: new PodIPAllocator(),
      },
    ]),
  );
  const portOf = (name: string) => opts.kubeletPorts?.get(name) ?? opts.kubeletPort;
  const learn = (state: NodeState, node: Node) => {
    state.uid = node.metadata?.uid ?? state.uid;
    if (node.spec?.podCIDR) state.podCIDR = node.spec.podCIDR;
  };

  async function register(state: NodeState): Promise<void> {
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        const node = buildNode(
          { name: state.name, internalIP: state.internalIP, kubeletPort: portOf(state.name) },
          nowFn(),
        );
        try {
          learn(state, await client.create(R.nodes, node as Obj<Node>));
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
          // Registered before (maybe by an earlier process, on another port): post the whole status.
          await postStatus(state, true);
        }
        log.info('Successfully registered node', { node: state.name });
        return;
      } catch (err) {
        log.error('Unable to register node with API server', {
          node: state.name,
          err: (err as Error).message,
        });
        await sleepUnlessAborted(Math.min(7000, 500 * attempt), signal);
      }
    }
  }

  async function postStatus(state: NodeState, full = false): Promise<void> {
    const conditions = healthyConditions(nowFn(), state.registeredAt);
    const spec = { name: state.name, internalIP: state.internalIP, kubeletPort: portOf(state.name) };
    const patch = { status: full ? nodeStatus(describeHollowNode(spec), conditions) : { conditions } };
    learn(
      state,
      await client.patch<Obj<Node>>(R.nodes, undefined, state.name, 'merge', patch, {
        subresource: 'status',
      }),
    );
  }

  async function renewLease(state: NodeState): Promise<void> {
    const fresh = buildLease(
      { metadata: { name: state.name, uid: state.uid } },
      opts.leaseDurationSeconds,
      nowFn(),
    );
    try {
      if (state.lease)
        state.lease = await client.update(R.leases, {
          ...state.lease,
          spec: { ...state.lease.spec, renewTime: fresh.spec?.renewTime },
        });
      else state.lease = await client.create(R.leases, fresh as Obj<Lease>);
    } catch (err) {
      // Someone else wrote it, or it exists already: read it and renew on the next beat.
      if (!isConflict(err) && !isAlreadyExists(err) && !isNotFound(err)) throw err;
      state.lease = isNotFound(err)
        ? undefined
        : await client.get<Obj<Lease>>(R.leases, NODE_LEASE_NAMESPACE, state.name);
    }
  }

  async function heartbeats(state: NodeState): Promise<void> {
    // Spread the nodes over the period so 1000 nodes do not all beat in the same millisecond.
    await sleepUnlessAborted(Math.random() * opts.statusPeriodMs, signal);
    while (!signal.aborted) {
      try {
        await renewLease(state);
        await postStatus(state);
      } catch (err) {
        log.error('Error updating node status / lease', { node: state.name, err: (err as Error).message });
      }
      await sleepUnlessAborted(opts.statusPeriodMs, signal);
    }
  }

  // Pods: one informer, keys of pods bound to our nodes go to the queue.
  const pods = createInformer<Obj<Pod>>(client, R.pods, { log });
  const queue = createWorkQueue('hollow-pods');
  const ours = (pod: Pod) => nodes.has(pod.spec?.nodeName ?? '');
  pods.addEventHandler({
    add: (pod) => ours(pod) && queue.add(objectKey(pod)),
    update: (_old, pod) => ours(pod) && queue.add(objectKey(pod)),
    delete: (pod) => ours(pod) && queue.add(objectKey(pod)),
  });

  async function syncPod(key: string): Promise<void> {
    const pod = pods.get(key);
    const state = pod ? nodes.get(pod.spec?.nodeName ?? '') : undefined;
    if (!pod || !state) {
      for (const n of nodes.values()) n.ips.release(key);
      return;
    }
    const action = nextPodStatus(pod, nowFn(), {
      podIP: state.ips.allocate(key, state.podCIDR),
      hostIP: state.internalIP,
      runMs: opts.podRunMs,
    });
    if (action.action === 'recheck') queue.addAfter(key, action.afterMs);
    else if (action.action === 'status')
      await client.update(R.pods, { ...pod, status: action.status }, { subresource: 'status' });
    else if (action.action === 'delete') {
      const { namespace, name } = splitKey(key);
      try {
        await client.delete(R.pods, namespace, name, { gracePeriodSeconds: 0 });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      state.ips.release(key);
    }
  }

  const ready = (async () => {
    // Register a few nodes at a time: thousands of concurrent creates only queue in the limiter.
    const all = [...nodes.values()];
    for (let i = 0; i < all.length && !signal.aborted; i += 32)
      await Promise.all(all.slice(i, i + 32).map(register));
    for (const state of all) void heartbeats(state);
    pods.start();
    await pods.waitForSync(signal);
    void runController({
      name: 'hollow-pods',
      queue,
      sync: syncPod,
      workers: opts.workers ?? 16,
      signal,
      log,
    });
  })();

  const stop = () => {
    pods.stop();
    queue.shutDown();
  };
  signal.addEventListener('abort', stop, { once: true });
  const podsOn = (nodeName: string) => pods.list().filter((p) => p.spec?.nodeName === nodeName);
  return { ready, stop, podsOn };
}
