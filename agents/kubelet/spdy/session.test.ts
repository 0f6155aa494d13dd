// A SPDY client written with our own framer talks to SpdySession over loopback TCP, the way
// client-go's spdystream would: open a stream, get the reply, exchange data, half-close, ping.
import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  dataFrame,
  decodeHeaderBlock,
  encodeHeaderBlock,
  type Frame,
  FrameParser,
  pingFrame,
  synStreamFrame,
} from './frames';
import { SpdySession, type SpdyStream } from './session';
import { HeaderCompressor, HeaderDecompressor } from './zlib';

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup) c();
  cleanup = [];
});

async function pair(): Promise<{ client: Socket; session: SpdySession }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  const client = connect((server.address() as { port: number }).port, '127.0.0.1');
  const session = new SpdySession(await accepted);
  cleanup.push(() => {
    client.destroy();
    server.close();
  });
  return { client, session };
}

/** Collect frames the client receives, decompressing reply headers in order. */
function frames(client: Socket) {
  const parser = new FrameParser();
  const got: Frame[] = [];
  client.on('data', (d: Buffer) => got.push(...parser.push(d)));
  return got;
}

describe('SpdySession', () => {
  it('replies to SYN_STREAM, carries data both ways, honours FIN and echoes PING', async () => {
    const { client, session } = await pair();
    const received = frames(client);
    const streams: SpdyStream[] = [];
    session.on('stream', (s) => {
      streams.push(s);
      s.on('data', (d: Buffer) => s.write(Buffer.from(`echo:${d}`)));
      s.on('end', () => s.end());
    });
    const deflate = new HeaderCompressor();
    client.write(
      synStreamFrame(
        1,
        await deflate.compress(encodeHeaderBlock({ streamtype: 'stdin', requestid: '0' })),
        false,
      ),
    );
    client.write(dataFrame(1, Buffer.from('hi'), false));
    client.write(dataFrame(1, Buffer.alloc(0), true));
    client.write(pingFrame(3));
    // The reply comes first; the ping's echo may land anywhere among the data frames.
    await expect.poll(() => received.length).toBe(4);
    expect(received[0].type).toBe('syn_reply');
    const pings = received.filter((f) => f.type === 'ping');
    const data = received.filter((f) => f.type === 'data');
    expect(streams[0].headers).toEqual({ streamtype: 'stdin', requestid: '0' });
    const inflate = new HeaderDecompressor();
    const reply = received[0] as Extract<Frame, { type: 'syn_reply' }>;
    expect(reply.streamId).toBe(1);
    expect(decodeHeaderBlock(await inflate.decompress(reply.headerBlock))).toEqual({});
    expect(data[0]).toMatchObject({ streamId: 1, data: Buffer.from('echo:hi'), fin: false });
    expect(data[1]).toMatchObject({ streamId: 1, fin: true });
    expect(pings).toEqual([{ type: 'ping', id: 3 }]);
    deflate.close();
    inflate.close();
    session.destroy();
  });
});
