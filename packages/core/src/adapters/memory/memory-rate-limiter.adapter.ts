import { returnToken, takeToken, type BucketRule, type TokenBucketState } from '../../lib/token-bucket';
import type { RateLimiter } from '../../ports/rate-limiter.port';

/** Token buckets in this process's memory. Idle full buckets are swept so memory stays flat. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, TokenBucketState>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async take(key: string, rule: BucketRule) {
    const t = this.now();
    const r = takeToken(this.buckets.get(key), rule, t);
    this.buckets.set(key, r.state);
    if (t - this.lastSweep > 60_000) this.sweep(t, rule);
    return { allowed: r.allowed, retryAfterMs: r.retryAfterMs };
  }

  async giveBack(key: string, rule: BucketRule) {
    const back = returnToken(this.buckets.get(key), rule, this.now());
    if (back) this.buckets.set(key, back);
  }

  private sweep(t: number, rule: BucketRule) {
    this.lastSweep = t;
    const fullAfterMs = (rule.burst / rule.ratePerSec) * 1000;
    for (const [k, s] of this.buckets) if (t - s.updatedAtMs > fullAfterMs) this.buckets.delete(k);
  }
}
