import { describe, expect, it } from 'vitest';
import { backoffMessage, RestartBackoff } from './restart-backoff';

describe('RestartBackoff', () => {
  it('lets the first restart through, then waits 10s, 20s, 40s … up to 300s', () => {
    let now = 1_000_000;
    const b = new RestartBackoff(10_000, 300_000, () => now);
    const k = 'uid/app/h';
    expect(b.check(k, now).inBackoff).toBe(false); // first crash: restart at once
    b.next(k, now);
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      now += 1000; // crashed again a second after starting
      const c = b.check(k, now);
      expect(c.inBackoff).toBe(true);
      expect(c.remainingMs).toBe(c.delayMs);
      delays.push(c.delayMs / 1000);
      now += c.delayMs; // wait it out
      expect(b.check(k, now - c.delayMs).inBackoff).toBe(false);
      b.next(k, now);
    }
    expect(delays).toEqual([10, 20, 40, 80, 160, 300, 300]);
  });

  it('starts over after the container stayed up for twice the cap', () => {
    let now = 0;
    const b = new RestartBackoff(10_000, 300_000, () => now);
    b.next('k', 1);
    b.next('k', 2);
    expect(b.check('k', 2).delayMs).toBe(20_000);
    now = 601_000;
    expect(b.check('k', now).inBackoff).toBe(false);
    b.next('k', now);
    expect(b.check('k', now).delayMs).toBe(10_000);
  });

  it('forgets a pod', () => {
    const b = new RestartBackoff(10_000, 300_000, () => 5);
    b.next('u1/a/h', 5);
    b.forgetPod('u1');
    expect(b.check('u1/a/h', 5).inBackoff).toBe(false);
  });

  it('formats the message as upstream does', () => {
    expect(backoffMessage(20_000, 'app', 'web', 'default', 'u')).toBe(
      'back-off 20s restarting failed container=app pod=web_default(u)',
    );
    expect(backoffMessage(300_000, 'app', 'web', 'default', 'u')).toContain('back-off 5m0s');
  });
});
