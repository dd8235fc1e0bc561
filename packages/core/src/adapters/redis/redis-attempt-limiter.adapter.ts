import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { AttemptCounter, AttemptLimiter, AttemptPolicy } from '../../ports/attempt-limiter.port';
import { FlexibleAttemptCounter } from '../../lib/flexible-attempt-counter';
import { memoryLimiter } from '../memory/memory-attempt-limiter.adapter';

/**
 * Attempt counters in Redis (rate-limiter-flexible's RateLimiterRedis, an atomic Lua
 * increment per attempt), so a guesser spreading over api nodes meets one count. While
 * Redis is away each node counts in its own memory (the library's insurance limiter)
 * rather than either letting every guess through or refusing every sign-in.
 */
export class RedisAttemptLimiter implements AttemptLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'qc:',
  ) {}

  counter(policy: AttemptPolicy): AttemptCounter {
    const limiter = (name: string) =>
      new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${this.prefix}attempts:${name}`,
        points: policy.limit,
        duration: policy.windowSec,
        // A command issued while the client is down fails at once (no offline queue), so the insurance answers without waiting.
        rejectIfRedisNotReady: true,
        insuranceLimiter: memoryLimiter(policy, name),
      });
    return new FlexibleAttemptCounter(policy, limiter(policy.name), limiter(`${policy.name}:hold`));
  }
}
