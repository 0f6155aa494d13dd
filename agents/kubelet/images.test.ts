import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { ImageManager, pullPolicy } from './images';
import type { ContainerRuntime } from './runtime/types';

describe('pullPolicy defaults', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.7.9', 'IfNotPresent'],
    ['localhost:5000/app', 'Always'],
    ['localhost:5000/app:v2', 'IfNotPresent'],
    ['app@sha256:abc', 'IfNotPresent'],
  ])('%s → %s', (image, policy) => expect(pullPolicy({ name: 'c', image })).toBe(policy));
});

/** A runtime that only knows images: present ones, and whether pulls work. */
function imagesOnly(present: string[], pullWorks: boolean): ContainerRuntime {
  return {
    imagePresent: async (i: string) => present.includes(i),
    pullImage: async () => {
      if (!pullWorks) throw new Error('no registry');
    },
  } as unknown as ContainerRuntime;
}

const pod: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'u' } };
const noEvents = { event: () => undefined };

describe('ImageManager.ensureImage', () => {
  it('Never: missing image is ErrImageNeverPull', async () => {
    const r = await new ImageManager(imagesOnly([], false), noEvents).ensureImage(pod, {
      name: 'c',
      image: 'x:1',
      imagePullPolicy: 'Never',
    });
    expect(r).toEqual({
      ok: false,
      waiting: {
        reason: 'ErrImageNeverPull',
        message: 'Container image "x:1" is not present with pull policy of Never',
      },
    });
  });

  it('a failed pull is ErrImagePull, then ImagePullBackOff while the back-off lasts', async () => {
    let now = 1000;
    const m = new ImageManager(imagesOnly([], false), noEvents, () => now);
    const first = await m.ensureImage(pod, { name: 'c', image: 'x:1' }, now);
    expect(first).toMatchObject({ ok: false, waiting: { reason: 'ErrImagePull' } });
    now += 1000;
    expect(await m.ensureImage(pod, { name: 'c', image: 'x:1' }, now)).toMatchObject({
      ok: false,
      waiting: { reason: 'ImagePullBackOff' },
      retryAfterMs: 9000,
    });
  });

  it('Always without a registry runs the copy already on the node', async () => {
    const events: string[] = [];
    const m = new ImageManager(imagesOnly(['nginx'], false), {
      event: (_o, type, reason) => events.push(`${type} ${reason}`),
    });
    expect(await m.ensureImage(pod, { name: 'c', image: 'nginx' })).toEqual({ ok: true });
    expect(events).toEqual(['Normal Pulling', 'Warning Failed']);
  });
});
