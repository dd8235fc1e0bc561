import type { DataSource } from 'typeorm';
import { closeDataSource, createDataSource, msSinceLastAnswer, openAndMigrate } from './adapters/postgres/data-source';
import { runningEmbeddedPostgresUrl, startEmbeddedPostgres } from './embedded/embedded-postgres';
import { SocketIoBroadcaster, type ChatServer } from './adapters/socketio/socketio-broadcaster.adapter';
import { RedisEmitterBroadcaster } from './adapters/redis/redis-emitter-broadcaster.adapter';
import { RedisFanoutWatermark } from './adapters/redis/redis-fanout-watermark';
import type { DatabasePoolUsage, InstanceRole } from '@qc/shared';
import type { AppConfig } from './config/config';
import { InProcessMessageLog } from './adapters/memory/in-process-message-log.adapter';
import { InProcessRoomSequencer } from './adapters/memory/in-process-room-sequencer.adapter';
import { MemoryPresenceStore } from './adapters/memory/memory-presence.adapter';
import { MemoryRateLimiter } from './adapters/memory/memory-rate-limiter.adapter';
import { MemoryAttemptLimiter } from './adapters/memory/memory-attempt-limiter.adapter';
import { RedisAttemptLimiter } from './adapters/redis/redis-attempt-limiter.adapter';
import type { AttemptLimiter } from './ports/attempt-limiter.port';
import { ThrottleService } from './services/throttle.service';
import { MemoryTypingStore } from './adapters/memory/memory-typing.adapter';
import { poolUsage } from './adapters/postgres/data-source';
import { PostgresMessageStore } from './adapters/postgres/postgres-message-store.adapter';
import { PostgresMetadataStore } from './adapters/postgres/postgres-metadata.adapter';
import { PostgresRoomSequencer } from './adapters/postgres/postgres-room-sequencer.adapter';
import { createRedisClient, waitForRedis } from './adapters/redis/redis-client';
import { RedisPresenceStore } from './adapters/redis/redis-presence.adapter';
import { RedisTypingStore } from './adapters/redis/redis-typing.adapter';
import { RedisRateLimiter } from './adapters/redis/redis-rate-limiter.adapter';
import { RedisSocketBus } from './adapters/redis/redis-socket-bus';
import { createFanoutHandler, HybridFanout, type FanoutWatermark } from './handlers/fanout.handler';
import { RoomSizes } from './lib/room-sizes';
import { createNotifyHandler } from './handlers/notify.handler';
import type { NotificationSink } from './ports/notification-sink.port';
import { KafkaMessageLog } from './adapters/kafka/kafka-message-log.adapter';
import { connectCassandra } from './adapters/cassandra/cassandra-client';
import { CassandraMessageStore } from './adapters/cassandra/cassandra-message-store.adapter';
import type { Broadcaster } from './ports/broadcaster.port';
import { PrometheusMetrics } from './adapters/prometheus/prometheus-metrics.adapter';
import { NO_DELIVERY_METRICS, type DeliveryMetrics, type RuntimeMetrics } from './ports/metrics.port';
import {
  logConsumersFor,
  recordRoomId,
  recordSeq,
  runsLogConsumer,
  type LogConsumerName,
  type LogRecord,
  type MessageLog,
} from './ports/message-log.port';
import type { HistoryWriter, MessageStore } from './ports/message-store.port';
import type { MetadataStore } from './ports/metadata.port';
import type { PresenceStore } from './ports/presence.port';
import type { RateLimiter } from './ports/rate-limiter.port';
import type { RoomSequencer } from './ports/room-sequencer.port';
import type { SearchIndex } from './ports/search-index.port';
import type { TypingStore } from './ports/typing.port';
import { PostgresSearchIndex } from './adapters/postgres/postgres-search-index.adapter';
import { createElasticsearchClient, ElasticsearchSearchIndex } from './adapters/elasticsearch/elasticsearch-search-index.adapter';
import { DiskMediaStore } from './adapters/disk/disk-media-store.adapter';
import { createS3Client, S3MediaStore } from './adapters/s3/s3-media-store.adapter';
import type { MediaStore } from './ports/media-store.port';
import { createHistoryHandler } from './handlers/history.handler';
import { createIndexHandler } from './handlers/index.handler';
import { SearchService } from './services/search.service';
import { redactUrl } from './lib/redact-url';
import { AuthService } from './services/auth.service';
import { MessagesService } from './services/messages.service';
import { MessageActionsService } from './services/message-actions.service';
import { MyDataService } from './services/my-data.service';
import { PostgresMessageStateStore } from './adapters/postgres/postgres-message-state.adapter';
import type { MessageStateStore } from './ports/message-state.port';
import { ReceiptsService } from './services/receipts.service';
import { PresenceService } from './services/presence.service';
import { ProfileAnnouncer } from './services/profile-announcer';
import { RoomsService } from './services/rooms.service';
import { RoomStates } from './services/room-states';
import type { RoomEventBus } from './ports/room-events.port';
import { InProcessRoomEvents } from './adapters/memory/in-process-room-events.adapter';
import { RedisRoomEvents } from './adapters/redis/redis-room-events.adapter';
import { TypingService } from './services/typing.service';
import { UsersService } from './services/users.service';
import { UploadsService } from './uploads/uploads.service';
import { AvatarsService } from './uploads/avatars.service';
import { PostgresUploadStore } from './adapters/postgres/postgres-upload-store.adapter';
import type { UploadRecord, UploadStore } from './ports/upload-store.port';
import { readFileSync } from 'node:fs';
import { PostgresPushStore } from './adapters/postgres/postgres-push-store.adapter';
import type { PushStore, VapidKeyPair } from './ports/push-store.port';
import { PushService } from './push/push.service';
import { resolveVapidKeys } from './push/vapid-keys';
import { WebPushSink, type PushMetrics } from './push/web-push.sink';
import { inBackground } from './lib/background-runs';
import { PostgresModerationStore } from './adapters/postgres/postgres-moderation-store.adapter';
import type { ModerationStore } from './ports/moderation-store.port';
import { ModerationService } from './moderation/moderation.service';
import { WordRulesService } from './moderation/word-rules.service';
import { SpamRulesService } from './moderation/spam-rules.service';
import { AdminOverviewService } from './moderation/admin-overview.service';
import { PersonProfileService } from './moderation/person-profile.service';
import { PostgresInstanceStats } from './adapters/postgres/postgres-instance-stats.adapter';
import type { InstanceStatsStore } from './ports/instance-stats.port';
import { MemoryRepeatCounter } from './adapters/memory/memory-repeat-counter.adapter';
import { RedisRepeatCounter } from './adapters/redis/redis-repeat-counter.adapter';
import type { RepeatCounter } from './ports/repeat-counter.port';
import { CasesService } from './moderation/cases.service';
import { PostgresCaseStore } from './adapters/postgres/postgres-case-store.adapter';
import type { CaseStore } from './ports/case-store.port';

