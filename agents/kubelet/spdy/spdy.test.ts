import { describe, expect, it } from 'vitest';
import { SPDY3_DICTIONARY } from './dictionary';
import {
  dataFrame,
  decodeHeaderBlock,
  encodeHeaderBlock,
  FrameParser,
  goAwayFrame,
  pingFrame,
  rstStreamFrame,
  synReplyFrame,
  synStreamFrame,
} from './frames';
import { HeaderCompressor, HeaderDecompressor } from './zlib';

describe('SPDY/3 dictionary', () => {
  it('is the 1423 bytes of the spec, starting with "options" and ending with "enq=0."', () => {
    expect(SPDY3_DICTIONARY.length).toBe(1423);
    expect(SPDY3_DICTIONARY.subarray(0, 11)).toEqual(Buffer.from([0, 0, 0, 7, ...Buffer.from('options')]));
    expect(SPDY3_DICTIONARY.subarray(-6).toString()).toBe('enq=0.');
  });
});

describe('frames', () => {
  it('round-trip through the parser, even split byte by byte', () => {
    const block = Buffer.from('hdrs');
    const bytes = Buffer.concat([
      synStreamFrame(1, block, false),
      synReplyFrame(1, block, true),
      dataFrame(3, Buffer.from('hello'), true),
      rstStreamFrame(5, 5),
      pingFrame(7),
      goAwayFrame(9),
    ]);
    const parser = new FrameParser();
    const frames = [...bytes].flatMap((b) => parser.push(Buffer.from([b])));
    expect(frames).toEqual([
      { type: 'syn_stream', streamId: 1, associatedId: 0, fin: false, headerBlock: block },
      { type: 'syn_reply', streamId: 1, fin: true, headerBlock: block },
      { type: 'data', streamId: 3, fin: true, data: Buffer.from('hello') },
      { type: 'rst_stream', streamId: 5, status: 5 },
      { type: 'ping', id: 7 },
      { type: 'goaway', lastGoodStreamId: 9, status: 0 },
    ]);
  });

  it('header blocks survive compression across several blocks of one session', async () => {
    const c = new HeaderCompressor();
    const d = new HeaderDecompressor();
    const blocks: Record<string, string>[] = [
      { streamtype: 'stdout' },
      { streamtype: 'stderr', port: '80' },
      { streamtype: 'stdout' },
    ];
    for (const h of blocks) {
      const compressed = await c.compress(encodeHeaderBlock(h));
      expect(decodeHeaderBlock(await d.decompress(compressed))).toEqual(h);
    }
    c.close();
    d.close();
  });
});
