import { describe, expect, it } from 'vitest';
import { findProjectRoot } from './project-root';

// A fake file system: the project at /home/u/nodekube, the CLI bundle under dist/bin.
const files = new Set([
  '/home/u/nodekube/Vagrantfile',
  '/home/u/nodekube/package.json',
  '/home/u/package.json',
]);
const exists = (p: string) => files.has(p);

describe('findProjectRoot', () => {
  it('walks up from dist/bin to the folder with the Vagrantfile and package.json', () => {
    expect(findProjectRoot('/home/u/nodekube/dist/bin', exists)).toBe('/home/u/nodekube');
  });
  it('finds it from the folder itself', () => {
    expect(findProjectRoot('/home/u/nodekube', exists)).toBe('/home/u/nodekube');
  });
  it('skips a folder with only a package.json, and gives up at /', () => {
    expect(findProjectRoot('/home/u/other', exists)).toBeUndefined();
  });
});
