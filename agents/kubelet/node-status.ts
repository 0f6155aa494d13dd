// The kubelet's Node: registration, status and heartbeat (upstream: kubelet_node_status.go
// registerWithAPIServer / setNodeStatus, nodestatus/setters.go, nodelease/controller.go).
//
// Two heartbeats, as since Kubernetes 1.17: the Lease in kube-node-lease is renewed every 10 s
// (cheap; node-lifecycle watches it), and the Node's status — conditions, capacity, addresses —
// is written every --node-status-update-frequency.

import { readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import type { Lease } from 'kubernetes-types/coordination/v1';
import type { Node } from 'kubernetes-types/core/v1';
import { isAlreadyExists, isNotFound } from '../api/errors';
import type { Logger } from '../api/log';
import { R } from '../api/resources';
import type { ApiClient } from '../client/types';
import { DEFAULT_EVICTION_HARD, decideConditions, type NodeSignals, nodeConditions } from './node-conditions';
import {
  buildLease,
  buildNode,
  KUBELET_VERSION,
  LEASE_NAMESPACE,
  MAX_PODS,
  type NodeDescription,
  nodeStatus,
} from './node-object';

export interface NodeFacts {
  nodeName: string;
  nodeIP: string;
  hostname: string;
  podCIDR?: string;
  kubeletPort: number;
  cpuCores: number;
  memoryBytes: number;
  ephemeralBytes: number;
  kernelVersion: string;
  osImage: string;
  containerRuntimeVersion: string;
  machineID: string;
  bootID: string;
}

/** Facts from os and /proc (research-deps: systeminformation shells out; the agent reads directly). */
export function gatherFacts(
  base: Pick<NodeFacts, 'nodeName' | 'nodeIP' | 'podCIDR' | 'kubeletPort' | 'containerRuntimeVersion'>,
  rootDir: string,
): NodeFacts {
  const read = (p: string) => {
    try {
      return readFileSync(p, 'utf8').trim();
    } catch {
      return '';
    }
  };
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(read('/etc/os-release'))?.[1] ?? 'Linux';
  let ephemeralBytes = 0;
  try {
    const fs = statfsSync(rootDir);
    ephemeralBytes = fs.blocks * fs.bsize;
  } catch {
    // root dir not created yet: report 0 rather than guess
  }
  return {
    ...base,
    hostname: os.hostname(),
    cpuCores: os.cpus().length,
    memoryBytes: os.totalmem(),
    ephemeralBytes,
    kernelVersion: os.release(),
    osImage: pretty,
    machineID: read('/etc/machine-id'),
    bootID: read('/proc/sys/kernel/random/boot_id'),
  };
}

const ki = (bytes: number) => `${Math.floor(bytes / 1024)}Ki`;
const arch = () => (os.arch() === 'x64' ? 'amd64' : os.arch());

/** A real node's description, from its facts. */
export function describeNode(f: NodeFacts): NodeDescription {
  return {
    name: f.nodeName,
    podCIDR: f.podCIDR,
    capacity: {
      cpu: String(f.cpuCores),
      memory: ki(f.memoryBytes),
      pods: String(MAX_PODS),
      'ephemeral-storage': ki(f.ephemeralBytes),
    },
    addresses: [
      { type: 'InternalIP', address: f.nodeIP },
      { type: 'Hostname', address: f.nodeName },
    ],
    kubeletPort: f.kubeletPort,
    nodeInfo: {
      machineID: f.machineID,
      systemUUID: f.machineID,
      bootID: f.bootID,
      kernelVersion: f.kernelVersion,
      osImage: f.osImage,
      containerRuntimeVersion: f.containerRuntimeVersion,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: arch(),
    },
  };
}

export interface NodeStatusOptions {
  client: ApiClient;
  facts: () => NodeFacts;
  /** Runtime health and eviction signals, measured once per status period (node-signals.ts). */
  signals: () => Promise<NodeSignals>;
  statusEveryMs: number;
  leaseDurationSeconds: number;
  log: Logger;
}

/**
 * Registers the Node, then keeps its status and Lease fresh until stopped. The Lease says "this
 * kubelet is alive" and is renewed even while the runtime is down; the status says whether the
 * node can run pods (Ready) and is decided from fresh measurements on every write.
 */
export class NodeStatusReporter {
  private timers: NodeJS.Timeout[] = [];
  private nodeUid?: string;
  private lastReady?: string;

  constructor(private readonly o: NodeStatusOptions) {}

  async register(): Promise<void> {
    const facts = this.o.facts();
    const conditions = nodeConditions(decideConditions(await this.o.signals()), nowSeconds());
    try {
      const created = await this.o.client.create(
        R.nodes,
        buildNode(describeNode(facts), conditions) as never,
      );
      this.nodeUid = (created as Node).metadata?.uid;
      this.o.log.info('Successfully registered node', { node: facts.nodeName });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const existing = await this.o.client.get<Node & { [k: string]: unknown }>(
        R.nodes,
        undefined,
        facts.nodeName,
      );
      this.nodeUid = existing.metadata?.uid;
      if (facts.podCIDR && existing.spec?.podCIDR !== facts.podCIDR) {
        await this.o.client.patch(R.nodes, undefined, facts.nodeName, 'merge', {
          spec: { podCIDR: facts.podCIDR, podCIDRs: [facts.podCIDR] },
        });
      }
    }
    await this.updateStatus();
    await this.renewLease();
  }

  start(): void {
    const every = (ms: number, fn: () => Promise<void>, what: string) =>
      this.timers.push(
        setInterval(() => fn().catch((err) => this.o.log.warn(`${what} failed`, { err: String(err) })), ms),
      );
    every(this.o.statusEveryMs, () => this.updateStatus(), 'node status update');
    every(Math.max(1000, (this.o.leaseDurationSeconds * 1000) / 4), () => this.renewLease(), 'lease renewal');
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  async updateStatus(): Promise<void> {
    const facts = this.o.facts();
    const verdicts = decideConditions(await this.o.signals(), DEFAULT_EVICTION_HARD);
    const ready = verdicts.find((c) => c.type === 'Ready');
    if (ready && ready.status !== this.lastReady) {
      // Upstream records NodeReady / NodeNotReady events; the log line is ours.
      this.o.log.info('Node ready condition changed', { status: ready.status, message: ready.message });
      this.lastReady = ready.status;
    }
    const old = await this.o.client
      .get<Node & { [k: string]: unknown }>(R.nodes, undefined, facts.nodeName)
      .catch(() => undefined);
    const conditions = nodeConditions(verdicts, nowSeconds(), old?.status?.conditions);
    await this.o.client.patch(
      R.nodes,
      undefined,
      facts.nodeName,
      'merge',
      { status: nodeStatus(describeNode(facts), conditions) },
      { subresource: 'status' },
    );
  }

  async renewLease(): Promise<void> {
    const { nodeName } = this.o.facts();
    const lease = buildLease(nodeName, this.o.leaseDurationSeconds, new Date(), this.nodeUid);
    try {
      const old = await this.o.client.get<Lease & { [k: string]: unknown }>(
        R.leases,
        LEASE_NAMESPACE,
        nodeName,
      );
      await this.o.client.update(R.leases, { ...old, spec: lease.spec } as never);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await this.o.client
        .create(R.leases, lease as never, { namespace: LEASE_NAMESPACE })
        .catch(async (e) => {
          if (!isNotFound(e)) throw e;
          // kube-node-lease does not exist yet: create it (upstream's apiserver does at start-up).
          await this.o.client
            .create(R.namespaces, {
              apiVersion: 'v1',
              kind: 'Namespace',
              metadata: { name: LEASE_NAMESPACE },
            })
            .catch(() => undefined);
          await this.o.client.create(R.leases, lease as never, { namespace: LEASE_NAMESPACE });
        });
    }
  }
}

function nowSeconds(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}