export interface Adapters {
  meta: MetadataStore;
  messageStore: MessageStore;
  /** Edits, deletes and reactions, and their place in each room's order: PostgreSQL in both profiles. */
  messageStates: MessageStateStore;
  messageLog: MessageLog;
  presenceStore: PresenceStore;
  typingStore: TypingStore;
  rateLimiter: RateLimiter;
  /** Sign-in failures, sign-ups and room creations counted per key (rate-limiter-flexible). */
  attemptLimiter: AttemptLimiter;
  /** The spam rule's "same text in N rooms" count: one across nodes. */
  repeatCounter: RepeatCounter;
  roomSequencer: RoomSequencer;
  searchIndex: SearchIndex;
  /** Uploaded files and thumbnails: the data folder's `media/`, or an S3 bucket (S3_BUCKET). */
  mediaStore: MediaStore;
  /** What each upload is and which message it went with: PostgreSQL in both profiles. */
  uploadStore: UploadStore;
  /** Devices subscribed to Web Push and what was pushed to them: PostgreSQL in both profiles. */
  pushStore: PushStore;
  /** The key pair pushes are signed with (settings, or generated once into the database). */
  vapidKeys: VapidKeyPair;
  /** Mutes, kicks, bans, instance roles and the append-only audit log: PostgreSQL in both profiles. */
  moderationStore: ModerationStore;
  caseStore: CaseStore;
  instanceStats: InstanceStatsStore;
  /**
   * Whether the `indexer` log consumer must feed searchIndex. False for PostgreSQL
   * full-text search, whose index is the history table itself.
   */
  searchNeedsIndexer: boolean;
  /** Socket.IO across nodes; null when one process serves everyone. */
  socketBus: RedisSocketBus | null;
  /** Membership changes told to every node (RoomStates and RoomSizes drop what they hold of the room). */
  roomEvents: RoomEventBus;
  /** One per engine this node talks to, for GET /health. */
  healthChecks: EngineHealthCheck[];
  /** With a history store behind an outbox (Cassandra): how old its oldest unwritten message is, for metrics. */
  outboxAgeSeconds?: () => Promise<number | null>;
  /** Closes the connections the adapters opened (not the DataSource, which the caller owns). */
  close(): Promise<void>;
}

export interface EngineHealthCheck {
  name: 'database' | 'redis' | 'cassandra' | 'elasticsearch';
  /**
   * Whether this node can serve without it. Not: PostgreSQL (accounts, rooms, seqs) and
   * Cassandra (history). Yes, degraded: Redis (sends go on, presence and cross-node fan-out
   * wait, clients catch up by room:sync) and Elasticsearch (only search fails).
   */
  critical: boolean;
  /**
   * Rejects when the engine cannot be reached (the check is down). May resolve with what
   * the report shows beyond that: a warning when the engine answers but this node is short
   * of it (the check is degraded), and the database's pool use.
   */
  ping(): Promise<EngineCheckResult | void>;
}

export interface EngineCheckResult {
  warning?: string;
  pool?: DatabasePoolUsage;
}

/** Messages waiting for the in-process notifier at most (past it, they are not pushed; see inBackground). */
const NOTIFY_QUEUE_MAX = 50_000;
/** Rooms the in-process notifier works on at once (each a few queries and its pushes). */
const NOTIFY_ROOMS_AT_ONCE = 8;
/** How long what became of each push is kept. */
const PUSH_DELIVERIES_KEPT_MS = 7 * 24 * 3600 * 1000;

/** How often each api node removes uploads never sent with a message (older than a day). */
const UPLOAD_SWEEP_EVERY_MS = 10 * 60 * 1000;

/** A query answered this recently shows the pool works (see the database check). */
const RECENT_ANSWER_MS = 1000;
/** How long the database check waits for its ping. */
const PING_BOUND_MS = 1000;

/**
 * The database check reports the pool's use and is degraded while requests wait for a
 * connection: every one is busy, and sends queue for the pool (slower acks, and past
 * DATABASE_ACQUIRE_TIMEOUT_MS, sends refused UNAVAILABLE). The node still serves, so it is
 * not down: taking every node of a fleet out of the load balancer in a load spike would
 * turn slow into nothing. A ping then would only queue behind the waiters, so the pool's
 * counts answer.
 */
function databaseHealthCheck(ds: DataSource, meta: MetadataStore): EngineHealthCheck {
  return {
    name: 'database',
    critical: true,
    ping: async () => {
      const pool = poolUsage(ds);
      // Every connection busy but answering: the pool works. A ping would queue behind the
      // waiters or open a new connection, whose slowness says nothing about the pool. Busy
      // and silent (a frozen server) falls through to the ping.
      if (pool.idle === 0 && msSinceLastAnswer(ds) < RECENT_ANSWER_MS) {
        if (pool.waiting === 0) return { pool };
        return {
          pool,
          warning:
            `connection pool exhausted: ${pool.total - pool.idle} of ${pool.max} connections busy and ${pool.waiting} ` +
            `request(s) waiting for one, so sends are queueing; raise DATABASE_POOL_SIZE (keeping the sum over all ` +
            `nodes and workers under PostgreSQL's max_connections) or add api nodes`,
        };
      }
      // A PostgreSQL that is awake answers a ping in milliseconds; the check waits a second,
      // not the whole query bound, so a frozen one is reported down at once. A slow ping while
      // other queries are being answered is slowness (degraded), not an outage.
      const ping = meta.ping().then(() => true);
      ping.catch(() => undefined); // past the second, its failure is already reported
      const answered = await Promise.race([ping, new Promise<false>((r) => setTimeout(() => r(false), PING_BOUND_MS))]);
      if (answered) return { pool };
      if (msSinceLastAnswer(ds) < RECENT_ANSWER_MS) {
        return { pool, warning: `PostgreSQL is slow: a ping took over ${PING_BOUND_MS} ms, though other queries are being answered` };
      }
      throw new Error(`PostgreSQL has not answered for over ${PING_BOUND_MS} ms: requests are refused UNAVAILABLE until it does`);
    },
  };
}

