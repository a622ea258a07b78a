/**
 * Per-IP request rate (SPEC §3 hard limits): a token bucket per client address, refilled at
 * `perSecond`, holding at most `burst`. The table of addresses is bounded (least recently seen
 * evicted), so a flood of sources cannot grow memory without bound.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly maxTracked: number,
  ) {}

  /** Takes one token for `ip` at time `nowMs`; false when the bucket is empty. */
  take(ip: string, nowMs: number): boolean {
    const b = this.buckets.get(ip);
    let tokens = this.burst;
    if (b) {
      tokens = Math.min(this.burst, b.tokens + ((nowMs - b.at) / 1000) * this.perSecond);
      this.buckets.delete(ip);
    }
    const ok = tokens >= 1;
    this.buckets.set(ip, { tokens: ok ? tokens - 1 : tokens, at: nowMs });
    if (this.buckets.size > this.maxTracked) this.buckets.delete(this.buckets.keys().next().value!);
    return ok;
  }
}
