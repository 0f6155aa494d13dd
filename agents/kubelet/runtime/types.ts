// The container runtime as the kubelet sees it: a handful of verbs, like virtual-kubelet's
// PodLifecycleHandler or a much smaller CRI. `docker.ts` implements it over dockerode; a hollow
// runtime for scale tests would implement the same interface. Everything above this line
// (pod workers, probes, status, the server) speaks only these types.

import type { Readable, Writable } from 'node:stream';

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

/** One container the runtime knows about, with the labels that tie it back to its pod. */
export interface RuntimeContainer {
  id: string;
  /** Docker name without the leading '/': k8s_<container>_<pod>_<ns>_<uid>_<attempt>. */
  name: string;
  podUid: string;
  podName: string;
  podNamespace: string;
  /** 'POD' for the sandbox. */
  containerName: string;
  isSandbox: boolean;
  isInit: boolean;
  attempt: number;
  /** Hash of the container spec it was created from: a changed spec means kill and recreate. */
  hash: string;
  image: string;
  imageId: string;
  state: ContainerState;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  /** Completed, Error or OOMKilled once exited. */
  reason?: string;
  message?: string;
  /** The pod's terminationGracePeriodSeconds when the container was made (for orphans). */
  gracePeriod?: number;
  /** The sandbox's IP on its Docker network (undefined for app containers and host-network pods). */
  ip?: string;
  /** The host pid of the container's init process while it runs (the sandbox's, for hairpin). */
  pid?: number;
}

export interface PortBinding {
  containerPort: number;
  hostPort: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  hostIP?: string;
}

export interface SandboxSpec {
  name: string;
  labels: Record<string, string>;
  image: string;
  hostname: string;
  hostNetwork: boolean;
  portBindings: PortBinding[];
  /** `hostPath:containerPath[:ro]` (the pod's /etc/resolv.conf). */
  binds?: string[];
}

export interface ContainerSpec {
  name: string;
  labels: Record<string, string>;
  image: string;
  /** Overrides the image's ENTRYPOINT (pod `command`). */
  entrypoint?: string[];
  /** Overrides the image's CMD (pod `args`). */
  cmd?: string[];
  env: string[];
  workingDir?: string;
  /** `hostPath:containerPath[:ro]`. */
  binds: string[];
  sandboxId: string;
  hostNetwork: boolean;
  tty: boolean;
  stdin: boolean;
  stdinOnce: boolean;
  /** Docker's units: CpuQuota/CpuPeriod in µs, CpuShares relative, Memory in bytes. */
  cpuQuota?: number;
  cpuPeriod?: number;
  cpuShares?: number;
  memory?: number;
  user?: string;
}

export interface LogOptions {
  follow: boolean;
  timestamps: boolean;
  tailLines?: number;
  /** Unix seconds. */
  since?: number;
}

/** An attached process: exec or attach. Output streams end when the process does. */
export interface StreamSession {
  stdin: Writable | null;
  stdout: Readable;
  /** Null with a TTY: stderr is merged into stdout. */
  stderr: Readable | null;
  resize(width: number, height: number): Promise<void>;
  /** Resolves with the exit code once the output has ended. */
  exitCode(): Promise<number>;
  /** Tear the connection down (the client went away). */
  close(): void;
}

export interface StreamOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface ContainerRuntime {
  /** `docker://20.10.24`, for Node status nodeInfo.containerRuntimeVersion. */
  version(): Promise<string>;
  /**
   * Resolves when the runtime answers within `timeoutMs` (upstream: CRI Status, the runtime
   * half of the Ready condition). A runtime that hangs counts as down, like one that refuses.
   */
  ping(timeoutMs: number): Promise<void>;
  imagePresent(image: string): Promise<boolean>;
  pullImage(image: string): Promise<void>;
  /** Every container this kubelet created (by its node label), or only one pod's, inspected. */
  listContainers(podUid?: string): Promise<RuntimeContainer[]>;
  /** Create and start the pause container; returns its id. */
  runSandbox(spec: SandboxSpec): Promise<string>;
  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceSeconds`. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  logs(id: string, opts: LogOptions): Promise<Readable>;
  exec(id: string, cmd: string[], opts: StreamOptions): Promise<StreamSession>;
  attach(id: string, opts: StreamOptions): Promise<StreamSession>;
  /** Run a command to completion (probes, hooks): exit code and combined output, bounded in time. */
  execSync(id: string, cmd: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }>;
  /** Container lifecycle events (start/die/oom) for this node's containers, by pod uid. */
  watchEvents(onPodEvent: (podUid: string) => void): () => void;
}
