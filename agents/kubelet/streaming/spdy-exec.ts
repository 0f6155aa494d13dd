// exec and attach over SPDY/3.1 (kubectl 1.27–1.29, and the fallback of later ones).
// Upstream: kubelet/cri/streaming/remotecommand/httpstream.go.
//
//   client                                  kubelet
//   POST …/exec?command=…  Upgrade: SPDY/3.1
//   X-Stream-Protocol-Version: v4.channel.k8s.io, …   → 101, X-Stream-Protocol-Version: v4…
//   SYN_STREAM streamtype=error|stdin|stdout|stderr|resize   → SYN_REPLY each
//   DATA on stdin, resize (JSON {"Width","Height"})  ←→  DATA on stdout, stderr
//   …the command exits…                             ← stdout/stderr FIN, error: a Status, FIN; GOAWAY

import type { Duplex } from 'node:stream';
import type { StreamSession } from '../runtime/types';
import { SpdySession, type SpdyStream } from '../spdy/session';
import { errorStatus, exitStatus, pumpSession, type RemoteCommandOptions } from './remotecommand';

/** Protocols we speak, best first; v5 over SPDY behaves as v4 (v5 only adds WebSocket CLOSE). */
export const SPDY_REMOTECOMMAND_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const STREAM_WAIT_MS = 30_000;

/** Pick the protocol from X-Stream-Protocol-Version (comma-separated, client's preference). */
export function negotiate(offered: string | string[] | undefined, supported: string[]): string | undefined {
  const list = (Array.isArray(offered) ? offered.join(',') : (offered ?? '')).split(',').map((s) => s.trim());
  return list.find((p) => supported.includes(p));
}

export function writeSpdyUpgrade(socket: Duplex, protocol: string): void {
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`,
  );
}

/** Wait until the client has opened every stream the options call for. */
function expectedStreams(session: SpdySession, opts: RemoteCommandOptions): Promise<Map<string, SpdyStream>> {
  const wanted = [
    'error',
    ...(opts.stdin ? ['stdin'] : []),
    ...(opts.stdout ? ['stdout'] : []),
    ...(opts.stderr ? ['stderr'] : []),
    ...(opts.tty ? ['resize'] : []),
  ];
  const got = new Map<string, SpdyStream>();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for client streams (have ${[...got.keys()].join(',')})`)),
      STREAM_WAIT_MS,
    );
    session.on('stream', (s) => {
      got.set(s.headers.streamtype ?? '', s);
      if (wanted.every((w) => got.has(w))) {
        clearTimeout(timer);
        resolve(got);
      }
    });
    session.on('close', () => {
      clearTimeout(timer);
      reject(new Error('connection closed before the streams were set up'));
    });
  });
}

export async function serveSpdyRemoteCommand(
  socket: Duplex,
  head: Buffer,
  protocol: string,
  opts: RemoteCommandOptions,
  open: () => Promise<StreamSession>,
): Promise<void> {
  writeSpdyUpgrade(socket, protocol);
  if (head.length) socket.unshift(head);
  const session = new SpdySession(socket);
  let streams: Map<string, SpdyStream>;
  try {
    streams = await expectedStreams(session, opts);
  } catch {
    session.destroy();
    return;
  }
  const errorStream = streams.get('error') as SpdyStream;
  let exec: StreamSession;
  try {
    exec = await open();
  } catch (err) {
    errorStream.end(JSON.stringify(errorStatus(err instanceof Error ? err.message : String(err))));
    await session.close();
    return;
  }
  session.on('close', () => exec.close());
  streams.get('resize')?.on(
    'data',
    jsonLines(
      (size: { Width: number; Height: number }) =>
        void exec.resize(size.Width, size.Height).catch(() => undefined),
    ),
  );
  const code = await pumpSession(exec, {
    stdin: streams.get('stdin'),
    stdout: streams.get('stdout'),
    stderr: streams.get('stderr'),
  });
  await new Promise<void>((r) => errorStream.end(JSON.stringify(exitStatus(code)), r));
  await session.close();
}

/** Parse newline-separated JSON objects arriving in arbitrary chunks (Go's json.Encoder output). */
export function jsonLines<T>(onValue: (v: T) => void): (chunk: Buffer) => void {
  let partial = '';
  return (chunk) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        onValue(JSON.parse(line) as T);
      } catch {
        // a malformed resize message is ignored, as upstream does
      }
    }
  };
}
