// SPDY/3.1 framing (draft-mbelshe-httpbis-spdy-00 §2.2; SPDY/3.1 adds session flow control).
//
// Every frame has an 8-byte header. Control frames: C=1, version 3, a type, flags, a 24-bit length.
//
//   +----------------------------------+        +----------------------------------+
//   |C| Version(15bits) | Type(16bits) |        |C|       Stream-ID (31bits)       |
//   +----------------------------------+        +----------------------------------+
//   | Flags (8)  |  Length (24 bits)   |        | Flags (8)  |  Length (24 bits)   |
//   +----------------------------------+        +----------------------------------+
//   |               Data               |        |               Data               |
//        control frame (C=1)                          data frame (C=0)
//
// Header blocks (in SYN_STREAM, SYN_REPLY, HEADERS) are zlib-compressed; see zlib.ts.

export const SPDY_VERSION = 3;

export const FrameType = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

/** RST_STREAM status codes. */
export const RstStatus = {
  PROTOCOL_ERROR: 1,
  INVALID_STREAM: 2,
  REFUSED_STREAM: 3,
  CANCEL: 5,
  INTERNAL_ERROR: 6,
} as const;

export type Frame =
  | { type: 'data'; streamId: number; fin: boolean; data: Buffer }
  | { type: 'syn_stream'; streamId: number; associatedId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'syn_reply'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'headers'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'settings' }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'window_update'; streamId: number; delta: number }
  | { type: 'unknown'; frameType: number };

const HEADER = 8;
const STREAM_ID_MASK = 0x7fffffff;

/** Cuts a byte stream into frames; keeps any partial frame until the rest arrives. */
export class FrameParser {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const frames: Frame[] = [];
    while (this.buffered.length >= HEADER) {
      const length = this.buffered.readUIntBE(5, 3);
      if (this.buffered.length < HEADER + length) break;
      frames.push(parseFrame(this.buffered.subarray(0, HEADER + length)));
      this.buffered = this.buffered.subarray(HEADER + length);
    }
    return frames;
  }
}

function parseFrame(buf: Buffer): Frame {
  const flags = buf[4];
  const body = buf.subarray(HEADER);
  const fin = (flags & FLAG_FIN) !== 0;
  if ((buf[0] & 0x80) === 0)
    return { type: 'data', streamId: buf.readUInt32BE(0) & STREAM_ID_MASK, fin, data: body };
  const type = buf.readUInt16BE(2);
  switch (type) {
    case FrameType.SYN_STREAM:
      // stream id, associated-to stream id, priority(3) unused(5) slot(8), header block
      return {
        type: 'syn_stream',
        streamId: body.readUInt32BE(0) & STREAM_ID_MASK,
        associatedId: body.readUInt32BE(4) & STREAM_ID_MASK,
        fin,
        headerBlock: body.subarray(10),
      };
    case FrameType.SYN_REPLY:
      return {
        type: 'syn_reply',
        streamId: body.readUInt32BE(0) & STREAM_ID_MASK,
        fin,
        headerBlock: body.subarray(4),
      };
    case FrameType.HEADERS:
      return {
        type: 'headers',
        streamId: body.readUInt32BE(0) & STREAM_ID_MASK,
        fin,
        headerBlock: body.subarray(4),
      };
    case FrameType.RST_STREAM:
      return {
        type: 'rst_stream',
        streamId: body.readUInt32BE(0) & STREAM_ID_MASK,
        status: body.readUInt32BE(4),
      };
    case FrameType.SETTINGS:
      return { type: 'settings' };
    case FrameType.PING:
      return { type: 'ping', id: body.readUInt32BE(0) };
    case FrameType.GOAWAY:
      return {
        type: 'goaway',
        lastGoodStreamId: body.readUInt32BE(0) & STREAM_ID_MASK,
        status: body.length >= 8 ? body.readUInt32BE(4) : 0,
      };
    case FrameType.WINDOW_UPDATE:
      return {
        type: 'window_update',
        streamId: body.readUInt32BE(0) & STREAM_ID_MASK,
        delta: body.readUInt32BE(4) & STREAM_ID_MASK,
      };
    default:
      return { type: 'unknown', frameType: type };
  }
}

function controlFrame(type: number, flags: number, body: Buffer): Buffer {
  const h = Buffer.alloc(HEADER);
  h.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  h.writeUInt16BE(type, 2);
  h.writeUInt32BE(body.length, 4);
  h[4] = flags; // flags share the first byte of the length word
  return Buffer.concat([h, body]);
}

export function dataFrame(streamId: number, data: Buffer, fin: boolean): Buffer {
  const h = Buffer.alloc(HEADER);
  h.writeUInt32BE(streamId & STREAM_ID_MASK, 0);
  h.writeUInt32BE(data.length, 4);
  h[4] = fin ? FLAG_FIN : 0;
  return Buffer.concat([h, data]);
}

export function synReplyFrame(streamId: number, compressedHeaders: Buffer, fin: boolean): Buffer {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(streamId);
  return controlFrame(FrameType.SYN_REPLY, fin ? FLAG_FIN : 0, Buffer.concat([id, compressedHeaders]));
}

export function synStreamFrame(streamId: number, compressedHeaders: Buffer, fin: boolean): Buffer {
  const b = Buffer.alloc(10);
  b.writeUInt32BE(streamId);
  return controlFrame(FrameType.SYN_STREAM, fin ? FLAG_FIN : 0, Buffer.concat([b, compressedHeaders]));
}

export function rstStreamFrame(streamId: number, status: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(streamId);
  b.writeUInt32BE(status, 4);
  return controlFrame(FrameType.RST_STREAM, 0, b);
}

export function pingFrame(id: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(id);
  return controlFrame(FrameType.PING, 0, b);
}

export function goAwayFrame(lastGoodStreamId: number, status = 0): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(lastGoodStreamId);
  b.writeUInt32BE(status, 4);
  return controlFrame(FrameType.GOAWAY, 0, b);
}

/** An uncompressed header block: pair count, then length-prefixed names and values (names lower-case). */
export function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const entries = Object.entries(headers);
  parts.push(u32(entries.length));
  for (const [k, v] of entries) {
    const name = Buffer.from(k.toLowerCase());
    const value = Buffer.from(v);
    parts.push(u32(name.length), name, u32(value.length), value);
  }
  return Buffer.concat(parts);
}

/** Names are lower-cased; several values of one name arrive NUL-separated and are kept so. */
export function decodeHeaderBlock(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  const count = buf.readUInt32BE(0);
  let off = 4;
  for (let i = 0; i < count; i++) {
    const nameLen = buf.readUInt32BE(off);
    const name = buf
      .subarray(off + 4, off + 4 + nameLen)
      .toString()
      .toLowerCase();
    off += 4 + nameLen;
    const valueLen = buf.readUInt32BE(off);
    out[name] = buf.subarray(off + 4, off + 4 + valueLen).toString();
    off += 4 + valueLen;
  }
  return out;
}
