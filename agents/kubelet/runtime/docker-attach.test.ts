// DockerAttacher against a stand-in for one dockerode container: what the attach session returns
// in each of the three cases docker-attach.ts describes.
import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { DockerAttacher } from './docker-attach';

function frame(stream: 1 | 2, payload: string): Buffer {
  const body = Buffer.from(payload);
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
}

/** A container whose attach connections, state, log and exit code the test controls. */
function container(state: { running: boolean; tty?: boolean; log?: Buffer; exitCode?: number }) {
  const attaches: PassThrough[] = [];
  const c = {
    id: 'c1',
    attach: async () => {
      const s = new PassThrough();
      attaches.push(s);
      return s;
    },
    inspect: async () => ({
      Config: { Tty: state.tty === true },
      State: { Running: state.running, ExitCode: state.exitCode ?? 0, FinishedAt: '' },
    }),
    logs: async () => state.log ?? Buffer.alloc(0),
    wait: async () => ({ StatusCode: state.exitCode ?? 0 }),
    resize: async () => undefined,
  };
  return { c: c as unknown as Docker.Container, attaches };
}

const opts = { stdin: true, stdout: true, stderr: true, tty: false };

describe('DockerAttacher', () => {
  it('attached before start: output written before the attach arrives is not lost', async () => {
    const { c, attaches } = container({ running: true, exitCode: 0 });
    const a = new DockerAttacher();
    await a.attachBeforeStart(c, false);
    attaches[0].write(frame(1, 'hello-1\n')); // the container ran and printed…
    attaches[0].write(frame(2, 'warn\n'));
    const session = await a.attach(c, opts); // …before kubectl attached
    attaches[0].end(frame(1, 'bye\n'));
    expect(await text(session.stdout)).toBe('hello-1\nbye\n');
    expect(await text(session.stderr as PassThrough)).toBe('warn\n');
    expect(await session.exitCode()).toBe(0);
    expect(attaches).toHaveLength(1); // no second attach to Docker
  });

  it('attached before start and already exited: the held output, then the end', async () => {
    const { c, attaches } = container({ running: false, exitCode: 3, tty: true });
    const a = new DockerAttacher();
    await a.attachBeforeStart(c, true);
    attaches[0].end('raw tty bytes\r\n');
    await new Promise((r) => setImmediate(r));
    const session = await a.attach(c, { ...opts, tty: true });
    expect(await text(session.stdout)).toBe('raw tty bytes\r\n');
    expect(session.stderr).toBeNull();
    expect(await session.exitCode()).toBe(3);
  });

  it('a stopped container never attached to: its log and its exit code, without attaching', async () => {
    const log = Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')]);
    const { c, attaches } = container({ running: false, exitCode: 7, log });
    const session = await new DockerAttacher().attach(c, opts);
    expect(await text(session.stdout)).toBe('out\n');
    expect(await text(session.stderr as PassThrough)).toBe('err\n');
    expect(await session.exitCode()).toBe(7);
    expect(attaches).toHaveLength(0);
  });

  it('a removed container forgets its held output', async () => {
    const { c, attaches } = container({ running: false, log: frame(1, 'from the log\n') });
    const a = new DockerAttacher();
    await a.attachBeforeStart(c, false);
    attaches[0].write(frame(1, 'held\n'));
    a.drop('c1');
    expect(attaches[0].destroyed).toBe(true);
    expect(await text((await a.attach(c, opts)).stdout)).toBe('from the log\n');
  });
});
