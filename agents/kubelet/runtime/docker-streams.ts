// Helpers for the Docker runtime's long-lived streams: the event stream (our PLEG's input) and
// hijacked exec/attach connections turned into a StreamSession.

import type { Duplex, Readable } from 'node:stream';
import type Docker from 'dockerode';
import { LABELS } from '../naming';
import { demuxDockerStream } from './demux';
import type { StreamOptions, StreamSession } from './types';

/** Docker's event stream is NDJSON whose lines may split across chunks. */
export function readEvents(
  stream: Readable,
  onPodEvent: (podUid: string, containerId: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          const event = JSON.parse(line);
          const uid = event?.Actor?.Attributes?.[LABELS.podUid];
          if (uid) onPodEvent(uid, event?.Actor?.ID ?? event?.id ?? '');
        } catch {
          // not JSON: ignore the line
        }
      }
    });
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
}

export function streamSession(
  socket: Duplex,
  opts: StreamOptions,
  ops: { resize(w: number, h: number): Promise<void>; exitCode(): Promise<number> },
): StreamSession {
  const { stdout, stderr } = opts.tty
    ? { stdout: socket as Readable, stderr: null }
    : demuxDockerStream(socket);
  const ended = new Promise<void>((resolve) => {
    socket.once('end', resolve);
    socket.once('close', resolve);
    socket.once('error', () => resolve());
  });
  return {
    stdin: opts.stdin ? socket : null,
    stdout,
    stderr,
    resize: ops.resize,
    exitCode: async () => {
      await ended;
      return ops.exitCode();
    },
    close: () => socket.destroy(),
  };
}

/** The exit code is known only after the output has ended, and even then Docker may lag a moment. */
export async function execExitCode(exec: Docker.Exec): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode ?? 0;
    await new Promise((r) => setTimeout(r, 20));
  }
  return -1;
}
