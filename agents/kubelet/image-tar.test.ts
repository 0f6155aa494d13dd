import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTar } from './image-tar';

describe('buildTar', () => {
  it('writes an archive GNU tar extracts: files, modes, directories and symlinks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tar-test-'));
    try {
      const tar = buildTar([
        { type: 'dir', path: 'bin' },
        { type: 'file', path: 'bin/hello', data: Buffer.from('#!/bin/sh\necho hi\n'), mode: 0o755 },
        { type: 'symlink', path: 'bin/hi', target: 'hello' },
        { type: 'file', path: 'big', data: Buffer.alloc(1000, 7) },
      ]);
      expect(tar.length % 512).toBe(0);
      writeFileSync(join(dir, 'a.tar'), tar);
      execFileSync('tar', ['-xf', 'a.tar'], { cwd: dir });
      expect(readFileSync(join(dir, 'bin/hello'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
      expect(statSync(join(dir, 'bin/hello')).mode & 0o777).toBe(0o755);
      expect(readlinkSync(join(dir, 'bin/hi'))).toBe('hello');
      expect(readFileSync(join(dir, 'big'))).toEqual(Buffer.alloc(1000, 7));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
