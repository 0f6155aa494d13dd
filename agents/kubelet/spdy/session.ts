// The server side of a SPDY/3.1 session, as much as Kubernetes' streaming needs (client-go's
// spdy round-tripper and moby/spdystream on the other end):
//
//   the client opens streams with SYN_STREAM (odd ids) and headers such as `streamtype: stdout`;
//   we answer each with SYN_REPLY, then both sides send DATA; FIN half-closes one direction;
//   RST_STREAM aborts a stream; PINGs are echoed; GOAWAY ends the session.
//
// spdystream implements no flow control (WINDOW_UPDATE and SETTINGS are ignored on its side), so
// neither do we. Every outgoing frame goes through one ordered queue: a SYN_REPLY needs async
// compression, and no DATA of a stream may overtake its reply.

import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import {
  dataFrame,
  decodeHeaderBlock,
  encodeHeaderBlock,
  type Frame,
  FrameParser,
  goAwayFrame,
  pingFrame,
  RstStatus,
  rstStreamFrame,
  synReplyFrame,
} from './frames';
import { HeaderCompressor, HeaderDecompressor } from './zlib';

const MAX_DATA_FRAME = 32 * 1024;

/** One SPDY stream as a Node Duplex: readable = the peer's DATA, writable = ours. */
export class SpdyStream extends Duplex {
  constructor(
    readonly id: number,
    readonly headers: Record<string, string>,
    private readonly session: SpdySession,
  ) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.session.sendData(this.id, chunk, false).then(() => cb(), cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.session.sendData(this.id, Buffer.alloc(0), true).then(() => cb(), cb);
  }

  /** Abort the stream (RST_STREAM CANCEL). */
  reset(): void {
    this.session.resetStream(this.id);
    this.destroy();
  }
}

export interface SpdySessionEvents {
  stream: [SpdyStream];
  close: [];
}

export class SpdySession extends EventEmitter<SpdySessionEvents> {
  private readonly parser = new FrameParser();
  private readonly inflate = new HeaderDecompressor();
  private readonly deflate = new HeaderCompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private incoming: Promise<void> = Promise.resolve();
  private outgoing: Promise<void> = Promise.resolve();
  private lastStreamId = 0;
  private closed = false;

  constructor(private readonly socket: Duplex) {
    super();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.parser.push(chunk)) {
        this.incoming = this.incoming.then(() => this.handle(frame)).catch(() => this.destroy());
      }
    });
    socket.on('close', () => this.destroy());
    socket.on('end', () => this.destroy());
    socket.on('error', () => this.destroy());
  }

  private async handle(frame: Frame): Promise<void> {
    switch (frame.type) {
      case 'syn_stream': {
        const headers = decodeHeaderBlock(await this.inflate.decompress(frame.headerBlock));
        this.lastStreamId = frame.streamId;
        const stream = new SpdyStream(frame.streamId, headers, this);
        this.streams.set(frame.streamId, stream);
        await this.reply(frame.streamId);
        if (frame.fin) stream.push(null);
        this.emit('stream', stream);
        return;
      }
      case 'headers':
        await this.inflate.decompress(frame.headerBlock); // keep the zlib context in step
        if (frame.fin) this.streams.get(frame.streamId)?.push(null);
        return;
      case 'data': {
        const s = this.streams.get(frame.streamId);
        if (!s) return;
        if (frame.data.length) s.push(frame.data);
        if (frame.fin) s.push(null);
        return;
      }
      case 'rst_stream': {
        const s = this.streams.get(frame.streamId);
        this.streams.delete(frame.streamId);
        s?.push(null);
        s?.destroy();
        return;
      }
      case 'ping':
        this.enqueue(async () => pingFrame(frame.id));
        return;
      case 'goaway':
        this.destroy();
        return;
      default:
        return; // SETTINGS, WINDOW_UPDATE, unknown: nothing to do
    }
  }

  private reply(streamId: number): Promise<void> {
    return this.enqueue(async () =>
      synReplyFrame(streamId, await this.deflate.compress(encodeHeaderBlock({})), false),
    );
  }

  /** Queue a frame; resolves once it is handed to the socket (waiting for drain if needed). */
  private enqueue(build: () => Promise<Buffer>): Promise<void> {
    const next = this.outgoing.then(async () => {
      if (this.closed) throw new Error('SPDY session closed');
      const bytes = await build();
      if (!this.socket.write(bytes)) await new Promise((r) => this.socket.once('drain', r));
    });
    this.outgoing = next.catch(() => undefined);
    return next;
  }

  sendData(streamId: number, data: Buffer, fin: boolean): Promise<void> {
    if (data.length <= MAX_DATA_FRAME) return this.enqueue(async () => dataFrame(streamId, data, fin));
    const sends: Promise<void>[] = [];
    for (let off = 0; off < data.length; off += MAX_DATA_FRAME) {
      const last = off + MAX_DATA_FRAME >= data.length;
      sends.push(
        this.enqueue(async () => dataFrame(streamId, data.subarray(off, off + MAX_DATA_FRAME), fin && last)),
      );
    }
    return Promise.all(sends).then(() => undefined);
  }

  resetStream(streamId: number): void {
    this.streams.delete(streamId);
    this.enqueue(async () => rstStreamFrame(streamId, RstStatus.CANCEL)).catch(() => undefined);
  }

  /** GOAWAY after everything queued, then end our side; the peer closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.enqueue(async () => goAwayFrame(this.lastStreamId)).catch(() => undefined);
    await this.outgoing;
    this.socket.end();
    this.destroy(false);
    // A peer that never closes its side gets cut off after a while.
    setTimeout(() => this.socket.destroy(), 5000).unref();
  }

  destroy(hard = true): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) {
      s.push(null);
      s.destroy();
    }
    this.streams.clear();
    this.inflate.close();
    this.deflate.close();
    if (hard && !this.socket.destroyed) this.socket.destroy();
    this.emit('close');
  }
}
