// One client HTTP/2 connection written by hand (RFC 9113), as much of the protocol as gRPC to
// etcd needs: streams opened with a header block and DATA, answers read back as header blocks
// and DATA, flow control both ways, PING, GOAWAY and RST_STREAM. No server push (turned off in
// our SETTINGS), no priorities, no request trailers.
//
// Why not node:http2: a unary call through it cost 190–290 µs of CPU against 90–100 µs here, in
// the apiserver bench's raw transactions (16 in flight, a guarded create each; bench/results/
// 2026-12-03-vm-etcd-http2.json): every call builds a Duplex stream object, an AsyncResource
// whose bind() wraps two deprecation shims, and a dozen event listeners. The apiserver makes one such call per write, and etcd's watch brings
// every change back over the same connection.
//
// The connection never throttles what it receives: it offers the largest windows HTTP/2 allows
// and tops them up as data arrives, as node:http2 did for data read as soon as it came. What it
// sends waits for the server's windows.

import net from 'node:net';
import tls from 'node:tls';
import { HpackDecoder } from './hpack';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

enum FrameType {
  DATA = 0,
  HEADERS = 1,
  PRIORITY = 2,
  RST_STREAM = 3,
  SETTINGS = 4,
  PUSH_PROMISE = 5,
  PING = 6,
  GOAWAY = 7,
  WINDOW_UPDATE = 8,
  CONTINUATION = 9,
}

const END_STREAM = 0x1;
const ACK = 0x1;
const END_HEADERS = 0x4;
const PADDED = 0x8;
const PRIORITY_FLAG = 0x20;

enum Setting {
  HEADER_TABLE_SIZE = 1,
  ENABLE_PUSH = 2,
  MAX_CONCURRENT_STREAMS = 3,
  INITIAL_WINDOW_SIZE = 4,
  MAX_FRAME_SIZE = 5,
}

/** RST_STREAM and GOAWAY error codes this client sends or reads (RFC 9113 §7). */
export const Http2Code = { NO_ERROR: 0, PROTOCOL_ERROR: 1, REFUSED_STREAM: 7, CANCEL: 8 } as const;

/** The largest window HTTP/2 allows (2^31 − 1), offered for every stream and the connection. */
const MAX_WINDOW = 2 ** 31 - 1;
/** Received bytes are given back to the sender's window once this many have been read. */
const REPLENISH_AT = 2 ** 30;
/** The frame size every endpoint must accept; this client advertises no larger. */
const DEFAULT_MAX_FRAME = 16_384;
const DEFAULT_WINDOW = 65_535;
const LAST_STREAM_ID = 2 ** 31 - 1;

export class Http2StreamError extends Error {
  override name = 'Http2StreamError';

  constructor(
    message: string,
    /** True when the server certainly never saw the request (safe to send again anywhere). */
    readonly notSent: boolean,
  ) {
    super(message);
  }
}

/** What a stream's owner hears: header blocks, DATA payloads, then one close. */
export interface StreamCallbacks {
  onHeaders(fields: Array<[string, string]>): void;
  onData(data: Buffer): void;
  /** Once: without an error after the server ended the stream, else why it ended. */
  onClose(error?: Http2StreamError): void;
}

export interface ClientStream {
  /** More DATA; `end` closes this side. */
  write(data: Buffer, end?: boolean): void;
  /** RST_STREAM: the stream ends here, and its owner hears nothing more. */
  reset(code?: number): void;
}

interface StreamState {
  id: number;
  callbacks: StreamCallbacks;
  /** DATA waiting for the server's windows; `end` once this side is to close after it. */
  queued: Buffer[];
  endQueued: boolean;
  localEnded: boolean;
  sendWindow: number;
  unacknowledged: number;
}

