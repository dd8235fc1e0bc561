import type { Redis } from 'ioredis';
import type { RepeatCounter } from '../../ports/repeat-counter.port';
import { LUA_NOW } from './lua-clock';

/*
 * One sorted set per key (place → last time seen, on Redis's clock), trimmed to the window,
 * added to and counted in one script: every api node counts into the same set.
 */
const NOTE = `${LUA_NOW}local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], window)
return redis.call('ZCARD', KEYS[1])`;

export class RedisRepeatCounter implements RepeatCounter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'qc:',
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  async note(key: string, place: string, windowMs: number): Promise<number> {
    try {
      return (await this.redis.eval(NOTE, 1, `${this.prefix}repeat:{${key}}`, place, String(windowMs))) as number;
    } catch (err) {
      // Redis is away: the message goes through as if first seen, rather than refusing everyone's sends.
      this.onError(err);
      return 1;
    }
  }
}
