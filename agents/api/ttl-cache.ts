// Answers kept until their time is up, at most `maxEntries` of them (the oldest written goes
// first when full). The kubelet keeps its webhooks' answers here, the apiserver the service-account
// tokens whose signatures it has checked.

export class TtlCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The value under `key` while its time lasts; `{ value }` so that a cached `undefined` is a hit. */
  get(key: string): { value: T } | undefined {
    const hit = this.entries.get(key);
    return hit && hit.expiresAt > this.now() ? hit : undefined;
  }

  set(key: string, value: T, ttlMs: number): T {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    return value;
  }
}
