import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { demuxDockerStream, mergeDockerStream } from './demux';

function frame(stream: 1 | 2, payload: string): Buffer {
  const body = Buffer.from(payload);
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
}

describe('demuxDockerStream', () => {
  it('splits frames even when they arrive cut at arbitrary byte boundaries', async () => {
    const src = new PassThrough();
    const { stdout, stderr } = demuxDockerStream(src);
    const all = Buffer.concat([frame(1, 'hello '), frame(2, 'oops'), frame(1, 'world')]);
    for (let i = 0; i < all.length; i += 3) src.write(all.subarray(i, i + 3));
    src.end();
    expect(await text(stdout)).toBe('hello world');
    expect(await text(stderr)).toBe('oops');
  });

  it('merges both streams in arrival order', async () => {
    const src = new PassThrough();
    const merged = mergeDockerStream(src);
    src.end(Buffer.concat([frame(1, 'a'), frame(2, 'b'), frame(1, 'c')]));
    expect(await text(merged)).toBe('abc');
  });
});
