import type { BucketRule } from '../lib/token-bucket';

export interface RateLimiter {
  /** Takes one token from the bucket `key`; `retryAfterMs` is set when refused. */
  take(key: string, rule: BucketRule): Promise<{ allowed: boolean; retryAfterMs: number }>;
  /**
   * Puts one token back (never above the burst): the work it was taken for did not happen
   * (the database was away), so a person's retries are not refused for it.
   */
  giveBack(key: string, rule: BucketRule): Promise<void>;
}

export const RATE_LIMITER = Symbol('RateLimiter');
