// Http2Connection (and GrpcChannel on top of it) against node:http2's server, an independent
// HTTP/2 implementation (nghttp2), in plain text on loopback. Where a test must prove what went
// over the wire (padding, CONTINUATION), a small proxy between the two records the server's frames.

import { createHash, randomBytes } from 'node:crypto';
import http2 from 'node:http2';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { frame, GrpcChannel, GrpcError, GrpcStatus } from './grpc-channel';
import { encodeHeaders } from './hpack';
import { type ClientStream, Http2Code, Http2Connection, Http2StreamError } from './http2-connection';

type Fields = Array<[string, string]>;

interface Answer {
  headers: Fields[];
  data: Buffer;
  error?: Http2StreamError;
}

interface Server {
  server: http2.Http2Server;
  port: number;
  /** The raw TCP sockets the server accepted, in order. */
  sockets: net.Socket[];
  /** Its HTTP/2 sessions, in order. */
  sessions: http2.ServerHttp2Session[];
}

type StreamHandler = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void;

const servers: net.Server[] = [];
const sockets: net.Socket[] = [];
const connections: Http2Connection[] = [];
const channels: GrpcChannel[] = [];

afterEach(async () => {
  for (const channel of channels.splice(0)) channel.close();
  for (const connection of connections.splice(0)) connection.destroy();
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(
    servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
});

const ignore = () => undefined;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const field = (fields: Fields, name: string) => fields.find(([n]) => n === name)?.[1];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A node:http2 h2c server on 127.0.0.1, port 0; `onStream` answers each stream. */
async function startServer(onStream: StreamHandler, options: http2.ServerOptions = {}): Promise<Server> {
  const server = http2.createServer(options);
  const accepted: net.Socket[] = [];
  const sessions: http2.ServerHttp2Session[] = [];
  servers.push(server);
  server.on('connection', (socket: net.Socket) => {
    accepted.push(socket);
    sockets.push(socket);
  });
  server.on('session', (session) => {
    sessions.push(session);
    session.on('error', ignore);
  });
  server.on('stream', (stream, headers) => {
    // A stream closed with an error code (ours or the client's) emits 'error' on the server.
    stream.on('error', ignore);
    onStream(stream, headers);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as net.AddressInfo).port, sockets: accepted, sessions };
}

/** The type and flags of every frame the server sent, read by a proxy in between. */
interface FrameSeen {
  type: number;
  flags: number;
  length: number;
}

const DATA = 0;
const HEADERS = 1;
const CONTINUATION = 9;
const PADDED = 0x8;
const END_HEADERS = 0x4;

async function sniffingProxy(targetPort: number): Promise<{ port: number; frames: FrameSeen[] }> {
  const frames: FrameSeen[] = [];
  const proxy = net.createServer((client) => {
    sockets.push(client);
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.push(upstream);
    let pending = Buffer.alloc(0);
    upstream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 9) {
        const length = pending.readUIntBE(0, 3);
        if (pending.length < 9 + length) break;
        frames.push({ type: pending[3], flags: pending[4], length });
        pending = pending.subarray(9 + length);
      }
      client.write(chunk);
    });
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ]) {
      a.on('error', ignore);
      a.on('close', () => b.destroy());
    }
  });
  servers.push(proxy);
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return { port: (proxy.address() as net.AddressInfo).port, frames };
}

function connect(port: number, onClose: (c: Http2Connection) => void = ignore): Http2Connection {
  const connection = new Http2Connection({ host: '127.0.0.1', port }, onClose);
  connections.push(connection);
  return connection;
}

/** A connection, and a promise of its (first) onClose: on GOAWAY or when the socket closed. */
function connectWatched(port: number): { connection: Http2Connection; closed: Promise<void> } {
  let closed!: () => void;
  const promise = new Promise<void>((resolve) => {
    closed = resolve;
  });
  return { connection: connect(port, () => closed()), closed: promise };
}

function requestBlock(port: number, path = '/x', extra: Fields = []): Buffer {
  return encodeHeaders([
    [':method', 'POST'],
    [':scheme', 'http'],
    [':path', path],
    [':authority', `127.0.0.1:${port}`],
    ...extra,
  ]);
}

/** Opens a stream; `answer` resolves when its onClose fires, with all it heard. */
function exchange(
  connection: Http2Connection,
  block: Buffer,
  body?: Buffer,
  end = true,
): { stream: ClientStream; answer: Promise<Answer> } {
  const headers: Fields[] = [];
  const chunks: Buffer[] = [];
  let stream!: ClientStream;
  const answer = new Promise<Answer>((resolve) => {
    stream = connection.request(
      block,
      {
        onHeaders: (fields) => headers.push(fields),
        onData: (data) => chunks.push(Buffer.from(data)),
        onClose: (error) => resolve({ headers, data: Buffer.concat(chunks), error }),
      },
      body,
      end,
    );
  });
  return { stream, answer };
}

