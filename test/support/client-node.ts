// The calls @kubernetes/client-node's examples make, wrapped for tests: what a stream received,
// an exec's output and final Status, and a local port forwarded to a pod's (one WebSocket per
// connection, as the client does it).
import { type AddressInfo, createServer } from 'node:net';
import { Writable } from 'node:stream';
import { Exec, type KubeConfig, PortForward, type V1Status } from '@kubernetes/client-node';

/** A writable that keeps everything written to it, as text. */
export function textSink(): { w: Writable; text(): string } {
  let text = '';
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { w, text: () => text };
}

/** Exec without stdin or TTY; resolves when the command's Status arrives. */
export async function execToStatus(
  kc: KubeConfig,
  namespace: string,
  pod: string,
  container: string,
  command: string[],
): Promise<{ stdout: string; stderr: string; status: V1Status }> {
  const out = textSink();
  const err = textSink();
  const status = await new Promise<V1Status>((resolve, reject) => {
    new Exec(kc).exec(namespace, pod, container, command, out.w, err.w, null, false, resolve).catch(reject);
  });
  return { stdout: out.text(), stderr: err.text(), status };
}

/** A loopback port whose every connection is forwarded to `port` of the pod; close() ends it. */
export async function forwardLocally(
  kc: KubeConfig,
  namespace: string,
  pod: string,
  port: number,
): Promise<{ port: number; close(): void }> {
  const forward = new PortForward(kc);
  const local = createServer((socket) => {
    forward.portForward(namespace, pod, [port], socket, null, socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
  return { port: (local.address() as AddressInfo).port, close: () => local.close() };
}