/** TLS material: PEM bytes, as node:tls takes them. */
export interface Http2Tls {
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface Http2Target {
  host: string;
  port: number;
  /** TLS (ALPN h2) with these files; plain TCP (h2c with prior knowledge) without. */
  tls?: Http2Tls;
}

export class Http2Connection {
  private readonly socket: net.Socket;
  private readonly decoder = new HpackDecoder();
  private readonly streams = new Map<number, StreamState>();
  /** Streams not opened yet: the server's MAX_CONCURRENT_STREAMS was reached. */
  private readonly waiting: Array<{ state: StreamState; block: Buffer }> = [];
  private readonly pings = new Map<bigint, () => void>();
  private nextStreamId = 1;
  private nextPing = 0n;
  private received = Buffer.alloc(0);
  /** A header block split over CONTINUATION frames, until END_HEADERS. */
  private headerBlock?: { streamId: number; endStream: boolean; parts: Buffer[] };
  private peerMaxFrame = DEFAULT_MAX_FRAME;
  private peerInitialWindow = DEFAULT_WINDOW;
  private peerMaxStreams = Number.POSITIVE_INFINITY;
  private sendWindow = DEFAULT_WINDOW;
  private unacknowledged = 0;
  /** The server's GOAWAY: streams above its last stream id were never processed. */
  private goneAway = false;
  private failure?: Error;
  private madeConnection = false;
  private socketClosed = false;
  /** destroy() was called: the socket closes on a later turn, but nothing more is sent. */
  private destroyed = false;
  private corked = false;

  constructor(
    target: Http2Target,
    private readonly onClose: (connection: Http2Connection) => void,
  ) {
    if (target.tls) {
      const socket = tls.connect({
        host: target.host,
        port: target.port,
        ca: target.tls.ca,
        cert: target.tls.cert,
        key: target.tls.key,
        ALPNProtocols: ['h2'],
        servername: net.isIP(target.host) ? undefined : target.host,
      });
      socket.on('secureConnect', () => {
        if (socket.alpnProtocol === 'h2') this.madeConnection = true;
        else this.destroy(new Error(`the server did not agree to HTTP/2 (ALPN: ${socket.alpnProtocol})`));
      });
      this.socket = socket;
    } else {
      this.socket = net.connect({ host: target.host, port: target.port });
      this.socket.on('connect', () => {
        this.madeConnection = true;
      });
    }
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('error', (err) => {
      this.failure ??= err;
    });
    this.socket.on('close', () => this.ended());
    // Written at once; the socket holds it until the connection is made.
    this.socket.write(
      Buffer.concat([
        PREFACE,
        settingsFrame([
          [Setting.ENABLE_PUSH, 0],
          [Setting.INITIAL_WINDOW_SIZE, MAX_WINDOW],
        ]),
        windowUpdateFrame(0, MAX_WINDOW - DEFAULT_WINDOW),
      ]),
    );
  }

  /** The socket connected (and, with TLS, agreed on h2): a request may have reached the server. */
  get connected(): boolean {
    return this.madeConnection;
  }

  get closed(): boolean {
    return this.socketClosed;
  }

  /** False once the connection closed, was told to go away, or ran out of stream ids. */
  get usable(): boolean {
    return !this.destroyed && !this.closed && !this.goneAway && this.nextStreamId <= LAST_STREAM_ID;
  }

  /**
   * A new stream: its request header block, and DATA to send with it (`end`: nothing more).
   * Throws when the connection is not usable; the caller opens another.
   */
  request(headerBlock: Buffer, callbacks: StreamCallbacks, data?: Buffer, end = false): ClientStream {
    if (!this.usable) throw new Http2StreamError('the connection is closing', true);
    const state: StreamState = {
      id: 0,
      callbacks,
      queued: data ? [data] : [],
      endQueued: end,
      localEnded: false,
      sendWindow: 0,
      unacknowledged: 0,
    };
    if (this.streams.size < this.peerMaxStreams) this.open(state, headerBlock);
    else this.waiting.push({ state, block: headerBlock });
    return {
      write: (more, endNow = false) => {
        if (state.localEnded || state.endQueued) return;
        state.queued.push(more);
        state.endQueued = endNow;
        if (state.id) this.flush(state);
      },
      reset: (code = Http2Code.CANCEL) => {
        const i = this.waiting.findIndex((w) => w.state === state);
        if (i >= 0) this.waiting.splice(i, 1);
        else if (this.streams.delete(state.id)) {
          this.write(rstStreamFrame(state.id, code));
          this.afterStreamEnded();
        }
      },
    };
  }

  /** Sends a PING; `onAck` runs when the server answers it. False when the connection is gone. */
  ping(onAck: () => void): boolean {
    if (this.destroyed || this.closed) return false;
    const opaque = this.nextPing++;
    const payload = Buffer.alloc(8);
    payload.writeBigUInt64BE(opaque);
    this.pings.set(opaque, onAck);
    this.write(frame(FrameType.PING, 0, 0, payload));
    return true;
  }

