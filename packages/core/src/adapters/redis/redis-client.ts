import { Redis } from 'ioredis';
import { redactUrl } from '../../lib/redact-url';

export interface RedisLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/**
 * One ioredis connection, set up to survive Redis going away: it reconnects for ever with
 * a capped backoff and errors are logged (throttled) instead of crashing the process.
 * Without `queueWhileDown`, a command issued while Redis is away fails at once: a chat
 * send must not wait seconds on presence or a rate limit. A subscriber keeps its queue,
 * since its SUBSCRIBE is issued before the first connection is up.
 */
export function createRedisClient(url: string, name: string, logger: RedisLogger, opts: { queueWhileDown?: boolean } = {}): Redis {
  const client = new Redis(url, {
    connectionName: `quantum-chat:${name}`,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: opts.queueWhileDown ?? false,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(200 * attempt, 2000),
    reconnectOnError: () => true,
    lazyConnect: false,
  });
  let lastErrorLog = 0;
  let down = false;
  client.on('error', (err: Error) => {
    const now = Date.now();
    if (now - lastErrorLog > 5000) {
      lastErrorLog = now;
      logger.warn(
        { err: err.message, redis: name },
        'Redis unreachable; retrying (live fan-out, presence and limits degrade until it is back)',
      );
    }
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.info({ redis: name }, 'Redis is back');
    down = false;
  });
  return client;
}

/**
 * Resolves when the client is ready, or rejects with a message that says what to do. On
 * failure the client is disconnected: left alone it would reconnect for ever and keep a
 * process that gave up on start-up from exiting.
 */
export async function waitForRedis(client: Redis, url: string, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      client.disconnect();
      reject(
        new Error(
          `Redis at ${redactUrl(url)} did not answer within ${timeoutMs / 1000} s: start it (npm run engines -- up redis) or fix REDIS_URL`,
        ),
      );
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off('ready', onReady);
    };
    client.on('ready', onReady);
  });
}
