import type { BucketRule } from '../lib/token-bucket';

export interface RateLimiter {
  /** Takes one token from the bucket `key`; `retryAfterMs` is set when refused. */
  take(key: string, rule: BucketRule): Promise<{ allowed: boolean; retryAfterMs: number }>;
}

export const RATE_LIMITER = Symbol('RateLimiter');
