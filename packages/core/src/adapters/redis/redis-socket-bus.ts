import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { createRedisClient, waitForRedis, type RedisLogger } from './redis-client';

/**
 * Socket.IO across api nodes: the Redis adapter relays every room/user broadcast through
 * Redis pub/sub. `flush` PINGs the publishing connection; Redis answers after it has
 * processed every PUBLISH sent before, which is what the room sequencer waits for.
 */
export class RedisSocketBus {
  readonly pub: Redis;
  readonly sub: Redis;

  constructor(
    private readonly url: string,
    logger: RedisLogger,
  ) {
    this.pub = createRedisClient(url, 'socket-pub', logger);
    this.sub = createRedisClient(url, 'socket-sub', logger, { queueWhileDown: true });
    // The adapter publishes without handling the promise; while Redis is away that would be
    // an unhandled rejection. The emit is lost for other nodes, whose clients heal by room:sync.
    const publish = this.pub.publish.bind(this.pub);
    this.pub.publish = ((...args: Parameters<typeof publish>) => publish(...args).catch(() => 0)) as typeof this.pub.publish;
  }

  /** Both connections up, so the adapter's subscriptions are in place before sockets arrive. */
  async ready(): Promise<void> {
    await Promise.all([waitForRedis(this.pub, this.url), waitForRedis(this.sub, this.url)]);
  }

  adapter() {
    return createAdapter(this.pub, this.sub, { key: 'qc:socket.io' });
  }

  async flush(): Promise<void> {
    // If Redis is away the emit is lost for other nodes anyway; their clients heal by room:sync.
    await this.pub.ping().catch(() => undefined);
  }

  /** Drops both connections at once, for a start-up that gave up (quit would wait on a dead link). */
  disconnect(): void {
    this.pub.disconnect();
    this.sub.disconnect();
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.pub.quit(), this.sub.quit()]);
  }
}
