// A keep-alive HTTP/1.1 client on node:http for the benches that measure a server's write rate.
// The server, etcd and this client share the machine's cores, so the client must cost little:
// per pod create, fetch (undici) used ~720 µs of CPU here against ~150–200 µs for node:http
// with a keep-alive agent — with fetch the bench measured the client as much as the server.
import http from 'node:http';

export class KeepAliveClient {
  private readonly agent: http.Agent;

  constructor(
    private readonly base: string,
    sockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }

  /** POST a JSON body; resolves with the status code once the answer is read. */
  post(path: string, body: string): Promise<number> {
    return this.send('POST', path, body);
  }

  /** Any method with a body; resolves with the status code once the answer is read. */
  send(method: string, path: string, body: string, contentType = 'application/json'): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        this.base + path,
        {
          method,
          agent: this.agent,
          headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
