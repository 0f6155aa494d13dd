// gRPC calls over one HTTP/2 connection, without a gRPC library
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
// A streaming call (etcd's Watch) is the same HTTP/2 stream left open: each side writes any
// number of length-prefixed messages into it, and the server ends it with the trailers.
//
// Why not grpc-js (which the etcd3 package is built on): the apiserver's every write is one etcd
// Txn and every change comes back over a watch, and grpc-js' layers (interceptors, resolving and
// load-balancing calls, a protobufjs codec, per-call metadata) cost ~240 µs of CPU per Txn
// against ~110 µs here, measured side by side (README, "Performance").

import http2, { type ClientHttp2Session, type SecureClientSessionOptions } from 'node:http2';

/** gRPC status codes this client names (the full list is in grpc's doc/statuscodes.md). */
export const GrpcStatus = {
  OK: 0,
  DEADLINE_EXCEEDED: 4,
  UNAVAILABLE: 14,
} as const;

/** A session that has not answered a ping within this long after sending it is dropped. */
const KEEPALIVE_INTERVAL_MS = 10_000;
const KEEPALIVE_TIMEOUT_MS = 5_000;

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

  /**
   * A streaming call: `path` opened, messages sent with `send`, each response message handed to
   * `onMessage` as it arrives. `onEnd` comes once, unless `cancel` came first: with the server's
   * status, or UNAVAILABLE when the connection failed or closed (the caller decides whether to
   * open the stream again).
   */
  openStream(path: string, handlers: StreamHandlers): GrpcStream {
    const ended = (err: GrpcError): GrpcStream => {
      queueMicrotask(() => handlers.onEnd(err));
      return { send: () => undefined, cancel: () => undefined };
    };
    if (this.closed) return ended(new GrpcError(GrpcStatus.UNAVAILABLE, 'channel closed', true));
    const session = this.connect();
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request({
        ':method': 'POST',
        ':path': path,
        'content-type': 'application/grpc',
        te: 'trailers',
      });
    } catch (err) {
      this.drop(session);
      return ended(new GrpcError(GrpcStatus.UNAVAILABLE, `${path}: ${(err as Error).message}`, true));
    }
    let cancelled = false;
    let status: string | undefined;
    let statusMessage = '';
    let failure: string | undefined;
    const readStatus = (headers: http2.IncomingHttpHeaders) => {
      if (headers['grpc-status'] === undefined) return;
      status = String(headers['grpc-status']);
      statusMessage = decodeURIComponent(String(headers['grpc-message'] ?? ''));
    };
    const messages = new MessageSplitter();
    stream.on('response', readStatus);
    stream.on('trailers', readStatus);
    stream.on('data', (chunk: Buffer) => {
      this.lastAnswerAt = Date.now();
      try {
        for (const m of messages.push(chunk)) if (!cancelled) handlers.onMessage(m);
      } catch (err) {
        failure = (err as Error).message;
        stream.close(http2.constants.NGHTTP2_CANCEL);
      }
    });
    stream.on('error', (err: Error) => {
      failure ??= err.message;
    });
    stream.on('close', () => {
      if (cancelled) return;
      cancelled = true;
      if (status !== undefined && status !== '0' && failure === undefined) {
        handlers.onEnd(new GrpcError(Number(status), statusMessage || `${path}: gRPC status ${status}`));
      } else {
        const why =
          failure ?? (status === '0' ? 'the server ended the stream' : 'stream closed without a gRPC status');
        handlers.onEnd(new GrpcError(GrpcStatus.UNAVAILABLE, `${path}: ${why}`));
      }
    });
    return {
      send: (message) => {
        if (!cancelled && !stream.closed) stream.write(frame(message));
      },
      cancel: () => {
        if (cancelled) return;
        cancelled = true;
        stream.close(http2.constants.NGHTTP2_CANCEL);
      },
    };
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
    // A watch waits for changes, so a silent connection (etcd's host gone, a cut network) would
    // look like a quiet cluster. A ping unanswered for 5 s ends the session; its streams end
    // UNAVAILABLE and their owners open them again on a new one.
    const keepalive = setInterval(() => {
      if (session.connecting || session.destroyed) return;
      const timeout = setTimeout(() => this.drop(session), KEEPALIVE_TIMEOUT_MS).unref();
      const sent = session.ping(() => clearTimeout(timeout));
      if (!sent) clearTimeout(timeout);
    }, KEEPALIVE_INTERVAL_MS);
    keepalive.unref();
    session.on('close', () => clearInterval(keepalive));
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

/** The two ends of a streaming call, as GrpcChannel.openStream takes and gives them. */
export interface StreamHandlers {
  onMessage(message: Buffer): void;
  onEnd(err: GrpcError): void;
}

export interface GrpcStream {
  send(message: Buffer): void;
  /** Ends the call from this side; `onEnd` is not called. */
  cancel(): void;
}

/**
 * A stream's DATA chunks → whole messages. HTTP/2 cuts DATA where it likes: a chunk may hold
 * several messages, or part of one (a watch response with many objects spans frames).
 */
export class MessageSplitter {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    while (buf.length >= 5) {
      if (buf[0] !== 0) throw new Error('a compressed message, which was not asked for');
      const end = 5 + buf.readUInt32BE(1);
      if (buf.length < end) break;
      out.push(buf.subarray(5, end));
      buf = buf.subarray(end);
    }
    // What is left is copied: a subarray would pin the whole chunk until the message completes.
    this.pending = buf.length ? Buffer.from(buf) : Buffer.alloc(0);
    return out;
  }
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
