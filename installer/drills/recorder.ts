// Watches nodes and the workload's pods through the shared informer (agents/client) and records
// a sample at every change: the raw material of the timeline and the picture. The informer
// relists and resumes on its own when the apiserver restarts, which the control-plane drills use.

import { R } from '../../agents/api/resources';
import { type ApiClient, createInformer, type Logger } from '../../agents/client';
import { census, nodeSample } from './census';
import type { KNode as Node, KPod as Pod, Recording } from './types';
import { APP, NAMESPACE } from './workload';

const quiet: Logger = { info() {}, error() {} };

export interface Recorder {
  recording: Recording;
  nodes(): Node[];
  pods(): Pod[];
  /** Resolves once both informers have listed. */
  synced(): Promise<void>;
  /** When the node watch last delivered anything (heartbeats included): proof that it resumed. */
  lastNodeEventAt(): number;
  stop(): void;
}

export function startRecorder(client: ApiClient, now: () => number = Date.now): Recorder {
  const recording: Recording = { nodes: [], pods: [], probes: [] };
  const nodes = createInformer<Node>(client, R.nodes, { log: quiet });
  const pods = createInformer<Pod>(client, R.pods, {
    namespace: NAMESPACE,
    labelSelector: `app=${APP}`,
    log: quiet,
  });
  const gone = new Map<string, string>();
  let lastNodeEvent = 0;
  const onNode = (n: Node) => {
    lastNodeEvent = now();
    const s = nodeSample(now(), n);
    const last = recording.nodes.findLast((x) => x.node === s.node);
    if (!last || last.state !== s.state || last.tainted !== s.tainted) recording.nodes.push(s);
  };
  const onPods = () => recording.pods.push(census(now(), pods.list(NAMESPACE), gone));
  const markGone = (p: Pod) => {
    const uid = p.metadata?.uid;
    if (uid && p.spec?.nodeName && !gone.has(uid)) gone.set(uid, p.spec.nodeName);
  };
  nodes.addEventHandler({ add: onNode, update: (_o, n) => onNode(n) });
  pods.addEventHandler({
    add: (p) => {
      if (p.metadata?.deletionTimestamp) markGone(p);
      onPods();
    },
    update: (_o, p) => {
      if (p.metadata?.deletionTimestamp) markGone(p);
      onPods();
    },
    delete: (p) => {
      markGone(p);
      onPods();
    },
  });
  nodes.start();
  pods.start();
  return {
    recording,
    nodes: () => nodes.list(),
    pods: () => pods.list(NAMESPACE),
    synced: async () => {
      await nodes.waitForSync();
      await pods.waitForSync();
    },
    lastNodeEventAt: () => lastNodeEvent,
    stop: () => {
      nodes.stop();
      pods.stop();
    },
  };
}