/** Resolves on the server's PING ACK: its SETTINGS, sent first, have been read by then. */
function pinged(connection: Http2Connection): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!connection.ping(resolve)) reject(new Error('ping refused'));
  });
}

/** Reads a server stream's whole request body. */
function readBody(stream: http2.ServerHttp2Stream): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

describe('Http2Connection against node:http2', () => {
  it('sends a body with END_STREAM and hears response headers, echoed DATA and trailers', async () => {
    const { port } = await startServer(async (stream) => {
      const body = await readBody(stream);
      stream.on('wantTrailers', () =>
        stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': 'all good' }),
      );
      stream.respond({ ':status': 200 }, { waitForTrailers: true });
      stream.end(body);
    });
    const connection = connect(port);
    const body = Buffer.from('hello over hand-written HTTP/2');
    const { answer } = exchange(connection, requestBlock(port), body, true);
    const got = await answer;
    expect(got.error).toBeUndefined();
    expect(got.headers).toHaveLength(2);
    expect(field(got.headers[0], ':status')).toBe('200');
    expect(field(got.headers[0], 'grpc-status')).toBeUndefined();
    expect(field(got.headers[1], 'grpc-status')).toBe('0');
    expect(field(got.headers[1], 'grpc-message')).toBe('all good');
    expect(got.data.equals(body)).toBe(true);
  });

  it('moves 3 MiB each way intact through flow control (windows of 65,535 bytes)', async () => {
    const size = 3 * 1024 * 1024;
    const response = randomBytes(size);
    const { port } = await startServer(async (stream) => {
      const body = await readBody(stream);
      stream.respond({ ':status': 200, 'x-body-sha256': sha256(response), 'x-request-length': body.length });
      stream.write(sha256(body));
      stream.end(response);
    });
    const connection = connect(port);
    const request = randomBytes(size);
    // 2 MiB with the HEADERS, the last MiB through write(): both wait for the server's windows.
    const { stream, answer } = exchange(
      connection,
      requestBlock(port),
      request.subarray(0, 2 * 1024 * 1024),
      false,
    );
    stream.write(request.subarray(2 * 1024 * 1024), true);
    const got = await answer;
    expect(got.error).toBeUndefined();
    expect(field(got.headers[0], 'x-request-length')).toBe(String(size));
    expect(got.data.subarray(0, 64).toString()).toBe(sha256(request));
    expect(got.data.length).toBe(64 + size);
    expect(sha256(got.data.subarray(64))).toBe(field(got.headers[0], 'x-body-sha256'));
  });

  it("queues streams beyond the server's MAX_CONCURRENT_STREAMS: 20 at once all complete, never 2+ open", async () => {
    let active = 0;
    let most = 0;
    let seen = 0;
    const { port } = await startServer(
      (stream) => {
        seen++;
        active++;
        most = Math.max(most, active);
        setTimeout(() => {
          active--;
          stream.respond({ ':status': 200 });
          stream.end(`answer ${stream.id}`);
        }, 20);
      },
      { settings: { maxConcurrentStreams: 2 } },
    );
    const connection = connect(port);
    // First the server's SETTINGS, its limit among them. Streams opened before they arrive are
    // not held back (the limit is not known yet), and nghttp2 refuses those beyond 2 with
    // REFUSED_STREAM (notSent), as RFC 9113 §5.1.2 lets it.
    await pinged(connection);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => exchange(connection, requestBlock(port, `/n/${i}`)).answer),
    );
    for (const got of answers) {
      expect(got.error).toBeUndefined();
      expect(field(got.headers[0], ':status')).toBe('200');
      expect(got.data.toString()).toMatch(/^answer \d+$/);
    }
    expect(new Set(answers.map((a) => a.data.toString())).size).toBe(20);
    expect(seen).toBe(20);
    expect(most).toBe(2);
    expect(connection.usable).toBe(true);
  });

  it('reads padded DATA and HEADERS (PADDING_STRATEGY_MAX) unpadded and intact', async () => {
    const body = randomBytes(100_000);
    const { port: serverPort } = await startServer(
      (stream) => {
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.respond({ ':status': 200, 'x-padded': 'yes' }, { waitForTrailers: true });
        stream.end(body);
      },
      { paddingStrategy: http2.constants.PADDING_STRATEGY_MAX },
    );
    const proxy = await sniffingProxy(serverPort);
    const connection = connect(proxy.port);
    const got = await exchange(connection, requestBlock(serverPort)).answer;
    expect(got.error).toBeUndefined();
    expect(field(got.headers[0], ':status')).toBe('200');
    expect(field(got.headers[0], 'x-padded')).toBe('yes');
    expect(field(got.headers[1], 'grpc-status')).toBe('0');
    expect(got.data.equals(body)).toBe(true);
    // The padding really was on the wire.
    expect(proxy.frames.some((f) => f.type === DATA && f.flags & PADDED && f.length > 0)).toBe(true);
    expect(proxy.frames.some((f) => f.type === HEADERS && f.flags & PADDED)).toBe(true);
  });

  it('joins a response header block over 16 KiB split into HEADERS + CONTINUATION', async () => {
    const big: Record<string, string> = {};
    for (let i = 0; i < 40; i++) big[`x-big-${i}`] = randomBytes(500).toString('hex'); // 1,000 chars
    const { port: serverPort } = await startServer(
      (stream) => {
        stream.respond({ ':status': 200, ...big });
        stream.end('after the big headers');
      },
      { maxSendHeaderBlockLength: 200_000 },
    );
    const proxy = await sniffingProxy(serverPort);
    const connection = connect(proxy.port);
    // Twice: the second block leans on whatever the first left in the HPACK dynamic table.
    for (let round = 0; round < 2; round++) {
      const got = await exchange(connection, requestBlock(serverPort)).answer;
      expect(got.error).toBeUndefined();
      expect(got.headers).toHaveLength(1);
      expect(field(got.headers[0], ':status')).toBe('200');
      for (const [name, value] of Object.entries(big)) expect(field(got.headers[0], name)).toBe(value);
      expect(got.data.toString()).toBe('after the big headers');
    }
    const continuations = proxy.frames.filter((f) => f.type === CONTINUATION);
    expect(continuations.length).toBeGreaterThanOrEqual(2);
    expect(proxy.frames.some((f) => f.type === HEADERS && !(f.flags & END_HEADERS))).toBe(true);
  });

  it("closes a stream on the server's RST_STREAM: REFUSED_STREAM notSent, INTERNAL_ERROR not", async () => {
    const { port } = await startServer((stream, headers) => {
      stream.close(
        headers[':path'] === '/refuse'
          ? http2.constants.NGHTTP2_REFUSED_STREAM
          : http2.constants.NGHTTP2_INTERNAL_ERROR,
      );
    });
    const connection = connect(port);
    const refused = await exchange(connection, requestBlock(port, '/refuse'), Buffer.from('a')).answer;
    expect(refused.error).toBeInstanceOf(Http2StreamError);
    expect(refused.error?.notSent).toBe(true);
    expect(refused.error?.message).toContain('REFUSED_STREAM');
    const failed = await exchange(connection, requestBlock(port, '/fail'), Buffer.from('b')).answer;
    expect(failed.error).toBeInstanceOf(Http2StreamError);
    expect(failed.error?.notSent).toBe(false);
    expect(failed.error?.message).toContain('error 2');
    expect(connection.usable).toBe(true); // a stream error, not a connection one
  });

  it('after GOAWAY: not usable, request() throws notSent, the connection closes once idle', async () => {
    const { port } = await startServer((stream) => {
      // Held now: a closed stream no longer knows its session.
      const session = stream.session;
      const id = stream.id;
      stream.respond({ ':status': 200 });
      stream.end('before goaway');
      stream.on('close', () => session?.goaway(http2.constants.NGHTTP2_NO_ERROR, id));
    });
    const { connection, closed } = connectWatched(port);
    const got = await exchange(connection, requestBlock(port)).answer;
    expect(got.error).toBeUndefined();
    expect(got.data.toString()).toBe('before goaway');
    await closed;
    expect(connection.usable).toBe(false);
    let thrown: unknown;
    try {
      connection.request(requestBlock(port), { onHeaders: ignore, onData: ignore, onClose: ignore });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(Http2StreamError);
    expect((thrown as Http2StreamError).notSent).toBe(true);
  });

  it('on GOAWAY closes streams above its last stream id notSent, and still hears the ones below', async () => {
    const held: http2.ServerHttp2Stream[] = [];
    let bothArrived!: () => void;
    const arrived = new Promise<void>((resolve) => {
      bothArrived = resolve;
    });
    const { port } = await startServer((stream) => {
      held.push(stream);
      if (held.length === 2) bothArrived();
    });
    const { connection, closed } = connectWatched(port);
    const first = exchange(connection, requestBlock(port, '/one')).answer;
    const second = exchange(connection, requestBlock(port, '/three')).answer;
    await arrived;
    const one = held.find((s) => s.id === 1);
    expect(one).toBeDefined();
    expect(held.map((s) => s.id).sort()).toEqual([1, 3]);
    one?.session?.goaway(http2.constants.NGHTTP2_NO_ERROR, 1);
    const three = await second;
    expect(three.error).toBeInstanceOf(Http2StreamError);
    expect(three.error?.notSent).toBe(true);
    expect(connection.usable).toBe(false);
    one?.respond({ ':status': 200 });
    one?.end('one is still answered');
    const got = await first;
    expect(got.error).toBeUndefined();
    expect(got.data.toString()).toBe('one is still answered');
    await closed;
  });

  it('fails a stream notSent (ECONNREFUSED) when nobody listens on the port', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const connection = connect(port);
    const got = await exchange(connection, requestBlock(port), Buffer.from('x')).answer;
    expect(got.error).toBeInstanceOf(Http2StreamError);
    expect(got.error?.notSent).toBe(true);
    expect(got.error?.message).toContain('ECONNREFUSED');
    expect(connection.connected).toBe(false);
    expect(connection.closed).toBe(true);
    expect(connection.usable).toBe(false);
  });

  it('fails a stream with notSent false when the server drops the socket after the request arrived', async () => {
    const server = await startServer(() => {
      for (const socket of server.sockets) socket.destroy();
    });
    const connection = connect(server.port);
    const got = await exchange(connection, requestBlock(server.port), Buffer.from('x')).answer;
    expect(got.error).toBeInstanceOf(Http2StreamError);
    expect(got.error?.notSent).toBe(false);
    expect(connection.closed).toBe(true);
    expect(connection.usable).toBe(false);
  });

  it('reset(): the server sees RST_STREAM CANCEL (8), the client hears nothing more, the connection goes on', async () => {
    let serverClosed!: (code: number) => void;
    const rstCode = new Promise<number>((resolve) => {
      serverClosed = resolve;
    });
    const { port } = await startServer((stream, headers) => {
      if (headers[':path'] === '/after') {
        stream.respond({ ':status': 200 });
        stream.end('after the reset');
        return;
      }
      stream.respond({ ':status': 200 });
      stream.write('first');
      // Keeps writing until the reset arrives, so DATA is in flight when it does.
      const timer = setInterval(() => {
        if (!stream.closed && !stream.destroyed) stream.write(randomBytes(1024));
      }, 1);
      stream.on('close', () => {
        clearInterval(timer);
        serverClosed(stream.rstCode);
      });
    });
    const connection = connect(port);
    const events: string[] = [];
    let resetDone = false;
    const stream = connection.request(
      requestBlock(port),
      {
        onHeaders: () => events.push(resetDone ? 'headers after reset' : 'headers'),
        onData: () => {
          if (resetDone) {
            events.push('data after reset');
            return;
          }
          events.push('data');
          resetDone = true;
          stream.reset();
        },
        onClose: () => events.push(resetDone ? 'close after reset' : 'close'),
      },
      undefined,
      true,
    );
    expect(await rstCode).toBe(Http2Code.CANCEL);
    await pinged(connection); // whatever the server sent before the reset has been read
    await sleep(20);
    expect(events).toEqual(['headers', 'data']);
    const after = await exchange(connection, requestBlock(port, '/after')).answer;
    expect(after.error).toBeUndefined();
    expect(after.data.toString()).toBe('after the reset');
    expect(events).toEqual(['headers', 'data']);
  });

  it('ping(): the callback fires on the PING ACK; once the connection is destroyed ping returns false', async () => {
    const { port } = await startServer(ignore);
    const { connection, closed } = connectWatched(port);
    let acks = 0;
    await new Promise<void>((resolve) => {
      expect(
        connection.ping(() => {
          acks++;
          resolve();
        }),
      ).toBe(true);
    });
    expect(acks).toBe(1);
    await pinged(connection);
    connection.destroy();
    await closed;
    expect(connection.closed).toBe(true);
    expect(connection.ping(() => acks++)).toBe(false);
    await sleep(20);
    expect(acks).toBe(1);
  });
});

