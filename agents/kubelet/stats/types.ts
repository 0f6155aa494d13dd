// What the kubelet measures for the resource metrics pipeline (issue 11): a cumulative CPU
// counter and memory gauges per running container and for the node, read in the background
// (sampler.ts) so that /stats/summary and /metrics/resource answer from memory. Three sources
// implement `UsageSource`: cgroup files (cgroup.ts), Docker's stats API as a fallback
// (docker-stats.ts) and, for hollow nodes, configured fake usage (hollow-node/fake-usage.ts).

/** One reading, taken at `timeMs`. CPU is cumulative; memory is a gauge (upstream's definitions). */
export interface UsageSample {
  timeMs: number;
  /** CPU time used since the container (or node) started, in ns: cgroup cpuacct.usage. */
  cpuUsageNanoSeconds: number;
  /** memory.usage_in_bytes (v1) / memory.current (v2): page cache included. */
  memoryUsageBytes: number;
  /** usage − inactive_file: what the kernel cannot drop easily, what the OOM killer and HPA see. */
  memoryWorkingSetBytes: number;
  /** Anonymous memory (rss). */
  memoryRssBytes: number;
}

export interface NodeSample extends UsageSample {
  /** MemTotal − working set (upstream: capacity − working set). */
  memoryAvailableBytes: number;
}

/** Which container a sample belongs to: enough to name it in the Summary and the metrics. */
export interface ContainerIdentity {
  id: string;
  name: string;
  podUid: string;
  podName: string;
  podNamespace: string;
  /** RFC 3339, when the runtime knows it. */
  startedAt?: string;
}

/** The two latest samples of a series; `usageNanoCores` is computed between them. */
export interface SamplePair<S extends UsageSample = UsageSample> {
  previous?: S;
  latest: S;
}

export interface ContainerStats extends SamplePair {
  container: ContainerIdentity;
}

/** Everything the stats endpoints serve, as of the last sampling round. */
export interface StatsSnapshot {
  nodeName: string;
  /** When the node booted (Summary node.startTime). */
  nodeStartTime?: string;
  node?: SamplePair<NodeSample>;
  containers: ContainerStats[];
  /** The last round failed for at least one container or the node (`scrape_error 1`). */
  scrapeError: boolean;
}

/** The container to measure: its identity, plus the host pid the cgroup reader needs. */
export interface MeasuredContainer extends ContainerIdentity {
  pid?: number;
}

export interface UsageSource {
  /** The node as a whole. */
  node(): Promise<NodeSample>;
  /** One running container; undefined when it is gone (it exited between listing and reading). */
  container(c: MeasuredContainer): Promise<UsageSample | undefined>;
  /** The container is gone: drop whatever was kept for it. */
  forget?(id: string): void;
}
