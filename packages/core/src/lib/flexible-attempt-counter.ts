import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AttemptCounter, AttemptPolicy, AttemptState } from '../ports/attempt-limiter.port';

/**
 * The AttemptCounter port on two rate-limiter-flexible limiters (memory or Redis, the
 * adapter decides): `counts` holds each key's attempts in its window, and is blocked for
 * the lock once the limit is reached; `holds` carries the short delays a caller puts on a
 * key, apart, so a delay never resets the count (the library's block() overwrites it).
 */
export class FlexibleAttemptCounter implements AttemptCounter {
  constructor(
    private readonly policy: AttemptPolicy,
    private readonly counts: RateLimiterAbstract,
    private readonly holds: RateLimiterAbstract,
  ) {}

  async hit(key: string): Promise<AttemptState & { allowed: boolean }> {
    let res: RateLimiterRes;
    try {
      res = await this.counts.consume(key);
    } catch (e) {
      // Over the limit the library rejects with the key's state; anything else is a store error.
      if (!(e instanceof RateLimiterRes)) throw e;
      return { allowed: false, count: e.consumedPoints, retryAfterMs: Math.max(e.msBeforeNext, await this.heldFor(key)) };
    }
    if (res.consumedPoints < this.policy.limit) return { allowed: true, count: res.consumedPoints, retryAfterMs: await this.heldFor(key) };
    // This attempt used the last one up: from now the key waits out the lock (or the window).
    if (this.policy.lockSec) {
      await this.counts.block(key, this.policy.lockSec);
      return { allowed: true, count: res.consumedPoints, retryAfterMs: this.policy.lockSec * 1000 };
    }
    return { allowed: true, count: res.consumedPoints, retryAfterMs: res.msBeforeNext };
  }

  async peek(key: string): Promise<AttemptState> {
    const [res, heldMs] = await Promise.all([this.counts.get(key), this.heldFor(key)]);
    const count = res?.consumedPoints ?? 0;
    const lockedMs = res && count >= this.policy.limit ? res.msBeforeNext : 0;
    return { count, retryAfterMs: Math.max(lockedMs, heldMs) };
  }

  async hold(key: string, sec: number): Promise<void> {
    if (sec > 0) await this.holds.block(key, sec);
  }

  async reset(key: string): Promise<void> {
    await Promise.all([this.counts.delete(key), this.holds.delete(key)]);
  }

  private async heldFor(key: string): Promise<number> {
    const res = await this.holds.get(key);
    return res && res.msBeforeNext > 0 ? res.msBeforeNext : 0;
  }
}
