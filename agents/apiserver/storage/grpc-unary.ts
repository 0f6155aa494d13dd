// gRPC unary calls over one HTTP/2 connection, without a gRPC library
// (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md):
//
//   request   HEADERS   :method POST, :path /<package>.<Service>/<Method>,
//                       content-type application/grpc, te trailers, grpc-timeout <n>m
//             DATA      0x00 (not compressed), the message's length (4 bytes, big-endian), the message
//   response  HEADERS   :status 200, content-type application/grpc
//             DATA      the same 5-byte prefix, then the message
//             trailers  grpc-status (0 = OK), grpc-message (percent-encoded)
//
// A failed call may answer "trailers-only": grpc-status already in the response's HEADERS.
//
// Why not grpc-js (which etcd3 is built on, and which still serves watches, leases and
// compaction): the apiserver's every write is one etcd Txn, and grpc-js' layers (interceptors,
// resolving and load-balancing calls, a protobufjs codec, per-call metadata) cost ~240 µs of CPU
// per Txn against ~110 µs here, measured side by side (README, "Performance").

import http2, { type ClientHttp2Session, type SecureClientSessionOptions } from 'node:http2';

/** gRPC status codes this client names (the full list is in grpc's doc/statuscodes.md). */
export const GrpcStatus = {
  OK: 0,
  DEADLINE_EXCEEDED: 4,
  UNAVAILABLE: 14,
} as const;

export class GrpcError extends Error {
  override name = 'GrpcError';

  constructor(
    /** The gRPC status code (14 UNAVAILABLE for a connection that failed or closed). */
    readonly code: number,
    message: string,
    /** True when the request certainly never reached the server, so any call may be retried. */
    readonly notSent = false,
  ) {
    super(message);
  }
}

/** TLS material for an https:// server: PEM bytes, as node:tls takes them. */
export interface ChannelTls {
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** One server, one HTTP/2 session, made on first use and again after it closes. */
export class GrpcChannel {
  private session?: ClientHttp2Session;
  /** Sessions whose connection was made: a call that fails on one may have reached the server. */
  private readonly connected = new WeakSet<ClientHttp2Session>();
  /** When the current session last completed a call: a deadline on a silent session ends it. */
  private lastAnswerAt = 0;
  private closed = false;

  constructor(
    readonly url: string,
    private readonly tls?: ChannelTls,
  ) {}

  /** The response message of `path` (e.g. /etcdserverpb.KV/Txn) for `message`, within `timeoutMs`. */
  call(path: string, message: Buffer, timeoutMs: number): Promise<Buffer> {
    if (this.closed) return Promise.reject(new GrpcError(GrpcStatus.UNAVAILABLE, 'channel closed', true));
    const session = this.connect();
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (err: GrpcError | null, body?: Buffer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else {
          this.lastAnswerAt = Date.now();
          resolve(body as Buffer);
        }
      };
      let stream: http2.ClientHttp2Stream;
      try {
        stream = session.request({
          ':method': 'POST',
          ':path': path,
          'content-type': 'application/grpc',
          te: 'trailers',
          'grpc-timeout': `${timeoutMs}m`,
        });
      } catch (err) {
        // The session is already going away (etcd sent GOAWAY a moment ago): nothing was sent.
        this.drop(session);
        reject(new GrpcError(GrpcStatus.UNAVAILABLE, `${path}: ${(err as Error).message}`, true));
        return;
      }
      const timer = setTimeout(() => {
        stream.close(http2.constants.NGHTTP2_CANCEL);
        // A session that has answered nothing for the whole deadline is presumed dead (etcd
        // frozen, its host gone): drop it, so the next call dials again instead of waiting too.
        if (Date.now() - this.lastAnswerAt >= timeoutMs) this.drop(session);
        settle(new GrpcError(GrpcStatus.DEADLINE_EXCEEDED, `${path}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);

      let status: string | undefined;
      let statusMessage = '';
      const readStatus = (headers: http2.IncomingHttpHeaders) => {
        if (headers['grpc-status'] === undefined) return;
        status = String(headers['grpc-status']);
        statusMessage = decodeURIComponent(String(headers['grpc-message'] ?? ''));
      };
      const chunks: Buffer[] = [];
      stream.on('response', readStatus);
      stream.on('trailers', readStatus);
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (err: Error & { code?: string }) => {
        // Not sent: the connection was never made, or the server refused the stream unopened.
        const notSent = !this.connected.has(session) || /REFUSED_STREAM/.test(err.message);
        settle(new GrpcError(GrpcStatus.UNAVAILABLE, `${path}: ${err.message}`, notSent));
      });
      stream.on('close', () => {
        if (status === undefined) {
          settle(new GrpcError(GrpcStatus.UNAVAILABLE, `${path}: stream closed without a gRPC status`));
        } else if (status !== '0') {
          settle(new GrpcError(Number(status), statusMessage || `${path}: gRPC status ${status}`));
        } else {
          try {
            settle(null, unframe(Buffer.concat(chunks)));
          } catch (err) {
            settle(new GrpcError(GrpcStatus.UNAVAILABLE, `${path}: ${(err as Error).message}`));
          }
        }
      });
      stream.end(frame(message));
    });
  }

  /** Ends the connection at once: calls still in flight fail (the apiserver is shutting down). */
  close(): void {
    this.closed = true;
    this.session?.destroy();
    this.session = undefined;
  }

  private connect(): ClientHttp2Session {
    const live = this.session;
    if (live && !live.closed && !live.destroyed) return live;
    const options: SecureClientSessionOptions = this.tls
      ? { ca: this.tls.ca, cert: this.tls.cert, key: this.tls.key, ALPNProtocols: ['h2'] }
      : {};
    const session = http2.connect(this.url, options, () => this.connected.add(session));
    // Errors reach the calls on it as stream errors; an unheard 'error' event would crash. After
    // GOAWAY (etcd stopping) the calls in flight finish; new ones go to a new session.
    const forget = () => {
      if (this.session === session) this.session = undefined;
    };
    session.on('error', forget);
    session.on('close', forget);
    session.on('goaway', forget);
    this.session = session;
    this.lastAnswerAt = Date.now();
    return session;
  }

  private drop(session: ClientHttp2Session): void {
    if (this.session === session) this.session = undefined;
    session.destroy();
  }
}

/** The length-prefixed message a gRPC DATA stream carries (never compressed here). */
export function frame(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  message.copy(out, 5);
  return out;
}

/** The one message of a unary response. */
export function unframe(body: Buffer): Buffer {
  if (body.length < 5) throw new Error(`response of ${body.length} bytes has no gRPC message`);
  if (body[0] !== 0) throw new Error('response is compressed, which was not asked for');
  const length = body.readUInt32BE(1);
  if (body.length !== 5 + length)
    throw new Error(`response message is ${body.length - 5} bytes, not ${length}`);
  return body.subarray(5);
}
