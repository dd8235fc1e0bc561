import type { Redis } from 'ioredis';

/*
 * The highest seq of each room already handed to the socket bus, shared by every workers
 * process. A redelivered record (crash, rebalance) at or below it is not emitted again.
 * It moves only forward, and only after the emit, so a crash in between means at worst a
 * repeated emit (clients drop a seq they have), never a lost one.
 */
const ADVANCE = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local seq = tonumber(ARGV[1])
if seq > cur then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

export class RedisFanoutWatermark {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'qc:',
    private readonly ttlMs = 7 * 86_400_000,
  ) {}

  private key(roomId: string) {
    return `${this.prefix}fanout:{${roomId}}`;
  }

  async emitted(roomId: string): Promise<number> {
    return Number((await this.redis.get(this.key(roomId))) ?? 0);
  }

  async advance(roomId: string, seq: number): Promise<void> {
    await this.redis.eval(ADVANCE, 1, this.key(roomId), String(seq), String(this.ttlMs));
  }
}
