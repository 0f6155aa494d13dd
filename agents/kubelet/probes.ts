// Liveness, readiness and startup probes (upstream: pkg/kubelet/prober: prober_manager.go,
// worker.go, prober.go). One worker per running container and probe kind:
//
//   wait initialDelaySeconds, then every periodSeconds run the probe (timeoutSeconds each);
//   failureThreshold failures in a row flip the result to failure, successThreshold successes
//   flip it back. Until a startup probe has succeeded, liveness and readiness do not run.
//
//   readiness  result is the container's `ready` (no readiness probe: ready once running)
//   liveness   failure → the pod worker kills the container and restarts it per restartPolicy
//   startup    failure → as liveness
//
// The manager only records verdicts and wakes the pod worker; it never touches containers.

import { connect } from 'node:net';
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1';
import type { KubeletEvents } from './events';
import type { ContainerRuntime, RuntimeContainer } from './runtime/types';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';
export interface ProbeResult {
  ok: boolean;
  output: string;
  /** The runtime failed to run an exec probe at all (no exit code): maybe it is down. */
  runtimeError?: boolean;
}

const KIND_FIELD = {
  liveness: 'livenessProbe',
  readiness: 'readinessProbe',
  startup: 'startupProbe',
} as const;
const TITLE = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' } as const;

/** Run one probe once (prober.go runProbe). */
export async function runProbe(
  probe: Probe,
  container: Container,
  podIP: string | undefined,
  containerId: string,
  runtime: ContainerRuntime,
): Promise<ProbeResult> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  try {
    if (probe.exec) {
      let ran: { exitCode: number; output: string };
      try {
        ran = await runtime.execSync(containerId, [...(probe.exec.command ?? [])], timeoutMs);
      } catch (err) {
        return { ok: false, output: err instanceof Error ? err.message : String(err), runtimeError: true };
      }
      const { exitCode, output } = ran;
      return {
        ok: exitCode === 0,
        output: exitCode === 0 ? output : `command exited with ${exitCode}: ${output.trim()}`,
      };
    }
    if (probe.httpGet) {
      const g = probe.httpGet;
      const host = g.host ?? podIP;
      const url = `${(g.scheme ?? 'HTTP').toLowerCase()}://${host}:${resolvePort(g.port, container)}${g.path ?? '/'}`;
      const headers = Object.fromEntries((g.httpHeaders ?? []).map((h) => [h.name, h.value]));
      const res = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer().catch(() => undefined);
      const ok = res.status >= 200 && res.status < 400;
      return { ok, output: ok ? '' : `HTTP probe failed with statuscode: ${res.status}` };
    }
    if (probe.tcpSocket) {
      await tcpConnect(
        probe.tcpSocket.host ?? podIP ?? '127.0.0.1',
        resolvePort(probe.tcpSocket.port, container),
        timeoutMs,
      );
      return { ok: true, output: '' };
    }
    return { ok: false, output: 'probe has no handler this kubelet supports (exec, httpGet, tcpSocket)' };
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    return { ok: false, output: cause ?? (err instanceof Error ? err.message : String(err)) };
  }
}

/** A port given by number or by the name of one of the container's ports. */
export function resolvePort(port: number | string, container: Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const found = container.ports?.find((p) => p.name === port);
  if (!found) throw new Error(`port "${port}" is not a named port of container ${container.name}`);
  return found.containerPort;
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port, timeout: timeoutMs });
    s.once('connect', () => {
      s.destroy();
      resolve();
    });
    s.once('timeout', () => {
      s.destroy();
      reject(new Error(`dial tcp ${host}:${port}: i/o timeout`));
    });
    s.once('error', reject);
  });
}

interface ContainerVerdicts {
  ready: boolean;
  started: boolean;
  livenessFailed: boolean;
}