  /** Ends the connection now; its streams close with `error`'s message. */
  destroy(error?: Error): void {
    if (error) this.failure ??= error;
    this.destroyed = true;
    this.socket.destroy();
  }

  private open(state: StreamState, headerBlock: Buffer): void {
    // A stream's window starts at the initial window in force when it opens (§6.9.2), which the
    // server's SETTINGS may have changed while it waited.
    state.sendWindow = this.peerInitialWindow;
    state.id = this.nextStreamId;
    this.nextStreamId += 2;
    this.streams.set(state.id, state);
    const noData = state.queued.length === 0 && state.endQueued;
    if (noData) state.localEnded = true;
    // A gRPC request's header block is a few hundred bytes at most: one HEADERS frame, sent in
    // one write with the DATA the windows allow.
    const headers = frame(FrameType.HEADERS, END_HEADERS | (noData ? END_STREAM : 0), state.id, headerBlock);
    this.write(noData ? headers : Buffer.concat([headers, ...this.dataFrames(state)]));
  }

  private openWaiting(): void {
    while (this.waiting.length && this.streams.size < this.peerMaxStreams && this.usable) {
      const { state, block } = this.waiting.shift() as { state: StreamState; block: Buffer };
      this.open(state, block);
    }
  }

  /** After a window grew: every stream's queued DATA that now fits. */
  private flushAll(): void {
    for (const state of this.streams.values()) if (state.queued.length) this.flush(state);
  }

  /** Sends what the windows allow of a stream's queued DATA. */
  private flush(state: StreamState): void {
    const frames = this.dataFrames(state);
    if (frames.length) this.write(frames.length === 1 ? frames[0] : Buffer.concat(frames));
  }

  /** What the windows allow of a stream's queued DATA, in frames the server accepts. */
  private dataFrames(state: StreamState): Buffer[] {
    const frames: Buffer[] = [];
    while (state.queued.length) {
      const head = state.queued[0];
      const room = Math.min(this.sendWindow, state.sendWindow, this.peerMaxFrame);
      if (head.length > 0 && room <= 0) break;
      const piece = head.length <= room ? head : head.subarray(0, room);
      if (piece.length === head.length) state.queued.shift();
      else state.queued[0] = head.subarray(room);
      this.sendWindow -= piece.length;
      state.sendWindow -= piece.length;
      const last = state.queued.length === 0 && state.endQueued;
      frames.push(frame(FrameType.DATA, last ? END_STREAM : 0, state.id, piece));
      if (last) state.localEnded = true;
    }
    if (!state.localEnded && state.queued.length === 0 && state.endQueued) {
      frames.push(frame(FrameType.DATA, END_STREAM, state.id, Buffer.alloc(0)));
      state.localEnded = true;
    }
    return frames;
  }

