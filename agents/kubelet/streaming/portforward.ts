// Port forwarding (upstream: kubelet/cri/streaming/portforward/httpstream.go; client-go
// tools/portforward). Always SPDY: either a SPDY/3.1 upgrade (`X-Stream-Protocol-Version:
// portforward.k8s.io`), or — kubectl ≥ 1.31 — the same SPDY bytes carried inside WebSocket binary
// messages (subprotocol `SPDY/3.1+portforward.k8s.io`).
//
// Per local connection the client opens two streams with headers `streamtype: error|data`,
// `port: <n>` and `requestid: <k>`. We dial the pod's IP on that port and copy both ways;
// a dial failure is written as text on the error stream.

import { connect } from 'node:net';
import type { SpdySession, SpdyStream } from '../spdy/session';

export const PORTFORWARD_PROTOCOL = 'portforward.k8s.io';
export const PORTFORWARD_TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
}

export function servePortForward(
  session: SpdySession,
  podIP: () => Promise<string | undefined>,
  podLabel: string,
): void {
  const pairs = new Map<string, Pair>();
  let anonymous = 0;
  session.on('stream', (s) => {
    const type = s.headers.streamtype;
    // kubectl sends requestid; very old clients did not, and paired streams by order.
    const id = s.headers.requestid ?? String(type === 'error' ? anonymous : anonymous++);
    const pair = pairs.get(id) ?? {};
    if (type === 'error') pair.error = s;
    else if (type === 'data') pair.data = s;
    else return s.reset();
    pairs.set(id, pair);
    if (pair.error && pair.data) {
      pairs.delete(id);
      void forward(pair.error, pair.data, Number(s.headers.port), podIP, podLabel);
    }
  });
}

async function forward(
  errorStream: SpdyStream,
  data: SpdyStream,
  port: number,
  podIP: () => Promise<string | undefined>,
  podLabel: string,
): Promise<void> {
  const fail = (message: string) => {
    errorStream.end(message);
    data.end();
  };
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return fail(`invalid port ${port}`);
  const ip = await podIP().catch(() => undefined);
  if (!ip) return fail(`error forwarding port ${port} to pod ${podLabel}: the pod has no IP address`);
  const upstream = connect({ host: ip, port });
  upstream.once('connect', () => {
    data.pipe(upstream);
    upstream.pipe(data);
  });
  upstream.once('error', (err) => fail(`error forwarding port ${port} to pod ${podLabel}: ${err.message}`));
  upstream.once('close', () => {
    if (!data.writableEnded) data.end();
    if (!errorStream.writableEnded) errorStream.end();
  });
  data.once('close', () => upstream.destroy());
}