export interface CoreServices extends Adapters {
  auth: AuthService;
  users: UsersService;
  rooms: RoomsService;
  messages: MessagesService;
  messageActions: MessageActionsService;
  /** A person's export of their data, and the erasure of their account. */
  myData: MyDataService;
  presence: PresenceService;
  typing: TypingService;
  search: SearchService;
  receipts: ReceiptsService;
  /** Files sent to rooms: kept, typed, thumbnailed, read back by members. */
  uploads: UploadsService;
  /** People's pictures, uploaded and served here. */
  avatars: AvatarsService;
  /** The devices people subscribed to Web Push (`/push/…`). */
  push: PushService;
  /** Web Push out to devices: the notify consumer's sink in this process (embedded profile). */
  pushSink: WebPushSink;
  /** Mutes, kicks, bans, instance roles and the audit log, each checked by the moderation policy. */
  moderation: ModerationService;
  /** Reports as cases, worked by the instance's staff. */
  cases: CasesService;
  /** Word rules, held in memory and checked on every send and edit. */
  wordRules: WordRulesService;
  spamRules: SpamRulesService;
  adminOverview: AdminOverviewService;
  personProfile: PersonProfileService;
  throttle: ThrottleService;
  /** Member counts for hybrid fan-out (large rooms are pulled), shared by rooms (which forgets them on changes) and fan-out. */
  roomSizes: RoomSizes;
}

/**
 * How long a room's member count is trusted before it is read again. Membership changes on
 * this node forget it at once; elsewhere (workers, other nodes) a room that crosses the
 * large-room threshold switches between push and pull this much later at most.
 */
const ROOM_SIZE_TTL_MS = 10_000;

/** Member counts read from metadata, at most once per room per ROOM_SIZE_TTL_MS. */
export function createRoomSizes(
  config: Pick<AppConfig, 'hybridFanout'>,
  meta: Pick<MetadataStore, 'findRoomById'>,
  logger?: Pick<CoreLogger, 'warn'>,
): RoomSizes {
  const warn = throttledWarn(logger, 'room size not read; treated as small (pushed to every member)');
  return new RoomSizes(
    async (roomId) => (await meta.findRoomById(roomId))?.memberCount ?? null,
    { largeRoomMembers: config.hybridFanout.largeRoomMembers, ttlMs: ROOM_SIZE_TTL_MS },
    (err, roomId) => warn(err, roomId),
  );
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
  const pushStore = new PostgresPushStore(ds);
  const vapidKeys = await resolveVapidKeys(config.push, pushStore);
  const media = await createMediaStore(config);
  let search: Awaited<ReturnType<typeof createSearchIndex>>;
  try {
    search = await createSearchIndex(config, ds);
  } catch (e) {
    await media.close();
    throw e;
  }
  let history: Awaited<ReturnType<typeof createMessageStore>>;
  try {
    history = await createMessageStore(config, ds, logger);
  } catch (e) {
    await search.close();
    await media.close();
    throw e;
  }
  const meta = new PostgresMetadataStore(ds);
  const checks = (...more: EngineHealthCheck[]): EngineHealthCheck[] => [
    databaseHealthCheck(ds, meta),
    ...[history.healthCheck, search.healthCheck, ...more].filter((c): c is EngineHealthCheck => !!c),
  ];
  const common = {
    meta,
    messageStore: history.store,
    messageStates: new PostgresMessageStateStore(ds),
    messageLog: createMessageLog(config, logger, 'api'),
    searchIndex: search.index,
    searchNeedsIndexer: search.needsIndexer,
    mediaStore: media.store,
    uploadStore: new PostgresUploadStore(ds),
    pushStore,
    vapidKeys,
    moderationStore: new PostgresModerationStore(ds),
    caseStore: new PostgresCaseStore(ds),
    instanceStats: new PostgresInstanceStats(ds),
    outboxAgeSeconds: history.outboxAgeSeconds,
  };
  const closeStores = async () => {
    await history.close();
    await search.close();
    await media.close();
  };
  if (!config.redisUrl) {
    return {
      ...common,
      presenceStore: new MemoryPresenceStore(),
      typingStore: new MemoryTypingStore(),
      rateLimiter: new MemoryRateLimiter(),
      attemptLimiter: new MemoryAttemptLimiter(),
      repeatCounter: new MemoryRepeatCounter(),
      roomSequencer: new InProcessRoomSequencer(),
      socketBus: null,
      roomEvents: new InProcessRoomEvents(),
      healthChecks: checks(),
      close: closeStores,
    };
  }
  const redis = createRedisClient(config.redisUrl, 'state', logger);
  await waitForRedis(redis, config.redisUrl).catch(async (e: unknown) => {
    await closeStores();
    throw e;
  });
  const socketBus = new RedisSocketBus(config.redisUrl, logger);
  const roomEvents = new RedisRoomEvents(
    redis,
    createRedisClient(config.redisUrl, 'room-events', logger, { queueWhileDown: true }),
    'qc:room-changed',
  );
  await Promise.all([socketBus.ready(), roomEvents.ready()]).catch(async (e: unknown) => {
    socketBus.disconnect();
    await roomEvents.close();
    redis.disconnect();
    await closeStores();
    throw e;
  });
  return {
    ...common,
    presenceStore: new RedisPresenceStore(redis),
    typingStore: new RedisTypingStore(redis),
    rateLimiter: new RedisRateLimiter(redis, 'qc:', (err) =>
      logger.warn({ err: String(err) }, 'rate limit check skipped: Redis unreachable'),
    ),
    attemptLimiter: new RedisAttemptLimiter(redis),
    repeatCounter: new RedisRepeatCounter(redis, 'qc:', (err) =>
      logger.warn({ err: String(err) }, 'spam rule "same text in many rooms" skipped: Redis unreachable'),
    ),
    // Several nodes publish to one bus: a room's commit-and-publish must be exclusive across them.
    // Its lock wait is bounded at ten queries' worth: behind other nodes' sends, not stalled.
    roomSequencer: new PostgresRoomSequencer(ds, config.databaseTimeouts.queryMs * 10),
    socketBus,
    roomEvents,
    healthChecks: checks({ name: 'redis', critical: false, ping: async () => void (await redis.ping()) }),
    close: async () => {
      await closeStores();
      await socketBus.close();
      await roomEvents.close();
      await redis.quit().catch(() => undefined);
    },
  };
}

