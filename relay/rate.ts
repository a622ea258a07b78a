/**
 * Per-IP request rate (SPEC §3 hard limits): a token bucket per client address, refilled at
 * `perSecond`, holding at most `burst`. The table of addresses is bounded (least recently seen
 * evicted), so a flood of sources cannot grow memory without bound.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number; seen: number }>();
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly maxTracked: number,
  ) {}

  /** Takes one token for `ip` at time `nowMs`; false when the bucket is empty. */
  take(ip: string, nowMs: number): boolean {
    const b = this.buckets.get(ip);
    if (!b) {
      this.buckets.set(ip, { tokens: this.burst - 1, at: nowMs, seen: nowMs });
      if (this.buckets.size > this.maxTracked) this.buckets.delete(this.buckets.keys().next().value!);
      return true;
    }
    b.tokens = Math.min(this.burst, b.tokens + ((nowMs - b.at) / 1000) * this.perSecond);
    b.at = nowMs;
    // Recency for eviction is refreshed at most once a second: an approximate LRU that keeps the
    // hot path free of map re-insertions.
    if (nowMs - b.seen > 1000) {
      b.seen = nowMs;
      this.buckets.delete(ip);
      this.buckets.set(ip, b);
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