describe('Http2Connection: state between events', () => {
  // The socket's 'close' event comes a turn of the event loop after destroy(); in between, the
  // connection must already refuse new streams and pings.
  it('ping() returns false, and usable is false, straight after destroy()', async () => {
    const { port } = await startServer(ignore);
    const connection = connect(port);
    await pinged(connection);
    connection.destroy();
    expect(connection.usable).toBe(false);
    expect(connection.ping(ignore)).toBe(false);
  });

  // RFC 9113 §6.9.2: a stream's send window starts at the SETTINGS_INITIAL_WINDOW_SIZE in force
  // when it opens, not when it was queued behind MAX_CONCURRENT_STREAMS.
  it('a stream queued behind MAX_CONCURRENT_STREAMS opens with the current INITIAL_WINDOW_SIZE', async () => {
    const held: http2.ServerHttp2Stream[] = [];
    let firstArrived!: () => void;
    const arrived = new Promise<void>((resolve) => {
      firstArrived = resolve;
    });
    const { port } = await startServer(
      async (stream, headers) => {
        if (headers[':path'] === '/hold') {
          held.push(stream);
          firstArrived();
          return;
        }
        const body = await readBody(stream);
        stream.respond({ ':status': 200 });
        stream.end(sha256(body));
      },
      { settings: { maxConcurrentStreams: 1 } },
    );
    const connection = connect(port);
    await pinged(connection);
    const hold = exchange(connection, requestBlock(port, '/hold')).answer;
    await arrived;
    const body = randomBytes(200_000);
    const queued = exchange(connection, requestBlock(port, '/body'), body, true).answer; // waits: 1 open
    // The server lowers its stream windows while the second stream waits, then frees the slot.
    await new Promise<void>((resolve) =>
      held[0].session?.settings({ initialWindowSize: 1024 }, () => resolve()),
    );
    held[0].respond({ ':status': 200 });
    held[0].end('released');
    expect((await hold).error).toBeUndefined();
    const got = await queued;
    expect(got.error).toBeUndefined(); // got: "the server reset the stream (HTTP/2 error 3)" (FLOW_CONTROL_ERROR)
    expect(got.data.toString()).toBe(sha256(body));
  });
});

