// exec and attach over WebSocket (kubectl ≥ 1.30 by default; 1.29 with
// KUBECTL_REMOTE_COMMAND_WEBSOCKETS=true). Upstream: apimachinery util/remotecommand/constants.go,
// client-go tools/remotecommand/websocket.go.
//
// Every binary message starts with a channel byte:
//   0 stdin   1 stdout   2 stderr   3 status (a Status when the command ends)   4 resize
//   255 CLOSE (v5 only): [255, n] says the sender will write no more on channel n (stdin EOF)
// The server ends by sending the Status on channel 3 and closing with code 1000.

import { PassThrough, Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { StreamSession } from '../runtime/types';
import { errorStatus, exitStatus, pumpSession, type RemoteCommandOptions } from './remotecommand';

export const WS_REMOTECOMMAND_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const STATUS = 3;
const RESIZE = 4;
const CLOSE = 255;
/** How long output waits for an interactive client's first message (see serveWebSocketRemoteCommand). */
export const CLIENT_READY_WAIT_MS = 1000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** A writable that frames everything written to it as messages on one channel. */
function channelWriter(ws: WebSocket, channel: number): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (ws.readyState !== ws.OPEN) return cb();
      ws.send(Buffer.concat([Buffer.from([channel]), chunk]), { binary: true }, () => cb());
    },
  });
}

export async function serveWebSocketRemoteCommand(
  ws: WebSocket,
  opts: RemoteCommandOptions,
  open: () => Promise<StreamSession>,
): Promise<void> {
  const stdin = new PassThrough();
  let exec: StreamSession | undefined;
  const pendingResizes: Array<{ Width: number; Height: number }> = [];
  const clientSpoke = new Promise<void>((resolve) => ws.once('message', () => resolve()));
  ws.on('message', (data: Buffer) => {
    if (data.length === 0) return;
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === STDIN) stdin.write(payload);
    else if (channel === RESIZE) {
      try {
        const size = JSON.parse(payload.toString()) as { Width: number; Height: number };
        if (exec) void exec.resize(size.Width, size.Height).catch(() => undefined);
        else pendingResizes.push(size);
      } catch {
        // ignore a malformed resize
      }
    } else if (channel === CLOSE && payload[0] === STDIN) stdin.end();
  });
  ws.on('close', () => {
    stdin.end();
    exec?.close();
  });

  try {
    exec = await open();
  } catch (err) {
    sendStatus(ws, errorStatus(err instanceof Error ? err.message : String(err)));
    ws.close(1000);
    return;
  }
  // client-go reads the socket before it has registered its streams, so output sent at once is
  // dropped ("Unknown stream id 1, discarding message": `kubectl run -it` printed nothing, about
  // 1 run in 25). A client with stdin or a TTY speaks first once its streams exist (the terminal
  // size, stdin's bytes, or stdin's CLOSE): wait for that, bounded, before sending anything.
  if (opts.stdin || opts.tty) await Promise.race([clientSpoke, sleep(CLIENT_READY_WAIT_MS)]);
  for (const s of pendingResizes) void exec.resize(s.Width, s.Height).catch(() => undefined);
  const code = await pumpSession(exec, {
    stdin: opts.stdin ? stdin : undefined,
    stdout: opts.stdout ? channelWriter(ws, STDOUT) : undefined,
    stderr: opts.stderr ? channelWriter(ws, STDERR) : undefined,
  });
  sendStatus(ws, exitStatus(code));
  ws.close(1000);
}

function sendStatus(ws: WebSocket, status: object): void {
  if (ws.readyState === ws.OPEN)
    ws.send(Buffer.concat([Buffer.from([STATUS]), Buffer.from(JSON.stringify(status))]), { binary: true });
}
