// The container runtime over a Docker engine (dockerode), the way dockershim drove Docker.
//
// Pods are a pause container owning the network and IPC namespaces, with app containers joining
// it (`container:<sandbox>`). Every container carries labels (naming.ts LABELS) so a restarted
// kubelet can rebuild its picture of the node from Docker alone.

import { type Duplex, Readable } from 'node:stream';
import Docker from 'dockerode';
import { LABELS } from '../naming';
import { mergeDockerStream } from './demux';
import { DockerAttacher } from './docker-attach';
import { execExitCode, readEvents, streamSession } from './docker-streams';
import type {
  ContainerRuntime,
  ContainerSpec,
  LogOptions,
  RuntimeContainer,
  SandboxSpec,
  StreamOptions,
  StreamSession,
} from './types';

/** `unix:///var/run/docker.sock` or `tcp://host:2375` → dockerode options. */
export function dockerFromEndpoint(endpoint: string): Docker {
  if (endpoint.startsWith('unix://')) return new Docker({ socketPath: endpoint.slice('unix://'.length) });
  const url = new URL(endpoint.replace(/^tcp:/, 'http:'));
  return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http' });
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

export class DockerRuntime implements ContainerRuntime {
  /** Inspect results by id, with the summary state they were taken in. */
  private readonly inspected = new Map<string, { summaryState: string; container: RuntimeContainer }>();
  private readonly attacher = new DockerAttacher();

  constructor(
    readonly docker: Docker,
    /** This kubelet's node name: the `io.nodekube.node` label it sets and filters by. */
    private readonly nodeName: string,
  ) {}

  async version(): Promise<string> {
    const v = await this.docker.version();
    return `docker://${v.Version}`;
  }

  async ping(timeoutMs: number): Promise<void> {
    // dockerode's types omit ping's options; its code passes abortSignal to the request.
    const ping = this.docker.ping.bind(this.docker) as unknown as (o: object) => Promise<unknown>;
    await ping({ abortSignal: AbortSignal.timeout(timeoutMs) }).catch((err: Error) => {
      const hung = err.name === 'TimeoutError' || err.name === 'AbortError';
      throw new Error(hung ? `no answer from the runtime in ${timeoutMs}ms` : err.message);
    });
  }

  /** Where Docker keeps images and layers (the imagefs eviction signal), if it answers. */
  async rootDir(): Promise<string | undefined> {
    const info = await this.docker.info();
    return info.DockerRootDir || undefined;
  }

  async imagePresent(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return false;
      throw err;
    }
  }

  async pullImage(image: string): Promise<void> {
    const stream = await this.docker.pull(image);
    await new Promise<void>((resolve, reject) =>
      this.docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
        const failed = out?.find((o) => o.error);
        if (err || failed) reject(err ?? new Error(failed?.error));
        else resolve();
      }),
    );
  }

  async listContainers(podUid?: string): Promise<RuntimeContainer[]> {
    const label = [`${LABELS.node}=${this.nodeName}`];
    if (podUid) label.push(`${LABELS.podUid}=${podUid}`);
    const list = await this.docker.listContainers({ all: true, filters: { label } });
    if (!podUid) {
      const live = new Set(list.map((c) => c.Id));
      for (const id of this.inspected.keys()) if (!live.has(id)) this.inspected.delete(id);
    }
    const out = await Promise.all(list.map((c) => this.inspect(c.Id, c.State).catch(() => undefined)));
    return out.filter((c): c is RuntimeContainer => c !== undefined);
  }

  /** Inspect again only when Docker's summary state moved on (a container never restarts in place). */
  private async inspect(id: string, summaryState: string): Promise<RuntimeContainer> {
    const cached = this.inspected.get(id);
    if (cached && cached.summaryState === summaryState) return cached.container;
    const container = toRuntimeContainer(await this.docker.getContainer(id).inspect());
    this.inspected.set(id, { summaryState, container });
    return container;
  }

  async runSandbox(spec: SandboxSpec): Promise<string> {
    const exposed: Record<string, object> = {};
    const bindings: Record<string, Array<{ HostPort: string; HostIp?: string }>> = {};
    for (const p of spec.portBindings) {
      const key = `${p.containerPort}/${p.protocol.toLowerCase()}`;
      exposed[key] = {};
      bindings[key] = [
        ...(bindings[key] ?? []),
        { HostPort: String(p.hostPort), HostIp: p.hostIP || undefined },
      ];
    }
    const container = await this.docker.createContainer({
      name: spec.name,
      Image: spec.image,
      Hostname: spec.hostNetwork ? undefined : spec.hostname,
      Labels: { ...spec.labels, [LABELS.node]: this.nodeName },
      ExposedPorts: exposed,
      HostConfig: {
        NetworkMode: spec.hostNetwork ? 'host' : undefined,
        PortBindings: spec.hostNetwork ? undefined : bindings,
        Binds: spec.binds,
        IpcMode: 'shareable',
      },
    });
    await container.start();
    return container.id;
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const joined = `container:${spec.sandboxId}`;
    const c = await this.docker.createContainer({
      name: spec.name,
      Image: spec.image,
      Entrypoint: spec.entrypoint,
      Cmd: spec.cmd,
      Env: spec.env,
      WorkingDir: spec.workingDir,
      User: spec.user,
      Tty: spec.tty,
      OpenStdin: spec.stdin,
      StdinOnce: spec.stdinOnce,
      AttachStdin: spec.stdin,
      Labels: { ...spec.labels, [LABELS.node]: this.nodeName },
      HostConfig: {
        Binds: spec.binds,
        NetworkMode: spec.hostNetwork ? 'host' : joined,
        IpcMode: joined,
        CpuQuota: spec.cpuQuota,
        CpuPeriod: spec.cpuPeriod,
        CpuShares: spec.cpuShares,
        Memory: spec.memory,
      },
    });
    // `kubectl run -i`: hold its output from the first byte for the attach to come (docker-attach.ts).
    if (spec.stdin && spec.stdinOnce) await this.attacher.attachBeforeStart(c, spec.tty);
    return c.id;
  }

  async startContainer(id: string): Promise<void> {
    await this.docker.getContainer(id).start();
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: Math.max(0, Math.round(graceSeconds)) });
    } catch (err) {
      // 304: already stopped; 404: already gone. Both mean "stopped".
      const code = (err as { statusCode?: number }).statusCode;
      if (code !== 304 && code !== 404) throw err;
    }
  }

  async removeContainer(id: string): Promise<void> {
    this.attacher.drop(id);
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
    this.inspected.delete(id);
  }

  async logs(id: string, opts: LogOptions): Promise<Readable> {
    const c = this.docker.getContainer(id);
    const info = await c.inspect();
    const tail = opts.tailLines ?? 'all';
    const base = {
      stdout: true,
      stderr: true,
      timestamps: opts.timestamps,
      tail: tail as number,
      since: opts.since ?? 0,
    };
    // dockerode returns a stream when following and a Buffer otherwise (research-deps.md).
    const raw: unknown = opts.follow
      ? await c.logs({ ...base, follow: true })
      : await c.logs({ ...base, follow: false });
    const source = Buffer.isBuffer(raw) ? Readable.from([raw]) : (raw as Readable);
    return info.Config.Tty ? source : mergeDockerStream(source);
  }

  async exec(id: string, cmd: string[], opts: StreamOptions): Promise<StreamSession> {
    const exec = await this.docker.getContainer(id).exec({
      Cmd: cmd,
      AttachStdin: opts.stdin,
      AttachStdout: opts.stdout,
      AttachStderr: opts.stderr,
      Tty: opts.tty,
    });
    const socket = (await exec.start({
      hijack: true,
      stdin: opts.stdin,
      Tty: opts.tty,
    })) as unknown as Duplex;
    return streamSession(socket, opts, {
      resize: (w, h) => exec.resize({ w, h }).then(() => undefined),
      exitCode: () => execExitCode(exec),
    });
  }

  attach(id: string, opts: StreamOptions): Promise<StreamSession> {
    return this.attacher.attach(this.docker.getContainer(id), opts);
  }

  async execSync(
    id: string,
    cmd: string[],
    timeoutMs: number,
  ): Promise<{ exitCode: number; output: string }> {
    const session = await this.exec(id, cmd, { stdin: false, stdout: true, stderr: true, tty: false });
    const chunks: Buffer[] = [];
    session.stdout.on('data', (d: Buffer) => chunks.push(d));
    session.stderr?.on('data', (d: Buffer) => chunks.push(d));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        session.close();
        reject(new Error(`command timed out after ${timeoutMs}ms`));
      }, timeoutMs);
    });
    try {
      const exitCode = await Promise.race([session.exitCode(), timedOut]);
      return { exitCode, output: Buffer.concat(chunks).toString() };
    } finally {
      clearTimeout(timer);
    }
  }

  watchEvents(onPodEvent: (podUid: string) => void): () => void {
    let stopped = false;
    let stream: Readable | undefined;
    const connect = async () => {
      while (!stopped) {
        try {
          stream = (await this.docker.getEvents({
            filters: {
              type: ['container'],
              label: [`${LABELS.node}=${this.nodeName}`],
              event: ['start', 'die', 'oom'],
            },
          })) as unknown as Readable;
          await readEvents(stream, (uid, id) => {
            // Docker logs `die` before its container list shows the exit, so a list now still
            // says "running": forget the inspect result, so the next list inspects afresh (the
            // inspect shows the exit). Without this the exit waited for the next relist.
            this.inspected.delete(id);
            onPodEvent(uid);
          });
        } catch {
          // Docker restarted or the stream broke: reconnect after a pause (the periodic resync covers the gap).
        }
        if (!stopped) await new Promise((r) => setTimeout(r, 1000));
      }
    };
    void connect();
    return () => {
      stopped = true;
      stream?.destroy();
    };
  }
}

