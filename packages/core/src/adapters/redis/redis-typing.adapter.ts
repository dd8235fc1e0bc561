import type { Redis } from 'ioredis';
import type { TypingMark, TypingStore } from '../../ports/typing.port';
import { LUA_NOW } from './lua-clock';

/*
 * Typing marks shared by every api node. Per room, a sorted set user -> expiry whose key has
 * a TTL of its own (an idle room's marks vanish from Redis by themselves); beside it one
 * schedule of every mark by expiry, which the nodes' sweepers drain. Each operation is one
 * Lua script on Redis's clock, so taking an expired mark and removing it are atomic: with
 * every node sweeping, each "stopped" is announced once. All keys carry the {typing} hash
 * tag, so in a Redis Cluster they share a slot and the scripts stay legal. The schedule
 * expires an hour after the last mark was set: while anyone types it is renewed, and
 * once nobody has for an hour it holds nothing a running sweeper would not have drained,
 * only what was left when every node stopped.
 */
export const TYPING_SCHEDULE_TTL_MS = 3_600_000;

// KEYS: room set, schedule. ARGV: userId, schedule member, ttl ms, schedule ttl ms.
const START = `${LUA_NOW}
local ttl = tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('ZADD', KEYS[2], now + ttl, ARGV[2])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1`;

// KEYS: room set, schedule. ARGV: userId, schedule member.
const STOP = `
local inRoom = redis.call('ZREM', KEYS[1], ARGV[1])
local scheduled = redis.call('ZREM', KEYS[2], ARGV[2])
return math.max(inRoom, scheduled)`;

// KEYS: schedule. ARGV: limit, room key prefix.
const TAKE_EXPIRED = `${LUA_NOW}
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
for _, member in ipairs(due) do
  redis.call('ZREM', KEYS[1], member)
  local sep = string.find(member, ' ', 1, true)
  redis.call('ZREM', ARGV[2] .. string.sub(member, 1, sep - 1), string.sub(member, sep + 1))
end
return due`;

// KEYS: room set.
const TYPING_IN = `${LUA_NOW}
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')`;

export class RedisTypingStore implements TypingStore {
  private readonly roomPrefix: string;
  private readonly schedule: string;

  constructor(
    private readonly redis: Redis,
    prefix = 'qc:',
  ) {
    this.roomPrefix = `${prefix}{typing}:room:`;
    this.schedule = `${prefix}{typing}:due`;
  }

  async start(mark: TypingMark, ttlMs: number): Promise<void> {
    await this.redis.eval(
      START,
      2,
      this.roomPrefix + mark.roomId,
      this.schedule,
      mark.userId,
      member(mark),
      String(ttlMs),
      String(Math.max(ttlMs, TYPING_SCHEDULE_TTL_MS)),
    );
  }

  async stop(mark: TypingMark): Promise<boolean> {
    return (await this.redis.eval(STOP, 2, this.roomPrefix + mark.roomId, this.schedule, mark.userId, member(mark))) === 1;
  }

  async takeExpired(limit: number): Promise<TypingMark[]> {
    const due = (await this.redis.eval(TAKE_EXPIRED, 1, this.schedule, String(limit), this.roomPrefix)) as string[];
    return due.map((m) => {
      const [roomId = '', userId = ''] = m.split(' ');
      return { roomId, userId };
    });
  }

  async typingIn(roomId: string): Promise<string[]> {
    return (await this.redis.eval(TYPING_IN, 1, this.roomPrefix + roomId)) as string[];
  }
}

/** Room and user ids are UUIDs: a space never occurs in either. */
function member(mark: TypingMark) {
  return `${mark.roomId} ${mark.userId}`;
}
