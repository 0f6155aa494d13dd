// Port forwarding over plain WebSocket channels (upstream: kubelet/cri/streaming/portforward/
// websocket.go). kubectl tunnels SPDY inside its WebSocket (portforward.ts); clients without a
// SPDY stack, such as @kubernetes/client-node, speak this simpler form instead:
//
//   GET …/portforward?ports=80,5432   Sec-WebSocket-Protocol: v4.channel.k8s.io
//
// Port i of the list owns two channels: 2i for data and 2i+1 for errors. Each binary message
// starts with its channel byte, as in exec (websocket-exec.ts). The server dials every port of
// the pod once, for the life of the socket, and opens each channel by sending the port number
// (2 bytes, little-endian) on it, so the client can tell the channels apart. A dial that fails
// is reported as text on that port's error channel. The socket closes when every connection
// has closed.

import { connect, type Socket } from 'node:net';
import type { WebSocket } from 'ws';

export const WS_PORTFORWARD_PROTOCOLS = ['v4.channel.k8s.io', 'channel.k8s.io'];

/**
 * The `ports` query values (repeated or comma-separated) as numbers, or the reason they are
 * not (upstream answers 400 with it).
 */
export function parseForwardPorts(query: URLSearchParams): number[] | { error: string } {
  const raw = query
    .getAll('ports')
    .flatMap((v) => v.split(','))
    .map((p) => p.trim())
    .filter(Boolean);
  if (raw.length === 0) return { error: 'query parameter "ports" is required' };
  const ports: number[] = [];
  for (const p of raw) {
    const n = Number(p);
    if (!/^\d+$/.test(p) || n < 1 || n > 65535) return { error: `unable to parse "${p}" as a port` };
    ports.push(n);
  }
  return ports;
}

/** The first message of a port's two channels: the channel byte, then the port, little-endian. */
export function portPreamble(channel: number, port: number): Buffer {
  const b = Buffer.alloc(3);
  b[0] = channel;
  b.writeUInt16LE(port, 1);
  return b;
}

export function serveWebSocketPortForward(
  ws: WebSocket,
  ports: number[],
  podIP: () => Promise<string | undefined>,
  podLabel: string,
): void {
  const conns: (Socket | undefined)[] = [];
  const send = (channel: number, payload: Buffer | string) => {
    if (ws.readyState === ws.OPEN)
      ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(payload)]), { binary: true });
  };
  let open = ports.length;
  const closed = () => {
    if (--open === 0 && ws.readyState === ws.OPEN) ws.close(1000);
  };

  // What the client writes before its port is connected waits here, in order.
  const pending = ports.map(() => [] as Buffer[]);
  ws.on('message', (data: Buffer) => {
    if (data.length === 0) return;
    const channel = data[0];
    const i = channel / 2;
    if (!Number.isInteger(i) || i >= ports.length) return; // error channels carry nothing inbound
    const payload = data.subarray(1);
    const conn = conns[i];
    if (conn) conn.write(payload);
    else pending[i].push(payload);
  });
  ws.on('close', () => {
    for (const c of conns) c?.destroy();
  });

  ports.forEach((port, i) => {
    ws.send(portPreamble(2 * i, port), { binary: true });
    ws.send(portPreamble(2 * i + 1, port), { binary: true });
  });
  void podIP()
    .catch(() => undefined)
    .then((ip) => {
      ports.forEach((port, i) => {
        const fail = (why: string) =>
          send(2 * i + 1, `error forwarding port ${port} to pod ${podLabel}: ${why}`);
        if (!ip) {
          fail('the pod has no IP address');
          closed();
          return;
        }
        const conn = connect({ host: ip, port });
        conn.once('connect', () => {
          conns[i] = conn;
          for (const b of pending[i]) conn.write(b);
          pending[i] = [];
        });
        conn.on('data', (chunk: Buffer) => send(2 * i, chunk));
        conn.once('error', (err) => fail(err.message));
        conn.once('close', closed);
      });
    });
}
