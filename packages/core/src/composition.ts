import type { DataSource } from 'typeorm';
import type { AppConfig } from './config/config';
import { InProcessMessageLog } from './adapters/memory/in-process-message-log.adapter';
import { InProcessRoomSequencer } from './adapters/memory/in-process-room-sequencer.adapter';
import { MemoryPresenceStore } from './adapters/memory/memory-presence.adapter';
import { MemoryRateLimiter } from './adapters/memory/memory-rate-limiter.adapter';
import { PostgresMessageStore } from './adapters/postgres/postgres-message-store.adapter';
import { PostgresMetadataStore } from './adapters/postgres/postgres-metadata.adapter';
import { PostgresRoomSequencer } from './adapters/postgres/postgres-room-sequencer.adapter';
import { createRedisClient, waitForRedis } from './adapters/redis/redis-client';
import { RedisPresenceStore } from './adapters/redis/redis-presence.adapter';
import { RedisRateLimiter } from './adapters/redis/redis-rate-limiter.adapter';
import { RedisSocketBus } from './adapters/redis/redis-socket-bus';
import { createFanoutHandler, type FanoutWatermark } from './handlers/fanout.handler';
import { createNotifyHandler } from './handlers/notify.handler';
import type { NotificationSink } from './ports/notification-sink.port';
import { KafkaMessageLog } from './adapters/kafka/kafka-message-log.adapter';
import { connectCassandra } from './adapters/cassandra/cassandra-client';
import { CassandraMessageStore } from './adapters/cassandra/cassandra-message-store.adapter';
import type { Broadcaster } from './ports/broadcaster.port';
import type { LogRecord, MessageLog } from './ports/message-log.port';
import type { MessageStore } from './ports/message-store.port';
import type { MetadataStore } from './ports/metadata.port';
import type { PresenceStore } from './ports/presence.port';
import type { RateLimiter } from './ports/rate-limiter.port';
import type { RoomSequencer } from './ports/room-sequencer.port';
import { AuthService } from './services/auth.service';
import { MessagesService } from './services/messages.service';
import { PresenceService } from './services/presence.service';
import { RoomsService } from './services/rooms.service';
import { TypingService } from './services/typing.service';
import { UsersService } from './services/users.service';

export interface Adapters {
  meta: MetadataStore;
  messageStore: MessageStore;
  messageLog: MessageLog;
  presenceStore: PresenceStore;
  rateLimiter: RateLimiter;
  roomSequencer: RoomSequencer;
  /** Socket.IO across nodes; null when one process serves everyone. */
  socketBus: RedisSocketBus | null;
  /** Closes the connections the adapters opened (not the DataSource, which the caller owns). */
  close(): Promise<void>;
}

export interface CoreServices extends Adapters {
  auth: AuthService;
  users: UsersService;
  rooms: RoomsService;
  messages: MessagesService;
  presence: PresenceService;
  typing: TypingService;
}

export interface CoreLogger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/**
 * The one place adapters are chosen from config, like twenty's driver switch. Each engine
 * is independent: REDIS_URL moves presence, rate limits and socket fan-out into Redis
 * (and makes the room sequencer span nodes); unset keeps them in this process.
 */
export async function createAdapters(config: AppConfig, ds: DataSource, logger: CoreLogger): Promise<Adapters> {
  const history = await createMessageStore(config, ds, logger);
  const common = {
    meta: new PostgresMetadataStore(ds),
    messageStore: history.store,
    messageLog: createMessageLog(config, logger, 'api'),
  };
  if (!config.redisUrl) {
    return {
      ...common,
      presenceStore: new MemoryPresenceStore(),
      rateLimiter: new MemoryRateLimiter(),
      roomSequencer: new InProcessRoomSequencer(),
      socketBus: null,
      close: history.close,
    };
  }
  const redis = createRedisClient(config.redisUrl, 'state', logger);
  await waitForRedis(redis, config.redisUrl);
  const socketBus = new RedisSocketBus(config.redisUrl, logger);
  await socketBus.ready();
  return {
    ...common,
    presenceStore: new RedisPresenceStore(redis),
    rateLimiter: new RedisRateLimiter(redis, 'qc:', (err) =>
      logger.warn({ err: String(err) }, 'rate limit check skipped: Redis unreachable'),
    ),
    // Several nodes publish to one bus: a room's commit-and-publish must be exclusive across them.
    roomSequencer: new PostgresRoomSequencer(ds),
    socketBus,
    close: async () => {
      await history.close();
      await socketBus.close();
      await redis.quit().catch(() => undefined);
    },
  };
}

