import type { Redis } from 'ioredis';
import { PRESENCE_STATUSES, type PresenceStatus } from '@qc/shared';
import type { PresenceSnapshot, PresenceStore } from '../../ports/presence.port';
import { LUA_NOW, LUA_NOW_MS_FN } from './lua-clock';

/*
 * Presence shared by every api node. Per user (keys hash-tagged by user id, so one Redis
 * Cluster slot holds them): a hash connection -> status, a sorted set connection -> expiry
 * (ms), and the last-seen time. Each change runs as one Lua script, so "before" and
 * "after" are read atomically with the write and two nodes never disagree on a change.
 * Time is Redis's own clock, the same for every node.
 */
const AGGREGATE = `${LUA_NOW_MS_FN}local function aggregate(hk, zk, now)
  local expired = redis.call('ZRANGEBYSCORE', zk, '-inf', now)
  if #expired > 0 then
    redis.call('ZREMRANGEBYSCORE', zk, '-inf', now)
    redis.call('HDEL', hk, unpack(expired))
  end
  local any = false
  for _, v in ipairs(redis.call('HVALS', hk)) do
    if v == 'online' then return 'online' end
    any = true
  end
  if any then return 'away' end
  return 'offline'
end
`;

const SET_CONNECTION = `${AGGREGATE}
local now = now_ms()
local ttl = tonumber(ARGV[3])
local before = aggregate(KEYS[1], KEYS[2], now)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('SET', KEYS[3], now)
return { before, aggregate(KEYS[1], KEYS[2], now) }`;

const ADMIT_CONNECTION = `${AGGREGATE}
local now = now_ms()
local ttl = tonumber(ARGV[2])
local before = aggregate(KEYS[1], KEYS[2], now)
local open = redis.call('HLEN', KEYS[1])
if open >= tonumber(ARGV[3]) and redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return { before, before, 0, open }
end
redis.call('HSET', KEYS[1], ARGV[1], 'online')
redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('SET', KEYS[3], now)
return { before, aggregate(KEYS[1], KEYS[2], now), 1, redis.call('HLEN', KEYS[1]) }`;

const REMOVE_CONNECTION = `${AGGREGATE}
local now = now_ms()
local before = aggregate(KEYS[1], KEYS[2], now)
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SET', KEYS[3], now)
return { before, aggregate(KEYS[1], KEYS[2], now) }`;

const REFRESH = `${LUA_NOW}local ttl = tonumber(ARGV[2])
if redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  redis.call('ZADD', KEYS[2], 'XX', now + ttl, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
  return 1
end
return 0`;

const GET = `${AGGREGATE}
return { aggregate(KEYS[1], KEYS[2], now_ms()), redis.call('GET', KEYS[3]) or '' }`;

type Pair = [string, string];

export class RedisPresenceStore implements PresenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'qc:',
  ) {}

  /**
   * Everyone with a live connection, scored by when their latest connection runs out (node
   * clock): the index "online now" is counted from. Apart from the per-user keys (another
   * hash slot), so it is written beside each script in the same round trip, not inside it.
   */
  private get onlineKey(): string {
    return `${this.prefix}presence-online`;
  }

  private async withOnline<T>(script: Promise<T>, userId: string, expiresAt: number | null): Promise<T> {
    if (expiresAt === null) return script;
    const [r] = await Promise.all([script, this.redis.zadd(this.onlineKey, 'GT', expiresAt, userId)]);
    return r;
  }

  async countOnline(): Promise<number> {
    const [, count] = (await this.redis.multi().zremrangebyscore(this.onlineKey, '-inf', Date.now()).zcard(this.onlineKey).exec()) as [
      [Error | null, number],
      [Error | null, number],
    ];
    if (count[0]) throw count[0];
    return count[1];
  }

  private keys(userId: string): [string, string, string] {
    const base = `${this.prefix}presence:{${userId}}`;
    return [`${base}:conns`, `${base}:expiry`, `${base}:seen`];
  }

  async setConnection(userId: string, connectionId: string, status: 'online' | 'away', ttlMs: number) {
    const r = (await this.withOnline(
      this.redis.eval(SET_CONNECTION, 3, ...this.keys(userId), connectionId, status, String(ttlMs)),
      userId,
      Date.now() + ttlMs,
    )) as Pair;
    return { before: asStatus(r[0]), after: asStatus(r[1]) };
  }

  async admitConnection(userId: string, connectionId: string, ttlMs: number, maxConnections: number) {
    const [before, after, admitted, open] = (await this.redis.eval(
      ADMIT_CONNECTION,
      3,
      ...this.keys(userId),
      connectionId,
      String(ttlMs),
      String(maxConnections),
    )) as [string, string, number, number];
    if (admitted === 1) await this.redis.zadd(this.onlineKey, 'GT', Date.now() + ttlMs, userId);
    return { admitted: admitted === 1, open, before: asStatus(before), after: asStatus(after) };
  }

  async removeConnection(userId: string, connectionId: string) {
    const r = (await this.redis.eval(REMOVE_CONNECTION, 3, ...this.keys(userId), connectionId)) as Pair;
    if (asStatus(r[1]) === 'offline') await this.redis.zrem(this.onlineKey, userId);
    return { before: asStatus(r[0]), after: asStatus(r[1]) };
  }

  async refresh(entries: { userId: string; connectionId: string }[], ttlMs: number) {
    if (entries.length === 0) return;
    const p = this.redis.pipeline();
    const until = Date.now() + ttlMs;
    for (const e of entries) p.eval(REFRESH, 3, ...this.keys(e.userId), e.connectionId, String(ttlMs));
    const refreshed = (await p.exec()) ?? [];
    // Into the index, each person whose connection is still there (a refresh never brings back
    // one who left); this also puts back a person whose "offline" from another node crossed
    // their coming back online (the index heals by the next heartbeat).
    const live = entries.filter((_, i) => refreshed[i]?.[1] === 1);
    if (live.length === 0) return;
    const q = this.redis.pipeline();
    for (const e of live) q.zadd(this.onlineKey, 'GT', until, e.userId);
    await q.exec();
  }

  async get(userIds: string[]): Promise<Map<string, PresenceSnapshot>> {
    const out = new Map<string, PresenceSnapshot>();
    if (userIds.length === 0) return out;
    const p = this.redis.pipeline();
    for (const id of userIds) p.eval(GET, 3, ...this.keys(id));
    const results = (await p.exec()) ?? [];
    userIds.forEach((id, i) => {
      const [err, value] = results[i] ?? [new Error('no reply'), null];
      if (err) throw err;
      const [status, seen] = value as Pair;
      out.set(id, { status: asStatus(status), lastSeen: seen ? new Date(Number(seen)) : null });
    });
    return out;
  }
}

function asStatus(s: string): PresenceStatus {
  return (PRESENCE_STATUSES as readonly string[]).includes(s) ? (s as PresenceStatus) : 'offline';
}
