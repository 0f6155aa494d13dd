import { describe, expect, it } from 'vitest';
import { imagesToLoad, inspectScript, parseImageIds } from './seed-images';

describe('seed images: load only what a minion lacks', () => {
  const images = ['nginx:latest', 'busybox:latest', 'httpd:latest'];
  const local = parseImageIds(images, 'sha256:aaa\nsha256:bbb\nsha256:ccc\n');

  it('reads one ID per image, "-" for a missing one', () => {
    expect(parseImageIds(images, 'sha256:aaa\n-\nsha256:old\n')).toEqual(
      new Map([
        ['nginx:latest', 'sha256:aaa'],
        ['busybox:latest', '-'],
        ['httpd:latest', 'sha256:old'],
      ]),
    );
  });

  it.each([
    ['a fresh minion gets all', '-\n-\n-', images],
    ['an up-to-date minion gets none', 'sha256:aaa\nsha256:bbb\nsha256:ccc', []],
    [
      'a missing and a rebuilt image go again',
      'sha256:aaa\n-\nsha256:old',
      ['busybox:latest', 'httpd:latest'],
    ],
  ])('%s', (_name, remote, want) => {
    expect(imagesToLoad(local, parseImageIds(images, remote))).toEqual(want);
  });

  it('asks docker for each image and prints "-" for the missing', () => {
    expect(inspectScript(['nginx:1.7.9'])).toBe(
      "docker image inspect -f '{{.Id}}' nginx:1.7.9 2>/dev/null || echo -",
    );
  });
});