export class ProbeManager {
  private readonly verdicts = new Map<string, ContainerVerdicts>();
  /** Worker stop functions by `containerId/kind`. */
  private readonly workers = new Map<string, () => void>();
  private readonly podOf = new Map<string, string>();

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly events: KubeletEvents,
    /** Wake the pod worker of this pod uid: a verdict changed. */
    private readonly onChange: (podUid: string) => void,
  ) {}

  /** Start workers for the pod's running containers; stop those whose container is gone. */
  syncPod(pod: Pod, containers: RuntimeContainer[], podIP: string | undefined): void {
    const uid = pod.metadata?.uid ?? '';
    const running = containers.filter((c) => c.state === 'running' && !c.isSandbox && !c.isInit);
    const live = new Set(running.map((c) => c.id));
    for (const [key, stop] of this.workers) {
      const id = key.slice(0, key.indexOf('/'));
      if (this.podOf.get(id) === uid && !live.has(id)) {
        stop();
        this.workers.delete(key);
        this.verdicts.delete(id);
        this.podOf.delete(id);
      }
    }
    for (const c of running) {
      const spec = pod.spec?.containers.find((s) => s.name === c.containerName);
      if (!spec || this.verdicts.has(c.id)) continue;
      this.podOf.set(c.id, uid);
      this.verdicts.set(c.id, {
        ready: !spec.readinessProbe,
        started: !spec.startupProbe,
        livenessFailed: false,
      });
      for (const kind of ['startup', 'liveness', 'readiness'] as const) {
        const probe = spec[KIND_FIELD[kind]];
        if (probe) this.workers.set(`${c.id}/${kind}`, this.startWorker(pod, spec, c.id, kind, probe, podIP));
      }
    }
  }

  isReady(c: RuntimeContainer): boolean {
    const v = this.verdicts.get(c.id);
    return c.state === 'running' && (v ? v.ready && v.started : true);
  }

  isStarted(c: RuntimeContainer): boolean {
    return this.verdicts.get(c.id)?.started ?? true;
  }

  livenessFailed(uid: string): Set<string> {
    const out = new Set<string>();
    for (const [id, v] of this.verdicts) if (v.livenessFailed && this.podOf.get(id) === uid) out.add(id);
    return out;
  }

  removePod(uid: string): void {
    for (const [key, stop] of this.workers) {
      const id = key.slice(0, key.indexOf('/'));
      if (this.podOf.get(id) !== uid) continue;
      stop();
      this.workers.delete(key);
      this.verdicts.delete(id);
      this.podOf.delete(id);
    }
  }

  private async runtimeAnswers(): Promise<boolean> {
    return this.runtime.ping(2000).then(
      () => true,
      () => false,
    );
  }

  stop(): void {
    for (const stop of this.workers.values()) stop();
    this.workers.clear();
  }

  private startWorker(
    pod: Pod,
    spec: Container,
    id: string,
    kind: ProbeKind,
    probe: Probe,
    podIP: string | undefined,
  ): () => void {
    const uid = pod.metadata?.uid ?? '';
    const failureThreshold = probe.failureThreshold ?? 3;
    const successThreshold = probe.successThreshold ?? 1;
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    let failures = 0;
    let successes = 0;
    const tick = async () => {
      const v = this.verdicts.get(id);
      if (stopped || !v) return;
      if (kind !== 'startup' && !v.started) return schedule((probe.periodSeconds ?? 10) * 1000);
      if (kind === 'startup' && v.started) return;
      const result = await runProbe(probe, spec, podIP, id, this.runtime);
      if (stopped) return;
      // Upstream throws away a probe the runtime could not run ("Prober error"): while Docker is
      // down, exec probes must not count as failures, or every container would be killed when
      // it comes back.
      if (result.runtimeError && !(await this.runtimeAnswers()))
        return schedule((probe.periodSeconds ?? 10) * 1000);
      if (result.ok) {
        failures = 0;
        successes++;
      } else {
        successes = 0;
        failures++;
        this.events.event(pod, 'Warning', 'Unhealthy', `${TITLE[kind]} probe failed: ${result.output}`);
      }
      if (this.apply(v, kind, failures >= failureThreshold, successes >= successThreshold))
        this.onChange(uid);
      if (kind !== 'readiness' && v.livenessFailed) return; // the container is about to be killed
      schedule((probe.periodSeconds ?? 10) * 1000);
    };
    const schedule = (ms: number) => {
      if (!stopped) timer = setTimeout(() => void tick(), ms);
    };
    schedule((probe.initialDelaySeconds ?? 0) * 1000);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }

  /** Update verdicts; true when something the pod worker cares about changed. */
  private apply(v: ContainerVerdicts, kind: ProbeKind, failed: boolean, succeeded: boolean): boolean {
    if (kind === 'readiness') {
      const ready = succeeded ? true : failed ? false : v.ready;
      const changed = ready !== v.ready;
      v.ready = ready;
      return changed;
    }
    if (kind === 'startup' && succeeded && !v.started) {
      v.started = true;
      return true;
    }
    if (failed && !v.livenessFailed) {
      v.livenessFailed = true;
      return true;
    }
    return false;
  }
}
