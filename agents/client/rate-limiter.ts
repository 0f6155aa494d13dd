// A client-side token bucket (client-go's flowcontrol.NewTokenBucketRateLimiter): `burst` tokens
// to start with, refilled at `qps` per second. Every request takes one token first, so a busy
// controller slows itself down instead of flooding the apiserver. Defaults are ours (50/100);
// client-go's are 5/10, which is the "kubelet QPS 5" the density tests complain about.

export interface RateLimiter {
  /** Resolves when a token is available (at once when the bucket has one). */
  take(): Promise<void>;
}

export interface TokenBucketOptions {
  qps: number;
  burst: number;
  nowFn?: () => number;
  delayFn?: (ms: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** qps <= 0 means unlimited. */
export function createTokenBucket({
  qps,
  burst,
  nowFn = Date.now,
  delayFn = sleep,
}: TokenBucketOptions): RateLimiter {
  if (qps <= 0) return { take: () => Promise.resolve() };
  let tokens = Math.max(1, burst);
  let last = nowFn();
  // Tokens already promised to callers still waiting; a new caller queues behind them (FIFO).
  let reserved = 0;

  function refill(): void {
    const now = nowFn();
    tokens = Math.min(Math.max(1, burst), tokens + ((now - last) / 1000) * qps);
    last = now;
  }

  return {
    async take() {
      refill();
      if (tokens - reserved >= 1) {
        tokens -= 1;
        return;
      }
      // Wait until our place in line has a whole token: (reserved + 1 - tokens) tokens from now.
      reserved += 1;
      const waitMs = ((reserved - tokens) / qps) * 1000;
      await delayFn(Math.max(0, waitMs));
      refill();
      reserved -= 1;
      tokens -= 1;
    },
  };
}
