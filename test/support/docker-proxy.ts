// A Docker socket the test can stop: a unix socket that relays each connection to the real
// engine (/var/run/docker.sock). A kubelet pointed at it (--docker-endpoint=unix://<path>) sees
// Docker go away ('refuse': the socket is gone, as when dockerd stops) or hang ('hang': new
// connections are accepted but not answered, as when dockerd is frozen), and come back ('pass':
// held connections are relayed then, so a frozen request is finally answered).

import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type ProxyMode = 'pass' | 'hang' | 'refuse';

export interface DockerProxy {
  socketPath: string;
  setMode(mode: ProxyMode): Promise<void>;
  close(): Promise<void>;
}

export async function startDockerProxy(upstream = '/var/run/docker.sock'): Promise<DockerProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'nodekube-docker-proxy-'));
  const socketPath = join(dir, 'docker.sock');
  let mode: ProxyMode = 'pass';
  const live = new Set<Socket>();
  const held: Socket[] = [];
  let server: Server | undefined;

  const relay = (client: Socket) => {
    const engine = connect(upstream);
    live.add(client).add(engine);
    const drop = () => {
      client.destroy();
      engine.destroy();
      live.delete(client);
      live.delete(engine);
    };
    client.on('error', drop).on('close', drop);
    engine.on('error', drop).on('close', drop);
    client.pipe(engine).pipe(client);
    client.resume();
  };
  const onConnection = (client: Socket) => {
    if (mode === 'pass') return relay(client);
    client.pause();
    held.push(client);
    client.on('error', () => client.destroy());
  };
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer({ pauseOnConnect: true }, onConnection);
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
  const unlisten = () =>
    new Promise<void>((resolve) => {
      for (const s of [...live, ...held.splice(0)]) s.destroy();
      live.clear();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });

  await listen();
  return {
    socketPath,
    async setMode(next) {
      if (next === mode) return;
      if (next === 'refuse') await unlisten();
      if (mode === 'refuse') await listen();
      if (next === 'hang') {
        // A frozen engine: what was in flight never completes, new requests wait.
        for (const s of live) s.pause();
      }
      mode = next;
      if (next === 'pass') {
        for (const s of live) s.resume();
        for (const c of held.splice(0)) relay(c);
      }
    },
    async close() {
      await unlisten();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