/**
 * History: PostgreSQL, or Cassandra with PostgreSQL keeping the seq counter and the
 * idempotency keys. With Cassandra and Kafka the sender's path stops at the PostgreSQL
 * commit and the workers' `history` consumer writes Cassandra; without Kafka the send
 * writes it. Either way a timer finishes what is left in the outbox (a failed write, or
 * workers that are down): any node may, the writes are idempotent.
 */
async function createMessageStore(
  config: AppConfig,
  ds: DataSource,
  logger: CoreLogger,
): Promise<{
  store: MessageStore;
  healthCheck?: EngineHealthCheck;
  outboxAgeSeconds?: () => Promise<number | null>;
  close(): Promise<void>;
}> {
  if (!config.cassandra) return { store: new PostgresMessageStore(ds), close: async () => undefined };
  const cql = await openCassandra(config.cassandra);
  const deferWrites = config.kafka !== null;
  const store = new CassandraMessageStore(ds, cql, { deferWrites });
  // Deferred writes are the workers' job: the timer only steps in when they have fallen far behind.
  const olderThanMs = deferWrites ? 60_000 : 5_000;
  const timer = setInterval(() => {
    store.storePending(olderThanMs).then(
      (n) => n > 0 && logger.info({ count: n }, 'stored outbox messages in Cassandra'),
      (err: unknown) => logger.warn({ err: String(err) }, 'could not store outbox messages in Cassandra yet'),
    );
  }, 5000);
  timer.unref();
  return {
    store,
    outboxAgeSeconds: () => store.oldestPendingAgeSeconds(),
    healthCheck: {
      name: 'cassandra',
      critical: true,
      ping: async () => void (await cql.execute('SELECT release_version FROM system.local')),
    },
    close: async () => {
      clearInterval(timer);
      await cql.shutdown();
    },
  };
}

async function openCassandra(settings: NonNullable<AppConfig['cassandra']>) {
  try {
    return await connectCassandra(settings);
  } catch (e) {
    throw new Error(
      `could not reach Cassandra at ${settings.contactPoints.join(',')} (${e instanceof Error ? e.message : String(e)}): start it (npm run engines -- up cassandra) or fix CASSANDRA_CONTACT_POINTS / CASSANDRA_LOCAL_DC`,
    );
  }
}

/**
 * For apps/workers: the history writer the `history` consumer needs, when history trails
 * the log (Cassandra with Kafka); null when the api's commit is the history write.
 */
export async function createHistoryWriter(
  config: AppConfig,
  ds: DataSource,
): Promise<{ writer: HistoryWriter; close(): Promise<void> } | null> {
  if (!config.cassandra || !config.kafka) return null;
  const cql = await openCassandra(config.cassandra);
  return { writer: new CassandraMessageStore(ds, cql, { deferWrites: true }), close: () => cql.shutdown() };
}

/**
 * Media: the data folder's `media/` by default, an S3-compatible bucket when S3_BUCKET is
 * set. The folder or bucket is made (or found) here, so a wrong setting stops start-up
 * rather than the first upload.
 */
export async function createMediaStore(config: Pick<AppConfig, 'media'>): Promise<{ store: MediaStore; close(): Promise<void> }> {
  const media = config.media;
  if (media.kind === 'disk') {
    const store = new DiskMediaStore(media.dir);
    try {
      await store.init();
    } catch (e) {
      throw new Error(
        `could not make the media folder ${media.dir} (${e instanceof Error ? e.message : String(e)}): make QC_DATA_DIR a folder this user can write, or set S3_BUCKET to keep uploads in S3`,
      );
    }
    return { store, close: async () => undefined };
  }
  const client = createS3Client(media);
  const store = new S3MediaStore(client, media.bucket, media.prefix);
  try {
    await store.init();
  } catch (e) {
    client.destroy();
    const where = media.endpoint ? redactUrl(media.endpoint) : `AWS S3 (${media.region})`;
    throw new Error(
      `could not reach the S3 store at ${where} or open bucket "${media.bucket}" (${e instanceof Error ? e.name + ': ' + e.message : String(e)}): start it (npm run engines -- up s3mock) or fix S3_ENDPOINT / S3_BUCKET / S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY`,
    );
  }
  return { store, close: async () => client.destroy() };
}

/**
 * Search: Elasticsearch when ELASTICSEARCH_URL is set (fed by the `indexer` consumer),
 * else PostgreSQL full-text search over the history table. The index is created (or found)
 * here, so a wrong URL stops start-up rather than the first search.
 */
export async function createSearchIndex(
  config: Pick<AppConfig, 'elasticsearch'>,
  ds: DataSource,
): Promise<{ index: SearchIndex; needsIndexer: boolean; healthCheck?: EngineHealthCheck; close(): Promise<void> }> {
  if (!config.elasticsearch) return { index: new PostgresSearchIndex(ds), needsIndexer: false, close: async () => undefined };
  const { url, index: indexName } = config.elasticsearch;
  const client = createElasticsearchClient(url);
  const index = new ElasticsearchSearchIndex(client, { index: indexName });
  try {
    await index.ready();
  } catch (e) {
    await client.close();
    throw new Error(
      `could not reach Elasticsearch at ${redactUrl(url)} or create index "${indexName}" (${e instanceof Error ? e.message : String(e)}): start it (npm run engines -- up elasticsearch) or fix ELASTICSEARCH_URL / ELASTICSEARCH_INDEX`,
    );
  }
  return {
    index,
    needsIndexer: true,
    // Cluster health, not ping: a minimal Elasticsearch (the test engine) has no `/` endpoint.
    healthCheck: {
      name: 'elasticsearch',
      critical: false,
      ping: async () => {
        const { status } = await client.cluster.health({ index: indexName });
        if (status === 'red') throw new Error(`index "${indexName}" is red: some of its shards have no copy`);
      },
    },
    close: () => client.close(),
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
    logger.error(
      { err, consumer, roomId: recordRoomId(record), seq: recordSeq(record) },
      'log consumer failed; clients will heal by room:sync',
    ),
  );
}

