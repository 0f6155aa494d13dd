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
// against ~110 µs on node:http2, measured side by side (README, "Performance"). And why not
// node:http2 either: http2-connection.ts says.

import { encodeHeaders } from './hpack';
import {
  type ClientStream,
  Http2Code,
  Http2Connection,
  type Http2StreamError,
  type Http2Tls,
} from './http2-connection';

/** gRPC status codes this client names (the full list is in grpc's doc/statuscodes.md). */
export const GrpcStatus = {
  OK: 0,
  DEADLINE_EXCEEDED: 4,
  UNAVAILABLE: 14,
} as const;

/** A connection that has not answered a ping within this long after sending it is dropped. */
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

/** TLS material for an https:// server (the connection's own type). */
export type ChannelTls = Http2Tls;

/** A response's gRPC status, from its HEADERS (trailers-only) or its trailers. */
class CallStatus {
  code?: string;
  message = '';

  read(fields: Array<[string, string]>): void {
    for (const [name, value] of fields) {
      if (name === 'grpc-status') this.code = value;
      else if (name === 'grpc-message') this.message = decodeURIComponent(value);
    }
  }

  /** The error a status other than OK stands for; undefined for OK or no status yet. */
  failure(path: string): GrpcError | undefined {
    if (this.code === undefined || this.code === '0') return undefined;
    return new GrpcError(Number(this.code), this.message || `${path}: gRPC status ${this.code}`);
  }
}

/** One server, one HTTP/2 connection, made on first use and again after it closes. */
export class GrpcChannel {
  private connection?: Http2Connection;
  /** When the current connection last completed a call: a deadline on a silent one ends it. */
  private lastAnswerAt = 0;
  private closed = false;
  /** Header blocks by path and deadline: nothing in them is indexed, so each is built once. */
  private readonly headerBlocks = new Map<string, Buffer>();
  private readonly target: URL;

  constructor(
    readonly url: string,
    private readonly tls?: ChannelTls,
  ) {
    this.target = new URL(url);
  }

