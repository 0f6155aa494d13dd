// Docker multiplexes stdout and stderr of a non-TTY container onto one connection: each frame is
// an 8-byte header [stream, 0, 0, 0, size(4, big-endian)] and `size` bytes of payload, where
// stream 1 is stdout and 2 is stderr (Docker Engine API, "Attach to a container": stream format).
// dockerode's demuxStream ignores back-pressure and never ends its targets; this one does both.

import { PassThrough, type Readable } from 'node:stream';

export function demuxDockerStream(source: Readable): { stdout: PassThrough; stderr: PassThrough } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let buffered: Buffer = Buffer.alloc(0);
  const resume = () => source.resume();
  stdout.on('drain', resume);
  stderr.on('drain', resume);

  source.on('data', (chunk: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    while (buffered.length >= 8) {
      const size = buffered.readUInt32BE(4);
      if (buffered.length < 8 + size) break;
      const target = buffered[0] === 2 ? stderr : stdout;
      const payload = buffered.subarray(8, 8 + size);
      buffered = buffered.subarray(8 + size);
      if (!target.write(payload)) source.pause();
    }
  });
  const end = () => {
    stdout.end();
    stderr.end();
  };
  source.on('end', end);
  source.on('close', end);
  source.on('error', (err) => {
    stdout.destroy(err);
    stderr.destroy(err);
  });
  return { stdout, stderr };
}

/** Both streams into one, in arrival order (what `kubectl logs` shows). */
export function mergeDockerStream(source: Readable): Readable {
  const out = new PassThrough();
  const { stdout, stderr } = demuxDockerStream(source);
  let open = 2;
  for (const s of [stdout, stderr]) {
    s.on('data', (d: Buffer) => {
      if (!out.write(d)) s.pause();
    });
    s.on('end', () => --open === 0 && out.end());
  }
  out.on('drain', () => {
    stdout.resume();
    stderr.resume();
  });
  out.on('close', () => source.destroy());
  return out;
}
