import { describe, expect, it } from 'vitest';
import { frame, MessageSplitter, unframe } from './grpc-channel';

const text = (bs: Buffer[]) => bs.map((b) => b.toString());

describe('MessageSplitter', () => {
  it('splits one chunk holding several messages, an empty one among them', () => {
    const chunk = Buffer.concat([
      frame(Buffer.from('one')),
      frame(Buffer.alloc(0)),
      frame(Buffer.from('three')),
    ]);
    expect(text(new MessageSplitter().push(chunk))).toEqual(['one', '', 'three']);
  });

  it('joins a message cut anywhere, its 5-byte prefix included', () => {
    const stream = Buffer.concat([frame(Buffer.from('first message')), frame(Buffer.from('second'))]);
    for (let cut = 1; cut < stream.length; cut++) {
      const s = new MessageSplitter();
      const got = [...s.push(stream.subarray(0, cut)), ...s.push(stream.subarray(cut))];
      expect(text(got)).toEqual(['first message', 'second']);
    }
  });

  it('refuses a compressed message, which is never asked for', () => {
    const compressed = frame(Buffer.from('x'));
    compressed[0] = 1;
    expect(() => new MessageSplitter().push(compressed)).toThrow('compressed');
  });
});

describe('unframe', () => {
  it("reads a unary response's one message and refuses a short or long one", () => {
    expect(unframe(frame(Buffer.from('ok'))).toString()).toBe('ok');
    expect(() => unframe(Buffer.from([0, 0, 0]))).toThrow('has no gRPC message');
    expect(() => unframe(Buffer.concat([frame(Buffer.from('ok')), Buffer.from('!')]))).toThrow('not 2');
  });
});