  /** The response message of `path` (e.g. /etcdserverpb.KV/Txn) for `message`, within `timeoutMs`. */
  call(path: string, message: Buffer, timeoutMs: number): Promise<Buffer> {
    if (this.closed) return Promise.reject(new GrpcError(GrpcStatus.UNAVAILABLE, 'channel closed', true));
    const connection = this.connect();
    return new Promise((resolve, reject) => {
      const status = new CallStatus();
      const chunks: Buffer[] = [];
      let stream: ClientStream;
      const timer = setTimeout(() => {
        stream.reset(Http2Code.CANCEL);
        // A connection that has answered nothing for the whole deadline is presumed dead (etcd
        // frozen, its host gone): drop it, so the next call dials again instead of waiting too.
        if (Date.now() - this.lastAnswerAt >= timeoutMs) this.drop(connection);
        reject(new GrpcError(GrpcStatus.DEADLINE_EXCEEDED, `${path}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const callbacks = {
        onHeaders: (fields: Array<[string, string]>) => status.read(fields),
        onData: (data: Buffer) => chunks.push(data),
        onClose: (error?: Http2StreamError) => {
          clearTimeout(timer);
          const refused = status.failure(path);
          if (error) {
            reject(new GrpcError(GrpcStatus.UNAVAILABLE, `${path}: ${error.message}`, error.notSent));
          } else if (status.code === undefined) {
            reject(new GrpcError(GrpcStatus.UNAVAILABLE, `${path}: stream closed without a gRPC status`));
          } else if (refused) {
            reject(refused);
          } else {
            try {
              const body = unframe(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
              this.lastAnswerAt = Date.now();
              resolve(body);
            } catch (err) {
              reject(new GrpcError(GrpcStatus.UNAVAILABLE, `${path}: ${(err as Error).message}`));
            }
          }
        },
      };
      try {
        stream = connection.request(this.headerBlock(path, timeoutMs), callbacks, frame(message), true);
      } catch (err) {
        // The connection is already going away (etcd sent GOAWAY a moment ago): nothing was sent.
        clearTimeout(timer);
        this.drop(connection);
        reject(new GrpcError(GrpcStatus.UNAVAILABLE, `${path}: ${(err as Error).message}`, true));
      }
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
    const connection = this.connect();
    let cancelled = false;
    let failure: string | undefined;
    const status = new CallStatus();
    const messages = new MessageSplitter();
    let stream: ClientStream;
    const callbacks = {
      onHeaders: (fields: Array<[string, string]>) => status.read(fields),
      onData: (data: Buffer) => {
        this.lastAnswerAt = Date.now();
        if (cancelled || failure) return;
        try {
          for (const m of messages.push(data)) if (!cancelled) handlers.onMessage(m);
        } catch (err) {
          failure = (err as Error).message;
          stream.reset(Http2Code.CANCEL);
          end();
        }
      },
      onClose: (error?: Http2StreamError) => {
        failure ??= error?.message;
        end();
      },
    };
    const end = () => {
      if (cancelled) return;
      cancelled = true;
      const refused = failure === undefined ? status.failure(path) : undefined;
      if (refused) {
        handlers.onEnd(refused);
      } else {
        const why =
          failure ??
          (status.code === '0' ? 'the server ended the stream' : 'stream closed without a gRPC status');
        handlers.onEnd(new GrpcError(GrpcStatus.UNAVAILABLE, `${path}: ${why}`));
      }
    };
    try {
      stream = connection.request(this.headerBlock(path), callbacks);
    } catch (err) {
      this.drop(connection);
      return ended(new GrpcError(GrpcStatus.UNAVAILABLE, `${path}: ${(err as Error).message}`, true));
    }
    return {
      send: (message) => {
        if (!cancelled) stream.write(frame(message));
      },
      cancel: () => {
        if (cancelled) return;
        cancelled = true;
        stream.reset(Http2Code.CANCEL);
      },
    };
  }

  /** Ends the connection at once: calls still in flight fail (the apiserver is shutting down). */
  close(): void {
    this.closed = true;
    this.connection?.destroy();
    this.connection = undefined;
  }

  /** A request's header block (RFC 9113 §8.3.1 pseudo-headers first, then gRPC's own). */
  private headerBlock(path: string, timeoutMs?: number): Buffer {
    const key = `${path} ${timeoutMs ?? ''}`;
    let block = this.headerBlocks.get(key);
    if (!block) {
      block = encodeHeaders([
        [':method', 'POST'],
        [':scheme', this.tls ? 'https' : 'http'],
        [':path', path],
        [':authority', this.target.host],
        ['content-type', 'application/grpc'],
        ['te', 'trailers'],
        ...(timeoutMs === undefined ? [] : [['grpc-timeout', `${timeoutMs}m`] as [string, string]]),
      ]);
      this.headerBlocks.set(key, block);
    }
    return block;
  }

  private connect(): Http2Connection {
    const live = this.connection;
    if (live?.usable) return live;
    const host = this.target.hostname.replace(/^\[(.*)\]$/, '$1'); // an IPv6 literal without brackets
    const port = Number(this.target.port) || (this.tls ? 443 : 80);
    const connection = new Http2Connection({ host, port, tls: this.tls }, (gone) => {
      // Closed, or told to go away: calls in flight on it finish; new ones go to a new connection.
      if (this.connection === gone) this.connection = undefined;
      clearInterval(keepalive);
    });
    // A watch waits for changes, so a silent connection (etcd's host gone, a cut network) would
    // look like a quiet cluster. A ping unanswered for 5 s ends the connection; its streams end
    // UNAVAILABLE and their owners open them again on a new one.
    const keepalive = setInterval(() => {
      if (!connection.connected || connection.closed) return;
      const timeout = setTimeout(() => this.drop(connection), KEEPALIVE_TIMEOUT_MS).unref();
      if (!connection.ping(() => clearTimeout(timeout))) clearTimeout(timeout);
    }, KEEPALIVE_INTERVAL_MS);
    keepalive.unref();
    this.connection = connection;
    this.lastAnswerAt = Date.now();
    return connection;
  }

  private drop(connection: Http2Connection): void {
    if (this.connection === connection) this.connection = undefined;
    connection.destroy();
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
