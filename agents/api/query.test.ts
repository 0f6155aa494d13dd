import { describe, expect, it } from 'vitest';
import { queryBool } from './query';

describe('queryBool (upstream Convert_Slice_string_To_bool)', () => {
  it.each([
    ['watch=true', true],
    ['watch=True', true],
    ['watch=TRUE', true],
    ['watch=1', true],
    ['watch=t', true],
    ['watch=yes', true],
    ['watch=', true],
    ['watch=false', false],
    ['watch=False', false],
    ['watch=FALSE', false],
    ['watch=fAlSe', false],
    ['watch=0', false],
    ['', false],
    ['watch=0&watch=true', false],
  ])('%s → %s', (qs, want) => {
    expect(queryBool(new URLSearchParams(qs), 'watch')).toBe(want);
  });
});
