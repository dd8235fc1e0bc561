import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { createRedisClient, type RedisLogger } from './redis-client';

/**
 * Socket.IO across api nodes: the Redis adapter relays every room/user broadcast through
 * Redis pub/sub. `flush` PINGs the publishing connection; Redis answers after it has
 * processed every PUBLISH sent before, which is what the room sequencer waits for.
 */
export class RedisSocketBus {
  readonly pub: Redis;
  readonly sub: Redis;

  constructor(url: string, logger: RedisLogger) {
    this.pub = createRedisClient(url, 'socket-pub', logger);
    this.sub = createRedisClient(url, 'socket-sub', logger);
  }

  adapter() {
    return createAdapter(this.pub, this.sub, { key: 'qc:socket.io' });
  }

  async flush(): Promise<void> {
    // If Redis is away the emit is lost for other nodes anyway; their clients heal by room:sync.
    await this.pub.ping().catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.pub.quit(), this.sub.quit()]);
  }
}
