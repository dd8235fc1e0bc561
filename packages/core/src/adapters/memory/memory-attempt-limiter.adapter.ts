import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { AttemptCounter, AttemptLimiter, AttemptPolicy } from '../../ports/attempt-limiter.port';
import { FlexibleAttemptCounter } from '../../lib/flexible-attempt-counter';

/** Attempt counters in this process's memory (rate-limiter-flexible's RateLimiterMemory, which expires keys itself). */
export class MemoryAttemptLimiter implements AttemptLimiter {
  /** One store per policy name, as Redis keys are: two callers asking for the same policy count together. */
  private readonly counters = new Map<string, AttemptCounter>();

  counter(policy: AttemptPolicy): AttemptCounter {
    let c = this.counters.get(policy.name);
    if (!c) {
      c = new FlexibleAttemptCounter(policy, memoryLimiter(policy, policy.name), memoryLimiter(policy, `${policy.name}:hold`));
      this.counters.set(policy.name, c);
    }
    return c;
  }
}

/** Also the Redis adapter's insurance: what counts on a node while Redis is away. */
export function memoryLimiter(policy: AttemptPolicy, keyPrefix: string) {
  return new RateLimiterMemory({ keyPrefix, points: policy.limit, duration: policy.windowSec });
}
