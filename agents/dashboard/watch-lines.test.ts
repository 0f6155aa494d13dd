import { describe, expect, it } from 'vitest';
import { splitLines } from './watch-lines';

describe('splitLines', () => {
  it.each([
    ['one whole line', '', '{"a":1}\n', ['{"a":1}'], ''],
    ['two lines in one chunk', '', '{"a":1}\n{"b":2}\n', ['{"a":1}', '{"b":2}'], ''],
    ['a line cut in two', '{"a":', '1}\n{"b"', ['{"a":1}'], '{"b"'],
    ['no newline yet', '{"a"', ':1}', [], '{"a":1}'],
    ['blank and \\r\\n lines dropped', '', '\n{"a":1}\r\n\n', ['{"a":1}'], ''],
  ])('%s', (_, pending, chunk, lines, rest) => {
    expect(splitLines(pending, chunk)).toEqual({ lines, rest });
  });
});
