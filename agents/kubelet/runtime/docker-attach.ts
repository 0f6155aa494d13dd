// attach over Docker without losing output or hanging (upstream: CRI Attach; `kubectl run -i`).
//
// Why Docker's plain attach is not enough: its reply (101) goes out before the container's output
// pipes are connected, and pipes connected after the container stopped are never closed. Seen
// with `kubectl run -i --rm -- echo hi`: the container ran 100 ms and had stopped 30 ms before the
// attach arrived; the attach then waited forever, the output was lost and kubectl hung.
//
// So, in the order `docker run`/`docker start -a` use:
//   1. A container made for one attach session (stdin + stdinOnce: `kubectl run -i/-it`) is
//      attached to *before it starts*; its output is held (up to HOLD_LIMIT) until the first
//      attach claims it, which then sees everything since start, live, with stdin.
//   2. A container that has stopped: what it wrote (its log) and its exit code.
//   3. A running one: Docker's attach (output from now on, as upstream), ended when the
//      container stops even if Docker's stream would not (the race above).

import { type Duplex, PassThrough, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import { demuxDockerStream } from './demux';
import type { StreamOptions, StreamSession } from './types';

/** Output held for an unclaimed early attach; past this we drop it and serve the log instead. */
export const HOLD_LIMIT = 1 << 20;
/** After the container stopped, how long Docker's attach stream may take to end by itself. */
const DRAIN_AFTER_EXIT_MS = 1000;

interface Held {
  socket: Duplex;
  chunks: Buffer[];
  bytes: number;
  ended: boolean;
  tty: boolean;
}

export class DockerAttacher {
  private readonly held = new Map<string, Held>();

  /** Attach before start (step 1). Call between create and start. */
  async attachBeforeStart(c: Docker.Container, tty: boolean): Promise<void> {
    const socket = (await c.attach({
      stream: true,
      hijack: true,
      stdin: true,
      stdout: true,
      stderr: true,
    })) as unknown as Duplex;
    const h: Held = { socket, chunks: [], bytes: 0, ended: false, tty };
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      h.chunks.push(d);
      h.bytes += d.length;
      if (h.bytes > HOLD_LIMIT) this.drop(c.id); // nobody attached: the log has it all
    });
    const ended = () => {
      h.ended = true;
    };
    socket.once('end', ended);
    socket.once('close', ended);
    this.held.set(c.id, h);
  }

  /** Forget an unclaimed early attach (the container is being removed). */
  drop(id: string): void {
    const h = this.held.get(id);
    if (!h) return;
    this.held.delete(id);
    h.socket.removeAllListeners('data');
    h.socket.destroy();
  }

  async attach(c: Docker.Container, opts: StreamOptions): Promise<StreamSession> {
    const exitCode = async () => (await c.wait()).StatusCode as number;
    const resize = (w: number, h: number) => c.resize({ w, h }).then(() => undefined);
    const early = this.held.get(c.id);
    if (early) {
      this.held.delete(c.id);
      return outputSession(claim(early), opts.stdin ? early.socket : null, early.tty, {
        resize,
        exitCode,
        close: () => early.socket.destroy(),
      });
    }
    const info = await c.inspect();
    const tty = info.Config.Tty;
    if (!info.State.Running) return stoppedSession(c, tty, info.State.ExitCode ?? 0);
    const attachedAt = Date.now();
    const socket = (await c.attach({
      stream: true,
      hijack: true,
      stdin: opts.stdin,
      stdout: opts.stdout,
      stderr: opts.stderr,
    })) as unknown as Duplex;
    void endAfterExit(c, socket, attachedAt);
    return outputSession(socket, opts.stdin ? socket : null, tty, {
      resize,
      exitCode,
      close: () => socket.destroy(),
    });
  }
}

/** The held output first, then whatever the live connection still brings. */
function claim(h: Held): Readable {
  const out = new PassThrough();
  h.socket.removeAllListeners('data');
  for (const chunk of h.chunks) out.write(chunk);
  h.chunks = [];
  if (h.ended) out.end();
  else {
    h.socket.pipe(out);
    h.socket.once('close', () => {
      if (!out.writableEnded) out.end();
    });
  }
  return out;
}

/** Step 3's guard: once the container stopped, end a stream Docker would leave open forever. */
async function endAfterExit(c: Docker.Container, socket: Duplex, attachedAt: number): Promise<void> {
  const ended = new Promise<void>((resolve) => socket.once('close', resolve));
  const stopped = c.wait().catch(() => undefined);
  if ((await Promise.race([ended.then(() => 'ended'), stopped.then(() => 'stopped')])) === 'ended') return;
  const finished = Date.parse((await c.inspect().catch(() => undefined))?.State.FinishedAt ?? '');
  // Stopped before we attached: Docker's pipes came too late and nothing will come. Else give
  // the output still in flight a moment.
  if (!(finished < attachedAt))
    await Promise.race([ended, new Promise((r) => setTimeout(r, DRAIN_AFTER_EXIT_MS))]);
  socket.end();
  socket.destroy();
}

/** Step 2: a stopped container's output from its log, and its exit code. */
async function stoppedSession(c: Docker.Container, tty: boolean, code: number): Promise<StreamSession> {
  const raw: unknown = await c.logs({ stdout: true, stderr: true, follow: false });
  const log = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
  const source = new PassThrough();
  source.end(log);
  return outputSession(source, null, tty, {
    resize: async () => undefined,
    exitCode: async () => code,
    close: () => source.destroy(),
  });
}

/** A session over one output stream (raw with a TTY, Docker-multiplexed without). */
export function outputSession(
  output: Readable,
  stdin: Duplex | null,
  tty: boolean,
  ops: Pick<StreamSession, 'resize' | 'exitCode' | 'close'>,
): StreamSession {
  const { stdout, stderr } = tty ? { stdout: output, stderr: null } : demuxDockerStream(output);
  const ended = new Promise<void>((resolve) => {
    output.once('end', resolve);
    output.once('close', resolve);
    output.once('error', () => resolve());
  });
  return {
    stdin,
    stdout,
    stderr,
    resize: ops.resize,
    exitCode: async () => {
      await ended;
      return ops.exitCode();
    },
    close: ops.close,
  };
}