describe('GrpcChannel over Http2Connection, against a node:http2 gRPC-like server', () => {
  it('resolves a unary call, rejects on grpc-status 5 with the decoded message, and on a deadline', async () => {
    const seen: Array<{ path: string; headers: http2.IncomingHttpHeaders; body: Buffer }> = [];
    let silentClosed!: (code: number) => void;
    const silentRst = new Promise<number>((resolve) => {
      silentClosed = resolve;
    });
    const { port } = await startServer(async (stream, headers) => {
      const path = String(headers[':path']);
      if (path === '/svc/Silent') {
        stream.on('close', () => silentClosed(stream.rstCode));
        return; // never answers
      }
      const body = await readBody(stream);
      seen.push({ path, headers, body });
      const status = path === '/svc/Method' ? '0' : '5';
      stream.on('wantTrailers', () =>
        stream.sendTrailers(
          status === '0' ? { 'grpc-status': '0' } : { 'grpc-status': '5', 'grpc-message': 'not%20found' },
        ),
      );
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      if (status === '0') stream.end(frame(Buffer.from('pong')));
      else stream.end();
    });
    const channel = new GrpcChannel(`http://127.0.0.1:${port}`);
    channels.push(channel);

    const pong = await channel.call('/svc/Method', Buffer.from('ping'), 1000);
    expect(pong.toString()).toBe('pong');
    expect(seen[0].headers['content-type']).toBe('application/grpc');
    expect(seen[0].headers.te).toBe('trailers');
    expect(seen[0].headers['grpc-timeout']).toBe('1000m');
    expect(seen[0].body.equals(frame(Buffer.from('ping')))).toBe(true);

    const missing = await channel
      .call('/svc/Missing', Buffer.from('ping'), 1000)
      .catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(GrpcError);
    expect((missing as GrpcError).code).toBe(5);
    expect((missing as GrpcError).message).toBe('not found');

    const started = Date.now();
    const late = await channel.call('/svc/Silent', Buffer.from('ping'), 200).catch((err: unknown) => err);
    const waited = Date.now() - started;
    expect(late).toBeInstanceOf(GrpcError);
    expect((late as GrpcError).code).toBe(GrpcStatus.DEADLINE_EXCEEDED);
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(waited).toBeLessThan(1000);
    expect(await silentRst).toBe(Http2Code.CANCEL);

    channel.close();
    const closed = await channel.call('/svc/Method', Buffer.from('ping'), 1000).catch((err: unknown) => err);
    expect((closed as GrpcError).code).toBe(GrpcStatus.UNAVAILABLE);
  });
});
