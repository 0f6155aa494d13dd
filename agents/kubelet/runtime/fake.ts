// An in-memory ContainerRuntime for unit tests of pod workers, sync and kill (STYLE 11: fakes
// implement the same interface; upstream: kubelet/container/testing FakeRuntime). It keeps
// containers as data, records every mutating call, and can be scripted:
//
//   rt.script('app', { exitAfterMs: 50, exitCode: 3 })   container `app` exits with 3 after 50 ms
//   rt.script('app', { startFails: 'no such file' })      its start fails (Docker leaves it created)
//   rt.images.delete('nginx')                              image missing; pulls of `rt.unpullable` fail
//   rt.down = 'refuse' | 'hang'                            the runtime stops answering
//
// Events (start/die) go to watchEvents listeners as Docker's would.

import { PassThrough, type Readable } from 'node:stream';
import { LABELS } from '../naming';
import type {
  ContainerRuntime,
  ContainerSpec,
  LogOptions,
  RuntimeContainer,
  SandboxSpec,
  StreamSession,
} from './types';

export interface ContainerScript {
  /** The container exits on its own this long after it starts. */
  exitAfterMs?: number;
  exitCode?: number;
  /** startContainer rejects with this message. */
  startFails?: string;
}

export class FakeRuntime implements ContainerRuntime {
  /** Mutating calls in order, as `verb name [detail]` with container names, e.g. `stop k8s_app_… 30`. */
  readonly calls: string[] = [];
  readonly containers = new Map<string, RuntimeContainer>();
  readonly images = new Set<string>(['nodekube/pause:1.0']);
  /** Images whose pull fails (no registry has them). */
  readonly unpullable = new Set<string>();
  /** 'refuse': every call rejects (socket gone); 'hang': every call waits until `down` clears. */
  down: false | 'refuse' | 'hang' = false;
  private readonly scripts = new Map<string, ContainerScript>();
  private readonly listeners = new Set<(uid: string) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly hung: Array<() => void> = [];
  private nextId = 1;
  private nextIP = 2;

  constructor(private readonly now: () => Date = () => new Date()) {}

  script(containerName: string, s: ContainerScript): void {
    this.scripts.set(containerName, s);
  }

  /** Answer again: hanging calls proceed. */
  recover(): void {
    this.down = false;
    for (const wake of this.hung.splice(0)) wake();
  }

