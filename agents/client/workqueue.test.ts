import { describe, expect, it } from 'vitest';
import { backoffDelay, createWorkQueue } from './workqueue';

// A manual clock for addAfter/addRateLimited: timers fire only when the test advances time.
function manualTimers() {
  let now = 0;
  const timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  return {
    schedule(fn: () => void, ms: number) {
      const t = { at: now + ms, fn, cancelled: false };
      timers.push(t);
      return () => {
        t.cancelled = true;
      };
    },
    advance(ms: number) {
      now += ms;
      for (const t of timers.filter((t) => !t.cancelled && t.at <= now)) {
        t.cancelled = true;
        t.fn();
      }
    },
  };
}

describe('work queue', () => {
  it('hands out keys in order, each once however often it was added', async () => {
    const q = createWorkQueue('test');
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.len()).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
    expect(q.len()).toBe(0);
  });

  it('never gives a key to two workers: re-adding while processing waits for done()', async () => {
    const q = createWorkQueue('test');
    q.add('a');
    const key = await q.get();
    q.add('a');
    expect(q.len()).toBe(0);
    let second: string | undefined;
    void q.get().then((k) => {
      second = k;
    });
    await Promise.resolve();
    expect(second).toBeUndefined();
    q.done(key as string);
    await Promise.resolve();
    expect(second).toBe('a');
  });

  it('a key done without being re-added is gone', async () => {
    const q = createWorkQueue('test');
    q.add('a');
    q.done((await q.get()) as string);
    expect(q.len()).toBe(0);
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const q = createWorkQueue('test');
    const got = q.get();
    q.add('x');
    expect(await got).toBe('x');
  });

  it('backs off per key: 5, 10, 20 ms … capped at 1000 s, reset by forget', () => {
    expect([0, 1, 2, 3].map((n) => backoffDelay(n))).toEqual([5, 10, 20, 40]);
    expect(backoffDelay(30)).toBe(1_000_000);
    const clock = manualTimers();
    const q = createWorkQueue('test', { schedule: clock.schedule });
    q.addRateLimited('a');
    q.addRateLimited('a');
    expect(q.numRequeues('a')).toBe(2);
    expect(q.len()).toBe(0);
    clock.advance(5);
    expect(q.len()).toBe(1);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
  });

  it('addAfter adds when the delay has passed', () => {
    const clock = manualTimers();
    const q = createWorkQueue('test', { schedule: clock.schedule });
    q.addAfter('later', 1000);
    clock.advance(999);
    expect(q.len()).toBe(0);
    clock.advance(1);
    expect(q.len()).toBe(1);
  });

  it('shutDown releases waiting workers with undefined and drops pending timers', async () => {
    const clock = manualTimers();
    const q = createWorkQueue('test', { schedule: clock.schedule });
    const waiting = q.get();
    q.addAfter('x', 10);
    q.shutDown();
    expect(await waiting).toBeUndefined();
    clock.advance(10);
    expect(q.len()).toBe(0);
    q.add('y');
    expect(await q.get()).toBeUndefined();
  });
});