/**
 * History: PostgreSQL, or Cassandra with PostgreSQL keeping the seq counter and the
 * idempotency keys. With Cassandra a timer finishes the writes that failed sends left in
 * the outbox (any node may do it: the writes are idempotent).
 */
async function createMessageStore(
  config: AppConfig,
  ds: DataSource,
  logger: CoreLogger,
): Promise<{ store: MessageStore; close(): Promise<void> }> {
  if (!config.cassandra) return { store: new PostgresMessageStore(ds), close: async () => undefined };
  let cql: Awaited<ReturnType<typeof connectCassandra>>;
  try {
    cql = await connectCassandra(config.cassandra);
  } catch (e) {
    throw new Error(
      `could not reach Cassandra at ${config.cassandra.contactPoints.join(',')} (${e instanceof Error ? e.message : String(e)}): start it (npm run engines -- up cassandra) or fix CASSANDRA_CONTACT_POINTS / CASSANDRA_LOCAL_DC`,
    );
  }
  const store = new CassandraMessageStore(ds, cql);
  const timer = setInterval(() => {
    store.storePending().then(
      (n) => n > 0 && logger.info({ count: n }, 'stored outbox messages in Cassandra'),
      (err: unknown) => logger.warn({ err: String(err) }, 'could not store outbox messages in Cassandra yet'),
    );
  }, 5000);
  timer.unref();
  return {
    store,
    close: async () => {
      clearInterval(timer);
      await cql.shutdown();
    },
  };
}

export function createMessageLog(config: AppConfig, logger: CoreLogger, role: 'api' | 'workers'): MessageLog {
  if (config.kafka) {
    return new KafkaMessageLog({
      brokers: config.kafka.brokers,
      clientId: `quantum-chat-${role}`,
      topic: config.kafka.topic,
      // Groups named after the topic: a second deployment on the same cluster stays apart.
      groupPrefix: `qc.${config.kafka.topic}`,
      partitions: config.kafka.partitions,
      replicationFactor: config.kafka.replicationFactor,
      logger,
    });
  }
  return new InProcessMessageLog((consumer: string, err: unknown, record: LogRecord) =>
    logger.error({ err, consumer, messageId: record.message.id }, 'log consumer failed; clients will heal by room:sync'),
  );
}

export function createCoreServices(config: AppConfig, adapters: Adapters, broadcaster: Broadcaster): CoreServices {
  const { meta, messageStore, messageLog, presenceStore, rateLimiter, roomSequencer } = adapters;
  const rooms = new RoomsService(meta, messageStore, presenceStore, broadcaster);
  return {
    ...adapters,
    auth: new AuthService(meta, { jwtSecret: config.jwtSecret, argon2: config.argon2 }),
    users: new UsersService(meta),
    rooms,
    messages: new MessagesService(rooms, meta, messageStore, messageLog, rateLimiter, broadcaster, roomSequencer, {
      messagesPerSec: config.rateLimit.messagesPerSec,
      messagesBurst: config.rateLimit.messagesBurst,
    }),
    presence: new PresenceService(meta, presenceStore, broadcaster),
    typing: new TypingService(broadcaster),
  };
}

/**
 * The workers' consumers of the message log. In the embedded profile they run inside the
 * api process (the in-process log calls them inline); scaled out, apps/workers runs them.
 */
export interface LogConsumerDeps {
  /** With an at-least-once log: skip records already emitted. */
  watermark?: FanoutWatermark;
  /** Offline members get notifications (for push); needs members and presence. */
  notify?: { meta: MetadataStore; presence: PresenceStore; sink: NotificationSink };
}

export function registerLogConsumers(log: MessageLog, broadcaster: Broadcaster, deps: LogConsumerDeps = {}) {
  log.subscribe('fanout', createFanoutHandler(broadcaster, deps.watermark));
  if (deps.notify) log.subscribe('notify', createNotifyHandler(deps.notify.meta, deps.notify.presence, deps.notify.sink));
}