  /** Clear pending exit timers (end of a test). */
  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.listeners.clear();
  }

  /** A container that is already there (adopted after a restart, or an orphan). */
  seed(c: Partial<RuntimeContainer> & Pick<RuntimeContainer, 'podUid' | 'containerName'>): RuntimeContainer {
    const id = `fake-${this.nextId++}`;
    const full: RuntimeContainer = {
      id,
      name: `k8s_${c.containerName}_${c.podName ?? 'p'}_${c.podNamespace ?? 'default'}_${c.podUid}_0`,
      podName: 'p',
      podNamespace: 'default',
      isSandbox: c.containerName === 'POD',
      isInit: false,
      attempt: 0,
      hash: '',
      image: 'busybox',
      imageId: 'sha256:busybox',
      state: 'running',
      createdAt: this.stamp(),
      startedAt: this.stamp(),
      ...c,
    };
    this.containers.set(id, full);
    return full;
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  private async answer(): Promise<void> {
    if (this.down === 'refuse') throw new Error('connect ENOENT /var/run/docker.sock');
    if (this.down === 'hang') await new Promise<void>((resolve) => this.hung.push(resolve));
  }

  private get(id: string): RuntimeContainer {
    const c = this.containers.get(id);
    if (!c) throw Object.assign(new Error(`No such container: ${id}`), { statusCode: 404 });
    return c;
  }

  private emit(c: RuntimeContainer): void {
    for (const l of this.listeners) l(c.podUid);
  }

  async version(): Promise<string> {
    await this.answer();
    return 'fake://1.0';
  }

  async ping(timeoutMs: number): Promise<void> {
    if (this.down === 'hang') throw new Error(`no answer from the runtime in ${timeoutMs}ms`);
    await this.answer();
  }

  async imagePresent(image: string): Promise<boolean> {
    await this.answer();
    return this.images.has(image);
  }

  async pullImage(image: string): Promise<void> {
    await this.answer();
    this.calls.push(`pull ${image}`);
    if (this.unpullable.has(image)) throw new Error(`pull access denied for ${image}`);
    this.images.add(image);
  }

  async listContainers(podUid?: string): Promise<RuntimeContainer[]> {
    await this.answer();
    return [...this.containers.values()].filter((c) => !podUid || c.podUid === podUid).map((c) => ({ ...c }));
  }

  private create(name: string, labels: Record<string, string>, image: string): RuntimeContainer {
    if (!this.images.has(image)) throw new Error(`No such image: ${image}`);
    return this.seed({
      name,
      podUid: labels[LABELS.podUid] ?? '',
      podName: labels[LABELS.podName] ?? '',
      podNamespace: labels[LABELS.podNamespace] ?? '',
      containerName: labels[LABELS.containerName] ?? '',
      isInit: labels[LABELS.role] === 'init',
      attempt: Number(labels[LABELS.attempt] ?? 0),
      hash: labels[LABELS.hash] ?? '',
      gracePeriod: labels[LABELS.gracePeriod] ? Number(labels[LABELS.gracePeriod]) : undefined,
      image,
      state: 'created',
      startedAt: undefined,
    });
  }

  async runSandbox(spec: SandboxSpec): Promise<string> {
    await this.answer();
    this.calls.push(`runSandbox ${spec.name}`);
    const c = this.create(spec.name, spec.labels, spec.image);
    Object.assign(c, { state: 'running', startedAt: this.stamp(), ip: `10.244.0.${this.nextIP++}` });
    this.emit(c);
    return c.id;
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    await this.answer();
    this.calls.push(`create ${spec.name}`);
    return this.create(spec.name, spec.labels, spec.image).id;
  }

  async startContainer(id: string): Promise<void> {
    await this.answer();
    const c = this.get(id);
    this.calls.push(`start ${c.name}`);
    const s = this.scripts.get(c.containerName) ?? {};
    if (s.startFails) throw new Error(s.startFails);
    Object.assign(c, { state: 'running', startedAt: this.stamp() });
    this.emit(c);
    if (s.exitAfterMs !== undefined) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (c.state === 'running') this.exit(c, s.exitCode ?? 0);
      }, s.exitAfterMs);
      this.timers.add(t);
    }
  }

  private exit(c: RuntimeContainer, code: number): void {
    Object.assign(c, {
      state: 'exited',
      exitCode: code,
      finishedAt: this.stamp(),
      reason: code === 0 ? 'Completed' : 'Error',
    });
    this.emit(c);
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    await this.answer();
    const c = this.containers.get(id);
    if (!c) return;
    this.calls.push(`stop ${c.name} ${graceSeconds}`);
    if (c.state === 'running') this.exit(c, 137);
  }

  async removeContainer(id: string): Promise<void> {
    await this.answer();
    const c = this.containers.get(id);
    if (!c) return;
    this.calls.push(`remove ${c.name}`);
    this.containers.delete(id);
  }

  async logs(id: string, _opts: LogOptions): Promise<Readable> {
    await this.answer();
    this.get(id);
    const out = new PassThrough();
    out.end();
    return out;
  }

  async exec(): Promise<StreamSession> {
    await this.answer();
    throw new Error('the fake runtime does not stream');
  }

  async attach(): Promise<StreamSession> {
    await this.answer();
    throw new Error('the fake runtime does not stream');
  }

  async execSync(id: string): Promise<{ exitCode: number; output: string }> {
    await this.answer();
    return { exitCode: this.get(id).state === 'running' ? 0 : 1, output: '' };
  }

  watchEvents(onPodEvent: (podUid: string) => void): () => void {
    this.listeners.add(onPodEvent);
    return () => this.listeners.delete(onPodEvent);
  }
}
