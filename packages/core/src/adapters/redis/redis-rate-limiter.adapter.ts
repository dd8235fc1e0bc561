import type { Redis } from 'ioredis';
import type { BucketRule } from '../../lib/token-bucket';
import type { RateLimiter } from '../../ports/rate-limiter.port';
import { LUA_NOW } from './lua-clock';

/*
 * The token bucket of lib/token-bucket.ts, run inside Redis as one script so that every
 * api node spends from the same budget, on Redis's clock.
 */
const TAKE = `${LUA_NOW}local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) / 1000 * rate)
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = math.ceil((1 - tokens) / rate * 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return { allowed, retry }`;

/** returnToken of lib/token-bucket.ts: refill to now, add one, cap at the burst; a missing bucket is full. */
const GIVE_BACK = `${LUA_NOW}local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
if not state[1] then return 0 end
local tokens = tonumber(state[1])
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) / 1000 * rate + 1)
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return 1`;

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'qc:',
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  async take(key: string, rule: BucketRule) {
    try {
      const [allowed, retry] = (await this.redis.eval(
        TAKE,
        1,
        `${this.prefix}rate:{${key}}`,
        String(rule.ratePerSec),
        String(rule.burst),
      )) as [number, number];
      return { allowed: allowed === 1, retryAfterMs: retry };
    } catch (err) {
      // Redis is away: chatting goes on unlimited for that moment rather than stopping for everyone.
      this.onError(err);
      return { allowed: true, retryAfterMs: 0 };
    }
  }

  async giveBack(key: string, rule: BucketRule) {
    try {
      await this.redis.eval(GIVE_BACK, 1, `${this.prefix}rate:{${key}}`, String(rule.ratePerSec), String(rule.burst));
    } catch (err) {
      this.onError(err); // a token not returned only slows that person down a little
    }
  }
}