export function createCoreServices(
  config: AppConfig,
  adapters: Adapters,
  broadcaster: Broadcaster,
  logger?: Pick<CoreLogger, 'warn'>,
  metrics: DeliveryMetrics & Partial<PushMetrics> = NO_DELIVERY_METRICS,
): CoreServices {
  const { meta, messageStore, messageStates, messageLog, presenceStore, rateLimiter, roomSequencer, searchIndex } = adapters;
  const limits = { messagesPerSec: config.rateLimit.messagesPerSec, messagesBurst: config.rateLimit.messagesBurst };
  const throttle = new ThrottleService(adapters.attemptLimiter, config.throttle);
  const presenceWarn = throttledWarn(logger, 'presence not broadcast');
  const roomSizes = createRoomSizes(config, meta, logger);
  // The hot path's room state: members read once per room, dropped by a membership change on any node.
  const roomStates = new RoomStates(
    (roomId) => meta.listMembers(roomId),
    undefined,
    async (roomId) => {
      const room = await meta.findRoomById(roomId);
      return { slowModeSeconds: room?.slowModeSeconds ?? 0, readOnly: room?.readOnly ?? false, archived: !!room?.archivedAt };
    },
  );
  adapters.roomEvents.onChanged((roomId) => {
    roomSizes.forget(roomId);
    roomStates.changed(roomId);
  });
  const membership = {
    isLarge: (roomId: string) => roomSizes.isLarge(roomId),
    forget: (roomId: string) => adapters.roomEvents.announceChanged(roomId),
  };
  const rooms = new RoomsService(
    meta,
    messageStore,
    messageStates,
    presenceStore,
    broadcaster,
    searchIndex,
    (err, roomId) =>
      logger?.warn(
        { err: String(err), roomId },
        'room deleted, but its messages are still in the search index (never shown: no one is a member)',
      ),
    throttle,
    membership,
    // Late-bound: the uploads service is built on the rooms service.
    {
      list: (roomId: string): Promise<UploadRecord[]> => uploads.filesOfRoom(roomId),
      remove: (files: readonly UploadRecord[]): Promise<void> => uploads.removeBytesOf(files),
    },
    adapters.moderationStore,
  );
  const moderation = new ModerationService(meta, adapters.moderationStore, rooms, {
    // This node at once (the next send here sees it), every node through the room event bus.
    roomChanged: (roomId) => {
      roomStates.changed(roomId);
      membership.forget(roomId);
    },
    tellMuted: (userId, roomId, mute) => broadcaster.toUser(userId, 'room:moderator-mute', { roomId, mute }),
    disconnectUser: (userId) => broadcaster.disconnectUser(userId),
    tellPace: (pace) => broadcaster.toRoom(pace.roomId, 'room:pace', pace),
  });
  const rulesWarn = throttledWarn(logger, 'word rules: a flag was not written down, or a reload failed (the next change reloads)');
  const wordRules = new WordRulesService(
    adapters.moderationStore,
    moderation,
    adapters.roomEvents,
    (err) => rulesWarn(err, 'word rules'),
    // Late-bound: cases are built on the message actions, which are built on the rules.
    (message, matched) => cases.flagged(message, matched),
  );
  const spamRules = new SpamRulesService(adapters.moderationStore, meta, adapters.repeatCounter, moderation, adapters.roomEvents, (err) =>
    rulesWarn(err, 'spam rules'),
  );
  const messages = new MessagesService(
    rooms,
    messageStore,
    messageStates,
    messageLog,
    rateLimiter,
    roomSequencer,
    limits,
    metrics,
    undefined,
    undefined,
    { ...config.commitQueue, retryAfterMs: config.commitQueue.maxWaitMs },
    roomStates,
    adapters.uploadStore,
    wordRules,
    spamRules,
  );
  const uploads: UploadsService = new UploadsService(
    rooms,
    adapters.uploadStore,
    adapters.mediaStore,
    { maxBytes: config.uploadMaxBytes, linkSecret: config.jwtSecret },
    undefined,
    throttle,
  );
  const warnProfile = throttledWarn(logger, 'a profile change was stored but not told to others (they see it on their next load)');
  const profiles = new ProfileAnnouncer(meta, broadcaster, {
    largeRoomMembers: config.hybridFanout.largeRoomMembers,
    onError: (err) => warnProfile(err, 'user:updated'),
  });
  const avatars = new AvatarsService(meta, adapters.mediaStore, throttle, profiles);
  const pushSink = createWebPushSink(config, adapters, metrics.pushed ? (metrics as PushMetrics) : undefined);
  const push = new PushService(
    adapters.pushStore,
    { publicKey: adapters.vapidKeys.publicKey, allowPrivateEndpoints: config.push.allowPrivateEndpoints },
    () => pushSink.subscribed(),
  );
  const adminNames = new Set(config.adminUsernames);
  const auth = new AuthService(meta, { jwtSecret: config.jwtSecret, argon2: config.argon2 }, undefined, throttle, async (user) => {
    // A username QC_ADMIN_USERNAMES names becomes an admin as it signs up.
    if (adminNames.has(user.username)) await moderation.setInstanceRole(null, user.id, 'admin', 'named by QC_ADMIN_USERNAMES');
  });
  // Changes take their seq in the same room queue as sends, in arrival order.
  const messageActions = new MessageActionsService(
    rooms,
    messageStore,
    messageStates,
    messageLog,
    rateLimiter,
    messages.commitQueue,
    limits,
    undefined,
    // A deleted message's files go with it (bytes and rows), after its tombstone is committed.
    (deleted) => {
      if (deleted.contentType === 'text') return;
      uploads.removeForMessage(deleted.id).catch((err: unknown) => warnFiles(err, deleted.id));
    },
    {
      mayDelete: (actorId, roomId, authorId) => moderation.mayDeleteMessage(actorId, roomId, authorId),
      deleted: (actorId, original, caseId) => moderation.messageDeleted(actorId, original, caseId),
    },
    wordRules,
    spamRules,
    (roomId) => roomStates.archived(roomId),
  );
  const cases: CasesService = new CasesService(meta, adapters.caseStore, messageStore, messageStates, rooms, moderation, messageActions, {
    tellOutcome: (userId, report) => broadcaster.toUser(userId, 'report:outcome', report),
  });
  const warnFiles = throttledWarn(
    logger,
    "a deleted message's files were not removed yet (the daily sweep does not cover them: remove uploads/<id> by hand)",
  );
  return {
    ...adapters,
    auth,
    users: new UsersService(meta, presenceStore, profiles),
    rooms,
    messages,
    messageActions,
    myData: new MyDataService(
      meta,
      messageStore,
      messageStates,
      auth,
      rooms,
      messageActions,
      broadcaster,
      {},
      {
        listMine: (userId) => uploads.listMine(userId),
        // An erased account's picture goes with its files.
        eraseMine: async (userId, which) => {
          await uploads.eraseMine(userId, which);
          await avatars.forget(userId);
        },
      },
    ),
    presence: new PresenceService(meta, presenceStore, broadcaster, undefined, {
      broadcastEveryMs: config.presenceBroadcastEveryMs,
      largeRoomMembers: config.hybridFanout.largeRoomMembers,
      onBroadcastError: (err) => presenceWarn(err, 'presence change'),
    }),
    typing: new TypingService(adapters.typingStore, broadcaster, {
      onStoreError: throttledWarn(logger, 'typing indicator skipped'),
      broadcastEveryMs: config.typingBroadcastEveryMs,
    }),
    search: new SearchService(meta, searchIndex, messageStates),
    receipts: new ReceiptsService(rooms, meta, broadcaster, { onBroadcastError: throttledWarn(logger, 'receipts not broadcast') }),
    uploads,
    avatars,
    push,
    pushSink,
    moderation,
    wordRules,
    spamRules,
    cases,
    adminOverview: new AdminOverviewService(moderation, presenceStore, adapters.caseStore, adapters.instanceStats),
    personProfile: new PersonProfileService(moderation, meta, rooms, adapters.instanceStats, messageStore, messageStates),
    throttle,
    roomSizes,
  };
}

