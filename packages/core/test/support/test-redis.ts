import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * A connection to the Redis the tests use (TEST_REDIS_URL, default the machine's service)
 * and a key prefix of its own, removed afterwards, so runs never see each other's keys.
 */
export async function startTestRedis(): Promise<{ redis: Redis; prefix: string; url: string; stop(): Promise<void> }> {
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    throw new Error(
      `no Redis at ${url} (${e instanceof Error ? e.message : String(e)}): start it with "npm run engines -- up redis", or set TEST_REDIS_URL`,
    );
  }
  const prefix = `qc-test-${randomBytes(4).toString('hex')}:`;
  return {
    redis,
    prefix,
    url,
    async stop() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      await redis.quit();
    },
  };
}
