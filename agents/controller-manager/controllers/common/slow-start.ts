// slowStartBatch (replica_set.go): create in batches of 1, 2, 4, 8 … and stop at the first
// batch with a failure. When a quota or an admission check rejects pods, a controller that
// wants 500 pods then makes one failing call, not 500.

/** Batch sizes for `count` creations starting at `initial`: 10 → [1, 2, 4, 3]. */
export function slowStartBatches(count: number, initial = 1): number[] {
  const out: number[] = [];
  let size = initial;
  for (let left = count; left > 0; left -= out[out.length - 1]) {
    out.push(Math.min(size, left));
    size *= 2;
  }
  return out;
}

/** Runs `fn` count times in growing batches; returns how many succeeded and the first error. */
export async function slowStartBatch(
  count: number,
  fn: () => Promise<void>,
): Promise<{ succeeded: number; error?: unknown }> {
  let succeeded = 0;
  for (const size of slowStartBatches(count)) {
    const results = await Promise.allSettled(Array.from({ length: size }, () => fn()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    succeeded += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { succeeded, error: failed.reason };
  }
  return { succeeded };
}