function toRuntimeContainer(info: Docker.ContainerInspectInfo): RuntimeContainer {
  const labels = info.Config.Labels ?? {};
  const s = info.State;
  const state = s.Running
    ? 'running'
    : s.Status === 'created'
      ? 'created'
      : s.Status === 'exited' || s.Status === 'dead'
        ? 'exited'
        : 'unknown';
  const time = (t: string | undefined) => (t && t !== ZERO_TIME ? t : undefined);
  const exited = state === 'exited';
  const networks = Object.values(info.NetworkSettings?.Networks ?? {});
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    podUid: labels[LABELS.podUid] ?? '',
    podName: labels[LABELS.podName] ?? '',
    podNamespace: labels[LABELS.podNamespace] ?? '',
    containerName: labels[LABELS.containerName] ?? '',
    isSandbox: labels[LABELS.type] === 'podsandbox',
    isInit: labels[LABELS.role] === 'init',
    attempt: Number(labels[LABELS.attempt] ?? 0),
    hash: labels[LABELS.hash] ?? '',
    image: info.Config.Image,
    imageId: info.Image,
    state,
    createdAt: info.Created,
    startedAt: time(s.StartedAt),
    finishedAt: exited ? time(s.FinishedAt) : undefined,
    exitCode: exited ? s.ExitCode : undefined,
    reason: exited ? (s.OOMKilled ? 'OOMKilled' : s.ExitCode === 0 ? 'Completed' : 'Error') : undefined,
    message: exited && s.Error ? s.Error : undefined,
    gracePeriod: labels[LABELS.gracePeriod] !== undefined ? Number(labels[LABELS.gracePeriod]) : undefined,
    ip: networks.map((n) => n.IPAddress).find((ip) => ip) || undefined,
    pid: s.Running && s.Pid ? s.Pid : undefined,
  };
}