/** The Web Push sender for this process's notify consumer, signing with the resolved keys. */
export function createWebPushSink(
  config: Pick<AppConfig, 'push' | 'kafka' | 'redisUrl'>,
  adapters: Pick<Adapters, 'pushStore' | 'vapidKeys'>,
  metrics?: PushMetrics,
): WebPushSink {
  return new WebPushSink(
    adapters.pushStore,
    {
      vapid: adapters.vapidKeys,
      subject: config.push.subject,
      allowPrivateEndpoints: config.push.allowPrivateEndpoints,
      // One api node with its notifier in it: every subscription is made here.
      seesEverySubscription: !config.kafka && !config.redisUrl,
      ...(config.push.caFile ? { ca: readFileSync(config.push.caFile, 'utf8') } : {}),
    },
    metrics,
  );
}

/** One warning per 5 s at most: a store that is away fails on every keystroke. */
function throttledWarn(logger: Pick<CoreLogger, 'warn'> | undefined, msg: string) {
  let last = 0;
  return (err: unknown, what: string) => {
    if (!logger || Date.now() - last < 5_000) return;
    last = Date.now();
    logger.warn({ err: String(err), what }, msg);
  };
}

/**
 * The workers' consumers of the message log. In the embedded profile they run inside the
 * api process (the in-process log calls them inline); scaled out, apps/workers runs them.
 */
export interface LogConsumerDeps {
  /** With an at-least-once log: skip records already emitted. */
  watermark?: FanoutWatermark;
  /**
   * Members with no device connected are told by push; needs members and presence. With
   * `background` (the in-process log, which runs consumers inside the send's commit) it runs
   * off that path, queued (see inBackground).
   */
  notify?: { meta: MetadataStore; presence: PresenceStore; sink: NotificationSink; background?: { onError: (err: unknown) => void } };
  /** Search that is not the history itself (Elasticsearch) is fed by the `indexer` consumer. */
  searchIndex?: SearchIndex;
  /** History that trails the log (Cassandra with Kafka) is written by the `history` consumer. */
  history?: HistoryWriter;
  /** Only these consumers (WORKERS_CONSUMERS); unset, every one the deps above call for. */
  only?: readonly LogConsumerName[];
  /** Told when fan-out emits a record (commit→emit latency). */
  metrics?: DeliveryMetrics;
  /** Push for small rooms, pull for large ones; without it every room is pushed to every member. */
  hybrid?: HybridFanout;
}

export function registerLogConsumers(log: MessageLog, broadcaster: Broadcaster, deps: LogConsumerDeps = {}) {
  const runs = (name: LogConsumerName) => runsLogConsumer(deps.only, name);
  if (runs('fanout')) log.subscribe('fanout', createFanoutHandler(broadcaster, deps.watermark, deps.metrics, deps.hybrid));
  if (deps.notify && runs('notify')) {
    const { meta, presence, sink, background } = deps.notify;
    const handler = createNotifyHandler(meta, presence, sink);
    log.subscribe(
      'notify',
      background
        ? inBackground(handler, {
            maxQueued: NOTIFY_QUEUE_MAX,
            concurrency: NOTIFY_ROOMS_AT_ONCE,
            onError: (err) => background.onError(err),
            onDropped: (n) => background.onError(new Error(`push queue full: ${n} message(s) notify nobody by push`)),
          })
        : handler,
    );
  }
  if (deps.history && runs('history')) log.subscribe('history', createHistoryHandler(deps.history));
  if (deps.searchIndex && runs('indexer')) log.subscribe('indexer', createIndexHandler(deps.searchIndex));
}

/** The logger the runtimes hand to adapters: pino's shape, and what CoreLogger needs. */
export interface RuntimeLogger extends CoreLogger {
  warn(obj: object, msg: string): void;
}

