import { describe, expect, it } from 'vitest';
import { badRequest, conflict, internalError, invalid, notFound, timeout } from '../api/errors';
import { decideRetry, runController } from './controller';
import { createWorkQueue } from './workqueue';

const pods = { group: '', resource: 'pods' };

describe('decideRetry: one place decides what a sync error means', () => {
  it.each([
    ['success', undefined, 0, 'forget'],
    ['409 Conflict', conflict(pods, 'web', 'stale'), 3, 'requeue'],
    [
      '422 Invalid',
      invalid('Pod', '', 'web', [{ type: 'FieldValueRequired', field: 'spec', message: 'Required value' }]),
      0,
      'drop-invalid',
    ],
    ['400 BadRequest', badRequest('bad'), 0, 'drop-invalid'],
    ['500 InternalError', internalError(new Error('etcd down')), 0, 'rate-limited'],
    ['504 Timeout', timeout('slow'), 14, 'rate-limited'],
    ['a plain network error', new Error('ECONNREFUSED'), 2, 'rate-limited'],
    ['404 NotFound the sync did not handle', notFound(pods, 'web'), 0, 'rate-limited'],
    ['the 15th failure', internalError(new Error('x')), 15, 'drop-exhausted'],
  ])('%s → %s', (_name, err, requeues, want) => {
    expect(decideRetry(err, requeues as number)).toBe(want);
  });
});

describe('runController', () => {
  it('syncs every key, retries a conflict at once, drops an invalid one, stops on abort', async () => {
    const q = createWorkQueue('test');
    const calls: string[] = [];
    let conflicted = false;
    const ctl = new AbortController();
    const running = runController({
      name: 'test',
      queue: q,
      workers: 2,
      signal: ctl.signal,
      log: { info() {}, error() {} },
      async sync(key) {
        calls.push(key);
        if (key === 'ns/conflict' && !conflicted) {
          conflicted = true;
          throw conflict(pods, 'conflict', 'stale');
        }
        if (key === 'ns/invalid') throw badRequest('nope');
      },
    });
    for (const k of ['ns/a', 'ns/conflict', 'ns/invalid']) q.add(k);
    await expect.poll(() => calls.filter((c) => c === 'ns/conflict').length, { timeout: 2000 }).toBe(2);
    expect(calls.filter((c) => c === 'ns/invalid')).toHaveLength(1);
    expect(calls).toContain('ns/a');
    ctl.abort();
    await running;
  });
});
