// Crash-loop back-off (upstream: client-go util/flowcontrol/backoff.go, used by kuberuntime
// doBackOff). Each container restart doubles the wait: 10s, 20s, 40s … capped at 300s. While a
// container waits, its status says CrashLoopBackOff with "back-off 20s restarting failed …".
// An entry expires once the container has stayed up for twice the cap, and counting starts over.

export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;

interface Entry {
  delayMs: number;
  /** When the container last finished (the event the delay is measured from). */
  lastUpdateMs: number;
}

export class RestartBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly initialMs = INITIAL_BACKOFF_MS,
    private readonly maxMs = MAX_BACKOFF_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Key for one container of one pod; includes the spec hash so an edited spec starts afresh. */
  static key(podUid: string, containerName: string, hash: string): string {
    return `${podUid}/${containerName}/${hash}`;
  }

  /**
   * Whether a restart now would come too soon after a finish at `finishedAtMs` (default: the
   * last recorded one). Returns the
   * current delay (for the message) and how long until the restart is allowed.
   */
  check(key: string, finishedAtMs?: number): { inBackoff: boolean; delayMs: number; remainingMs: number } {
    const e = this.entries.get(key);
    if (!e || this.expired(e)) return { inBackoff: false, delayMs: 0, remainingMs: 0 };
    const remainingMs = (finishedAtMs ?? e.lastUpdateMs) + e.delayMs - this.now();
    return { inBackoff: remainingMs > 0, delayMs: e.delayMs, remainingMs: Math.max(0, remainingMs) };
  }

  /** Record a restart: the next one has to wait twice as long (first time: the initial delay). */
  next(key: string, finishedAtMs: number): void {
    const e = this.entries.get(key);
    const delayMs = !e || this.expired(e) ? this.initialMs : Math.min(e.delayMs * 2, this.maxMs);
    this.entries.set(key, { delayMs, lastUpdateMs: Math.max(finishedAtMs, 0) || this.now() });
  }

  /** Forget every key of a pod (the pod is gone). */
  forgetPod(podUid: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(`${podUid}/`)) this.entries.delete(k);
  }

  private expired(e: Entry): boolean {
    return this.now() - e.lastUpdateMs > 2 * this.maxMs;
  }
}

/** Upstream's message, e.g. "back-off 20s restarting failed container=app pod=web_default(uid)". */
export function backoffMessage(
  delayMs: number,
  container: string,
  pod: string,
  namespace: string,
  uid: string,
): string {
  return `back-off ${formatSeconds(delayMs)} restarting failed container=${container} pod=${pod}_${namespace}(${uid})`;
}

/** Go's duration text for whole seconds: 10s, 40s, 1m20s, 5m0s. */
function formatSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}