/**
 * What an api node runs on: every adapter its config calls for, opened and ready, and the
 * core services over them. The api's Nest modules only receive this; they never pick or
 * build an adapter themselves.
 */
export interface ApiRuntime {
  config: AppConfig;
  core: CoreServices;
  dataSource: DataSource;
  /**
   * Hands the node's Socket.IO server to fan-out, and across nodes installs the Redis
   * adapter on it. Called once, as the server is created, before any socket connects.
   */
  attachSocketServer(server: ChatServer): void;
  /** This node's Prometheus metrics (GET /metrics), in a registry of its own. */
  metrics: RuntimeMetrics;
  /** Closes the message log, the adapters' connections, the pool and an embedded PostgreSQL. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Opens what an api node needs, in order, saying what it does (`progress`): PostgreSQL
 * (started here from the embedded-postgres package unless DATABASE_URL is set), the schema,
 * the engines config names, the message log; then the services. In the embedded profile the
 * log's consumers (fan-out, and the indexer for an outside search index) run in this process,
 * inline, as twenty's sync queue driver does; with Kafka apps/workers runs them. Whatever was
 * opened is closed again if a later step fails, so a refused start leaves nothing running.
 */
export async function openApiRuntime(
  config: AppConfig,
  logger: RuntimeLogger,
  progress: (line: string) => void = (line) => logger.info({}, line),
): Promise<ApiRuntime> {
  const undo: (() => Promise<unknown>)[] = [];
  const unwind = async () => {
    for (const step of undo.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    let dbUrl: string;
    if (config.database.kind === 'embedded') {
      const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.database.port, log: progress });
      undo.push(async () => {
        progress('stopping PostgreSQL');
        await embedded.stop();
      });
      dbUrl = embedded.url;
    } else {
      dbUrl = config.database.url;
      progress(`using PostgreSQL at ${redactUrl(dbUrl)}`);
    }

    const dataSource = createDataSource(dbUrl, {
      poolSize: config.databasePoolSize,
      acquireTimeoutMs: config.databaseTimeouts.acquireMs,
      queryTimeoutMs: config.databaseTimeouts.queryMs,
    });
    undo.push(() => closeDataSource(dataSource));
    try {
      const ran = await openAndMigrate(dataSource);
      progress(ran.length ? `applied migrations: ${ran.join(', ')}` : 'database schema is up to date');
    } catch (e) {
      throw new Error(
        `could not open the database (${redactUrl(dbUrl)}): ${e instanceof Error ? e.message : String(e)}. Check that PostgreSQL is running and DATABASE_URL is right.`,
      );
    }

    const adapters = await createAdapters(config, dataSource, logger);
    undo.push(() => adapters.close());
    if (config.redisUrl) progress('presence, rate limits and socket fan-out in Redis');
    if (config.cassandra) progress(`message history in Cassandra (keyspace ${config.cassandra.keyspace})`);
    progress(
      config.elasticsearch
        ? `search in Elasticsearch (index ${config.elasticsearch.index})`
        : 'search: PostgreSQL full-text over the history',
    );
    progress(
      config.media.kind === 's3'
        ? `uploads in S3 bucket "${config.media.bucket}"${config.media.endpoint ? ` at ${redactUrl(config.media.endpoint)}` : ''}`
        : `uploads on disk in ${config.media.dir}`,
    );
    undo.push(() => adapters.messageLog.close());
    if (config.kafka) {
      try {
        await adapters.messageLog.start();
      } catch (e) {
        throw new Error(
          `could not reach Kafka at ${config.kafka.brokers.join(',')}: ${e instanceof Error ? e.message : String(e)}. Start it (npm run engines -- up kafka) or fix KAFKA_BROKERS.`,
        );
      }
      progress('message log on Kafka: run apps/workers for fan-out');
    }

    const socketBus = adapters.socketBus;
    const broadcaster = new SocketIoBroadcaster(socketBus ? () => socketBus.flush() : undefined);
    const commitQueue: { of?: MessagesService['commitQueue'] } = {};
    const metrics = new PrometheusMetrics({
      localFanout: !config.kafka,
      // Bound once the services exist (they take the metrics); until then nothing is queued.
      roomQueueDepth: () => commitQueue.of?.depth() ?? 0,
      consumers: () => adapters.messageLog.describeConsumers(logConsumersFor(config)),
      outboxAgeSeconds: adapters.outboxAgeSeconds,
    });
    const core = createCoreServices(config, adapters, broadcaster, logger, metrics);
    commitQueue.of = core.messages.commitQueue;
    undo.push(() => core.pushSink.close());
    await core.wordRules.load();
    await core.spamRules.load();
    for (const username of config.adminUsernames) {
      const user = await core.meta.findUserByUsername(username);
      if (user && !user.deletedAt && user.instanceRole !== 'admin') {
        await core.moderation.setInstanceRole(null, user.id, 'admin', 'named by QC_ADMIN_USERNAMES');
        progress(`${username} is an admin (QC_ADMIN_USERNAMES)`);
      }
    }
    // Uploads never sent with a message are removed after a day; every node sweeps (removing twice is harmless).
    const sweep = setInterval(() => {
      core.uploads.sweep().then(
        (n) => n > 0 && logger.info({ count: n }, 'removed uploads never sent with a message'),
        (err: unknown) => logger.warn({ err: String(err) }, 'could not sweep unsent uploads yet; the next sweep retries'),
      );
      core.pushStore
        .pruneDeliveries(new Date(Date.now() - PUSH_DELIVERIES_KEPT_MS))
        .catch((err: unknown) =>
          logger.warn({ err: String(err) }, 'could not forget week-old push deliveries yet; the next sweep retries'),
        );
    }, UPLOAD_SWEEP_EVERY_MS);
    sweep.unref();
    undo.push(async () => clearInterval(sweep));
    if (!config.kafka) {
      const hybrid = new HybridFanout(broadcaster, core.roomSizes, config.hybridFanout.activityEveryMs, (err) =>
        logger.warn({ err: String(err) }, 'room:activity not broadcast'),
      );
      undo.push(async () => hybrid.close());
      const pushWarn = throttledWarn(logger, 'a push was not sent (the message itself is delivered)');
      registerLogConsumers(core.messageLog, broadcaster, {
        hybrid,
        metrics,
        notify: {
          meta: core.meta,
          presence: core.presenceStore,
          sink: core.pushSink,
          background: { onError: (err) => pushWarn(err, 'notify') },
        },
        ...(core.searchNeedsIndexer ? { searchIndex: core.searchIndex } : {}),
      });
    }

    let closing: Promise<void> | null = null;
    return {
      config,
      core,
      dataSource,
      metrics,
      attachSocketServer(server) {
        // Across nodes, broadcasts to rooms and users travel through Redis.
        if (socketBus) server.adapter(socketBus.adapter());
        broadcaster.attach(server);
        metrics.attach(server);
      },
      close: () => (closing ??= unwind()),
    };
  } catch (e) {
    await unwind();
    throw e;
  }
}

