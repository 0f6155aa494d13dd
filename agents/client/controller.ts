// runController: the worker loop every controller shares (replica_set.go's worker /
// processNextWorkItem, written once). Workers take a key, run `sync(key)`, and this file alone
// decides what a failure means — so no controller re-invents retry:
//
//   success                         → forget the key's back-off
//   409 Conflict                    → requeue at once (someone else wrote first; re-read and retry)
//   400 BadRequest / 422 Invalid    → log and drop: retrying the same write cannot succeed
//   retried maxRetries (15) times   → log and drop (the next informer event or resync revives it)
//   anything else (5xx, timeouts)   → requeue with per-key exponential back-off

import { isBadRequest, isConflict, isInvalid } from '../api/errors';
import { defaultLogger, type Logger } from './logger';
import type { WorkQueue } from './types';

export const DEFAULT_MAX_RETRIES = 15;

export type RetryDecision = 'forget' | 'requeue' | 'rate-limited' | 'drop-invalid' | 'drop-exhausted';

/** The one place a sync error becomes a queue action. Pure, so its table test reads like the list above. */
export function decideRetry(err: unknown, requeues: number, maxRetries = DEFAULT_MAX_RETRIES): RetryDecision {
  if (err === undefined) return 'forget';
  if (isConflict(err)) return 'requeue';
  if (isInvalid(err) || isBadRequest(err)) return 'drop-invalid';
  if (requeues >= maxRetries) return 'drop-exhausted';
  return 'rate-limited';
}

export interface ControllerOptions {
  name: string;
  queue: WorkQueue;
  sync: (key: string) => Promise<void>;
  workers: number;
  signal: AbortSignal;
  maxRetries?: number;
  log?: Logger;
}

/** Runs `workers` loops until `signal` aborts (then shuts the queue down); resolves when all stopped. */
export async function runController(opts: ControllerOptions): Promise<void> {
  const { queue, sync, signal } = opts;
  const log = opts.log ?? defaultLogger(opts.name);
  const maxRetries = opts.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (signal.aborted) return queue.shutDown();
  signal.addEventListener('abort', () => queue.shutDown(), { once: true });

  async function worker(): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      let error: unknown;
      try {
        await sync(key);
      } catch (err) {
        error = err ?? new Error('sync failed');
      }
      handleResult(key, error);
      queue.done(key);
    }
  }

  function handleResult(key: string, err: unknown): void {
    const decision = decideRetry(err, queue.numRequeues(key), maxRetries);
    const why = err instanceof Error ? err.message : String(err);
    switch (decision) {
      case 'forget':
        queue.forget(key);
        break;
      case 'requeue':
        queue.add(key);
        break;
      case 'rate-limited':
        log.error(`error syncing "${key}", requeuing: ${why}`);
        queue.addRateLimited(key);
        break;
      case 'drop-invalid':
        log.error(`dropping "${key}": the server rejected the write as invalid: ${why}`);
        queue.forget(key);
        break;
      case 'drop-exhausted':
        log.error(`dropping "${key}" out of the queue after ${maxRetries} retries: ${why}`);
        queue.forget(key);
        break;
    }
  }

  await Promise.all(Array.from({ length: Math.max(1, opts.workers) }, () => worker()));
}
