import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

// Why not listen(0) and hand out what the kernel picked: that port comes from the ephemeral
// range, the same range every outgoing connection on the machine takes its source port from.
// Between our close() and etcd's bind, a kubectl or client connection of the e2e cluster running
// beside the integration files can take it, and etcd exits with "address already in use" (CI,
// stop 21). Ports below the ephemeral range are only ever taken by listeners, which the bind
// check below sees.
const LOWEST = 20_000;
const handedOut = new Set<number>();

function ephemeralStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    return Number(low) || 32_768;
  } catch {
    return 32_768;
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A TCP port on 127.0.0.1, below the ephemeral range, that was free a moment ago and that this
 * process has not handed out before (two calls in a row never get the same port).
 */
export async function freePort(): Promise<number> {
  const highest = Math.max(LOWEST + 1_000, ephemeralStart()) - 1;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (highest - LOWEST + 1));
    if (handedOut.has(port) || !(await bindable(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port between ${LOWEST} and ${highest} after 200 tries`);
}