/** What apps/workers runs on: its message log, the broadcaster fan-out emits through, and its consumers' ports. */
export interface WorkersRuntime {
  log: MessageLog;
  broadcaster: Broadcaster;
  consumers: LogConsumerDeps;
  close(): Promise<void>;
}

/**
 * Opens what apps/workers needs for the consumers it runs, and only those: a fan-out-only
 * process opens no Cassandra or Elasticsearch connection and does not wait for either.
 * Fan-out reaches the api nodes' sockets through the Redis emitter, and a Redis watermark
 * skips a redelivered record already emitted; the notifier reads members from PostgreSQL
 * and presence from Redis and sends Web Push. The api nodes own the schema (they run the migrations).
 */
export async function openWorkersRuntime(
  config: AppConfig,
  logger: RuntimeLogger,
  consumers: readonly LogConsumerName[],
): Promise<WorkersRuntime> {
  if (!config.kafka || !config.redisUrl) throw new Error('apps/workers needs KAFKA_BROKERS and REDIS_URL');
  if (config.database.kind !== 'external') {
    throw new Error("apps/workers needs DATABASE_URL (the notifier reads room members): set it to the api nodes' PostgreSQL");
  }
  const undo: (() => Promise<unknown>)[] = [];
  const unwind = async () => {
    for (const step of undo.splice(0).reverse()) await step().catch(() => undefined);
  };
  const wanted = (name: LogConsumerName) => consumers.includes(name);
  try {
    const redis = createRedisClient(config.redisUrl, 'workers', logger);
    undo.push(() => redis.quit());
    await waitForRedis(redis, config.redisUrl);
    const ds = createDataSource(config.database.url, {
      poolSize: 5,
      applicationName: 'quantum-chat-workers',
      acquireTimeoutMs: config.databaseTimeouts.acquireMs,
      queryTimeoutMs: config.databaseTimeouts.queryMs,
    });
    await ds.initialize();
    undo.push(() => closeDataSource(ds));
    // PostgreSQL full-text search needs no feeding: the api's store commit is its index.
    const search = wanted('indexer') ? await createSearchIndex(config, ds) : null;
    if (search) undo.push(() => search.close());
    const history = wanted('history') ? await createHistoryWriter(config, ds) : null;
    if (history) undo.push(() => history.close());
    let sink: WebPushSink | null = null;
    if (wanted('notify')) {
      const pushStore = new PostgresPushStore(ds);
      sink = createWebPushSink(config, { pushStore, vapidKeys: await resolveVapidKeys(config.push, pushStore) });
      const opened = sink;
      undo.push(() => opened.close());
    }
    const log = createMessageLog(config, logger, 'workers');
    undo.push(() => log.close());
    const broadcaster = new RedisEmitterBroadcaster(redis);
    // Fan-out reads room sizes from PostgreSQL; it sees no membership change, so only the TTL refreshes them.
    const hybrid = wanted('fanout')
      ? new HybridFanout(
          broadcaster,
          createRoomSizes(config, new PostgresMetadataStore(ds), logger),
          config.hybridFanout.activityEveryMs,
          (err) => logger.warn({ err: String(err) }, 'room:activity not broadcast'),
        )
      : undefined;
    if (hybrid) undo.push(async () => hybrid.close());
    let closing: Promise<void> | null = null;
    return {
      log,
      broadcaster,
      consumers: {
        hybrid,
        watermark: new RedisFanoutWatermark(redis),
        notify: sink ? { meta: new PostgresMetadataStore(ds), presence: new RedisPresenceStore(redis), sink } : undefined,
        searchIndex: search?.index,
        history: history?.writer,
        only: consumers,
      },
      close: () => (closing ??= unwind()),
    };
  } catch (e) {
    await unwind();
    throw e;
  }
}

/**
 * `npm run admin -- grant <username> admin|moderator` and `… revoke <username>`: an instance
 * role set from the command line (the first admin, when no setting names one), written with
 * its audit entry (actor: the server). Beside a running `npm start` it uses that server's
 * PostgreSQL; otherwise it starts the embedded one for the moment, and stops it after.
 */
export async function setInstanceRoleFromCli(
  config: AppConfig,
  username: string,
  role: InstanceRole | null,
  progress: (line: string) => void,
): Promise<void> {
  let url: string;
  let stop = async () => undefined as unknown;
  if (config.database.kind === 'external') url = config.database.url;
  else {
    const running = runningEmbeddedPostgresUrl(config.dataDir);
    if (running) {
      progress('using the PostgreSQL of the running server');
      url = running;
    } else {
      const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.database.port, log: progress });
      url = embedded.url;
      stop = () => embedded.stop();
    }
  }
  const ds = createDataSource(url, { poolSize: 2 });
  try {
    await openAndMigrate(ds);
    const user = await new PostgresMetadataStore(ds).findUserByUsername(username.toLowerCase());
    if (!user || user.deletedAt)
      throw new Error(`there is no account "${username}": sign up first (or check the spelling), then run this again`);
    const done = await new PostgresModerationStore(ds).setInstanceRole(user.id, role, {
      actorId: null,
      action: 'user.grant-role',
      targetUserId: user.id,
      reason: 'npm run admin',
    });
    if (!done) throw new Error(`the account "${username}" could not be changed`);
    progress(role ? `${user.username} is now an instance ${role}` : `${user.username} is no longer instance staff`);
  } finally {
    await closeDataSource(ds);
    await stop();
  }
}
