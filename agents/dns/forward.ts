// Names outside the cluster go to the node's own resolvers, the ones its resolv.conf lists
// (upstream CoreDNS: `forward . /etc/resolv.conf`). Never a public resolver of our choosing: a
// cluster with no upstream answers SERVFAIL at once rather than sending queries off the node.
//
// The query bytes go out unchanged (same id) and the first answer comes back unchanged; each
// resolver is tried in order within the timeout.
import dgram from 'node:dgram';
import net from 'node:net';

export interface Forwarder {
  /** Upstream resolvers in the order they are tried. */
  readonly upstreams: readonly string[];
  forward(query: Buffer, proto: 'udp' | 'tcp'): Promise<Buffer>;
}

/** The `nameserver` lines of a resolv.conf, in order. */
export function resolversFrom(resolvConf: string): string[] {
  return resolvConf
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([key, addr]) => key === 'nameserver' && addr)
    .map(([, addr]) => addr);
}

export function createForwarder(upstreams: string[], timeoutMs: number, port = 53): Forwarder {
  return {
    upstreams,
    async forward(query, proto) {
      if (upstreams.length === 0) throw new Error('no upstream resolvers');
      let last: unknown;
      for (const server of upstreams) {
        try {
          return await (proto === 'udp' ? viaUdp : viaTcp)(query, server, port, timeoutMs);
        } catch (err) {
          last = err;
        }
      }
      throw last;
    },
  };
}

function viaUdp(query: Buffer, server: string, port: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(server.includes(':') ? 'udp6' : 'udp4');
    const done = (err?: Error, reply?: Buffer) => {
      clearTimeout(timer);
      socket.close();
      if (reply) resolve(reply);
      else reject(err);
    };
    const timer = setTimeout(() => done(new Error(`${server}: no answer in ${timeoutMs} ms`)), timeoutMs);
    socket.on('message', (msg) => {
      // Only the reply to our query: same id.
      if (msg.length >= 2 && msg.readUInt16BE(0) === query.readUInt16BE(0)) done(undefined, msg);
    });
    socket.on('error', (err) => done(err));
    socket.send(query, port, server);
  });
}

function viaTcp(query: Buffer, server: string, port: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: server, port });
    let buf = Buffer.alloc(0);
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`${server}: no answer in ${timeoutMs} ms`)));
    socket.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      socket.write(Buffer.concat([len, query]));
    });
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        socket.end();
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`${server}: closed before answering`)));
  });
}