  /**
   * Frames written in one turn of the event loop leave together, in one writev after its I/O
   * callbacks, as node:http2 sends what a turn produced: 16 calls in flight are then one
   * segment for etcd to read, not 16.
   */
  private write(bytes: Buffer): void {
    if (this.socket.destroyed) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      setImmediate(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(bytes);
  }

  private read(chunk: Buffer): void {
    let buf = this.received.length ? Buffer.concat([this.received, chunk]) : chunk;
    try {
      while (buf.length >= 9) {
        const length = buf.readUIntBE(0, 3);
        if (length > DEFAULT_MAX_FRAME) throw new Error(`a frame of ${length} bytes, above the 16384 agreed`);
        if (buf.length < 9 + length) break;
        const type = buf[3];
        const flags = buf[4];
        const streamId = readU31(buf, 5);
        this.frameIn(type, flags, streamId, buf.subarray(9, 9 + length));
        buf = buf.subarray(9 + length);
      }
    } catch (err) {
      this.write(goawayFrame(Http2Code.PROTOCOL_ERROR));
      this.destroy(new Error(`HTTP/2 protocol error from the server: ${(err as Error).message}`));
      return;
    }
    // What is left is copied: a subarray would pin the whole chunk until the frame completes.
    this.received = buf.length ? Buffer.from(buf) : Buffer.alloc(0);
    // The connection's window, given back once per read: WINDOW_UPDATE for what was read, once
    // enough has been, so the server never waits on us. A stream's is given back as its DATA comes.
    if (this.unacknowledged >= REPLENISH_AT) {
      this.write(windowUpdateFrame(0, this.unacknowledged));
      this.unacknowledged = 0;
    }
  }

  private frameIn(type: number, flags: number, streamId: number, payload: Buffer): void {
    if (this.headerBlock && type !== FrameType.CONTINUATION)
      throw new Error('a header block was interrupted by another frame');
    switch (type) {
      case FrameType.DATA: {
        this.unacknowledged += payload.length;
        const state = this.streams.get(streamId);
        if (!state) return; // reset by us a moment ago
        state.unacknowledged += payload.length;
        if (state.unacknowledged >= REPLENISH_AT) {
          this.write(windowUpdateFrame(state.id, state.unacknowledged));
          state.unacknowledged = 0;
        }
        const data = flags & PADDED ? unpad(payload) : payload;
        if (data.length) state.callbacks.onData(data);
        if (flags & END_STREAM) this.remoteEnded(state);
        return;
      }
      case FrameType.HEADERS: {
        let block = flags & PADDED ? unpad(payload) : payload;
        if (flags & PRIORITY_FLAG) block = block.subarray(5);
        const endStream = (flags & END_STREAM) !== 0;
        if (flags & END_HEADERS) this.headersIn(streamId, endStream, block);
        else this.headerBlock = { streamId, endStream, parts: [Buffer.from(block)] };
        return;
      }
      case FrameType.CONTINUATION: {
        const pending = this.headerBlock;
        if (!pending || pending.streamId !== streamId) throw new Error('CONTINUATION without its HEADERS');
        pending.parts.push(Buffer.from(payload));
        if (flags & END_HEADERS) {
          this.headerBlock = undefined;
          this.headersIn(streamId, pending.endStream, Buffer.concat(pending.parts));
        }
        return;
      }
      case FrameType.RST_STREAM: {
        const state = this.streams.get(streamId);
        if (!state) return;
        this.streams.delete(streamId);
        const code = payload.readUInt32BE(0);
        state.callbacks.onClose(
          new Http2StreamError(
            `the server reset the stream (${codeName(code)})`,
            code === Http2Code.REFUSED_STREAM,
          ),
        );
        this.afterStreamEnded();
        return;
      }
      case FrameType.SETTINGS:
        if (!(flags & ACK)) this.settingsIn(payload);
        return;
      case FrameType.PUSH_PROMISE:
        throw new Error('PUSH_PROMISE, though push was turned off');
      case FrameType.PING:
        if (flags & ACK) {
          const opaque = payload.readBigUInt64BE(0);
          this.pings.get(opaque)?.();
          this.pings.delete(opaque);
        } else {
          this.write(frame(FrameType.PING, ACK, 0, payload));
        }
        return;
      case FrameType.GOAWAY:
        this.goawayIn(readU31(payload, 0), payload.readUInt32BE(4));
        return;
      case FrameType.WINDOW_UPDATE: {
        const increment = readU31(payload, 0);
        if (streamId === 0) {
          this.sendWindow += increment;
          this.flushAll();
        } else {
          const state = this.streams.get(streamId);
          if (!state) return;
          state.sendWindow += increment;
          if (state.queued.length) this.flush(state);
        }
        return;
      }
      default:
        return; // PRIORITY and unknown frame types are ignored, as RFC 9113 §5.5 asks
    }
  }

  private headersIn(streamId: number, endStream: boolean, block: Buffer): void {
    // Decoded even for a stream reset meanwhile: the dynamic table must follow every block.
    const fields = this.decoder.decode(block);
    const state = this.streams.get(streamId);
    if (!state) return;
    state.callbacks.onHeaders(fields);
    if (endStream) this.remoteEnded(state);
  }

  private remoteEnded(state: StreamState): void {
    this.streams.delete(state.id);
    // The server is done; a stream still open on this side (a watch) is closed, not left half open.
    if (!state.localEnded) this.write(rstStreamFrame(state.id, Http2Code.NO_ERROR));
    state.callbacks.onClose();
    this.afterStreamEnded();
  }

  /** A slot is free: open a waiting stream, or end a connection told to go away once idle. */
  private afterStreamEnded(): void {
    if (this.goneAway && this.streams.size === 0) this.destroy();
    else this.openWaiting();
  }

  private settingsIn(payload: Buffer): void {
    for (let at = 0; at + 6 <= payload.length; at += 6) {
      const value = payload.readUInt32BE(at + 2);
      switch (payload.readUInt16BE(at)) {
        case Setting.MAX_CONCURRENT_STREAMS:
          this.peerMaxStreams = value;
          break;
        case Setting.INITIAL_WINDOW_SIZE: {
          // §6.9.2: the change applies to every open stream's window.
          const delta = value - this.peerInitialWindow;
          this.peerInitialWindow = value;
          for (const state of this.streams.values()) state.sendWindow += delta;
          break;
        }
        case Setting.MAX_FRAME_SIZE:
          this.peerMaxFrame = value;
          break;
        default:
          break; // HEADER_TABLE_SIZE: nothing is ever indexed on our side
      }
    }
    this.write(frame(FrameType.SETTINGS, ACK, 0, Buffer.alloc(0)));
    this.flushAll();
    this.openWaiting();
  }

  private goawayIn(lastStreamId: number, code: number): void {
    this.goneAway = true;
    const why = `the server is going away (${codeName(code)})`;
    for (const state of [...this.streams.values()]) {
      if (state.id <= lastStreamId) continue; // still answered
      this.streams.delete(state.id);
      state.callbacks.onClose(new Http2StreamError(why, true));
    }
    for (const { state } of this.waiting.splice(0)) state.callbacks.onClose(new Http2StreamError(why, true));
    if (this.streams.size === 0) this.destroy();
    this.onClose(this); // no new streams here: the owner opens another connection
  }

  private ended(): void {
    if (this.socketClosed) return;
    this.socketClosed = true;
    const why = this.failure?.message ?? 'the connection closed';
    // Not sent: the connection was never made, or the stream never opened.
    for (const state of this.streams.values())
      state.callbacks.onClose(new Http2StreamError(why, !this.connected));
    for (const { state } of this.waiting) state.callbacks.onClose(new Http2StreamError(why, true));
    this.streams.clear();
    this.waiting.length = 0;
    this.pings.clear();
    this.onClose(this);
  }
}

function frame(type: FrameType, flags: number, streamId: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(9 + payload.length);
  out.writeUIntBE(payload.length, 0, 3);
  out[3] = type;
  out[4] = flags;
  out.writeUInt32BE(streamId, 5);
  payload.copy(out, 9);
  return out;
}

function settingsFrame(settings: Array<[Setting, number]>): Buffer {
  const payload = Buffer.alloc(6 * settings.length);
  settings.forEach(([id, value], i) => {
    payload.writeUInt16BE(id, 6 * i);
    payload.writeUInt32BE(value, 6 * i + 2);
  });
  return frame(FrameType.SETTINGS, 0, 0, payload);
}

/** A frame whose payload is one 32-bit number: WINDOW_UPDATE's increment, RST_STREAM's code. */
function u32Frame(type: FrameType, streamId: number, value: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(value);
  return frame(type, 0, streamId, payload);
}

const windowUpdateFrame = (streamId: number, increment: number) =>
  u32Frame(FrameType.WINDOW_UPDATE, streamId, increment);
const rstStreamFrame = (streamId: number, code: number) => u32Frame(FrameType.RST_STREAM, streamId, code);

/** A stream id or window increment: 31 bits, the top bit reserved (RFC 9113 §4.1, §6.9). */
function readU31(buf: Buffer, at: number): number {
  return buf.readUInt32BE(at) & 0x7fff_ffff;
}

function goawayFrame(code: number): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeUInt32BE(code, 4);
  return frame(FrameType.GOAWAY, 0, 0, payload);
}

/** A PADDED frame's payload without its pad length byte and padding. */
function unpad(payload: Buffer): Buffer {
  const padding = payload[0];
  if (padding >= payload.length) throw new Error('padding longer than the frame');
  return payload.subarray(1, payload.length - padding);
}

function codeName(code: number): string {
  const name = Object.entries(Http2Code).find(([, c]) => c === code)?.[0];
  return name ?? `HTTP/2 error ${code}`;
}
