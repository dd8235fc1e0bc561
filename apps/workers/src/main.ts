import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import pino from 'pino';
import {
  createDataSource,
  createHistoryWriter,
  createMessageLog,
  createSearchIndex,
  createRedisClient,
  KafkaNotificationSink,
  loadConfig,
  PostgresMetadataStore,
  RedisEmitterBroadcaster,
  RedisFanoutWatermark,
  RedisPresenceStore,
  waitForRedis,
  type AppConfig,
  logConsumersFor,
  runsLogConsumer,
  type LogConsumerName,
} from '@qc/core';
import { WorkersModule } from './workers.module';

/**
 * Whether this process has anything to do, and what: with the in-process log (no
 * KAFKA_BROKERS) the api runs the consumers itself; WORKERS_CONSUMERS may narrow the set.
 */
export function describeWorkersMode(config: Pick<AppConfig, 'kafka' | 'elasticsearch' | 'cassandra' | 'workersConsumers'>): {
  runsHere: boolean;
  reason: string;
  /** The consumers this process runs: the profile's, narrowed by WORKERS_CONSUMERS. */
  consumers: LogConsumerName[];
} {
  if (!config.kafka) {
    return {
      runsHere: false,
      consumers: [],
      reason:
        'embedded profile: the message log is in-process, so the api runs the fan-out consumer itself. ' +
        'Run apps/workers once KAFKA_BROKERS (and REDIS_URL) point at Kafka and Redis.',
    };
  }
  const what: Record<LogConsumerName, string> = {
    fanout: 'fan-out',
    notify: `notify into ${config.kafka.notificationsTopic}`,
    history: `history into Cassandra keyspace ${config.cassandra?.keyspace}`,
    indexer: `index into Elasticsearch ${config.elasticsearch?.index}`,
  };
  const consumers = logConsumersFor(config).filter((name) => runsLogConsumer(config.workersConsumers, name));
  if (consumers.length === 0) {
    return {
      runsHere: false,
      consumers,
      reason:
        `WORKERS_CONSUMERS=${config.workersConsumers?.join(',')} names nothing this profile needs ` +
        '(history needs CASSANDRA_CONTACT_POINTS, indexer ELASTICSEARCH_URL): name fanout, notify, or those.',
    };
  }
  return {
    runsHere: true,
    consumers,
    reason: `consuming ${config.kafka.topic} from ${config.kafka.brokers.join(',')} (${consumers.map((name) => what[name]).join(', ')})`,
  };
}

/**
 * `node apps/workers/dist/main.js`: the consumers of the Kafka message log, as a Nest
 * application context with no HTTP. Fan-out reaches the api nodes' sockets through the
 * Redis emitter, and a Redis watermark skips a redelivered record already emitted (one a
 * crash caught between emit and watermark goes out again; clients drop it by seq); the notifier writes offline members' notifications to chat.notifications; with
 * Cassandra the history writer stores each message there (the api committed its seq in
 * PostgreSQL); with ELASTICSEARCH_URL the indexer puts every message into the search index.
 */
export async function runWorkers(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(env);
  const logger = pino({ level: config.logLevel, base: { service: 'quantum-chat-workers', pid: process.pid } });
  const mode = describeWorkersMode(config);
  if (!mode.runsHere || !config.kafka || !config.redisUrl) {
    if (config.kafka) throw new Error(mode.reason); // a WORKERS_CONSUMERS that leaves nothing to run is a mistake
    console.log(`[quantum-chat-workers] ${mode.reason}`);
    return null;
  }
  if (config.database.kind !== 'external') {
    throw new Error("apps/workers needs DATABASE_URL (the notifier reads room members): set it to the api nodes' PostgreSQL");
  }
  const redis = createRedisClient(config.redisUrl, 'workers', logger);
  await waitForRedis(redis, config.redisUrl);
  // The api nodes own the schema (they run the migrations); workers only read members.
  const ds = createDataSource(config.database.url, { poolSize: 5, applicationName: 'quantum-chat-workers' });
  await ds.initialize();
  // Only what this process's consumers use: a fan-out-only process opens no Cassandra or
  // Elasticsearch connection, and does not wait for either at start-up.
  const wanted = (name: LogConsumerName) => mode.consumers.includes(name);
  let search: Awaited<ReturnType<typeof createSearchIndex>> | null = null;
  let history: Awaited<ReturnType<typeof createHistoryWriter>> = null;
  try {
    // PostgreSQL full-text search needs no feeding: the api's store commit is its index.
    if (wanted('indexer')) search = await createSearchIndex(config, ds);
    if (wanted('history')) history = await createHistoryWriter(config, ds);
  } catch (e) {
    await search?.close();
    await ds.destroy();
    await redis.quit().catch(() => undefined);
    throw e;
  }
  const { brokers, notificationsTopic, partitions, replicationFactor } = config.kafka;
  const sink = wanted('notify') ? new KafkaNotificationSink(brokers, notificationsTopic, partitions, replicationFactor) : null;
  const log = createMessageLog(config, logger, 'workers');
  const deps = {
    watermark: new RedisFanoutWatermark(redis),
    notify: sink ? { meta: new PostgresMetadataStore(ds), presence: new RedisPresenceStore(redis), sink } : undefined,
    searchIndex: search?.index,
    history: history?.writer,
    only: mode.consumers,
  };
  const ctx = await NestFactory.createApplicationContext(WorkersModule.register(log, new RedisEmitterBroadcaster(redis), deps), {
    logger: false,
  });
  await log.start();
  console.log(`[quantum-chat-workers] ready: ${mode.reason}`);
  return {
    async close() {
      await log.close();
      await ctx.close();
      await sink?.close();
      await search?.close();
      await history?.close();
      await ds.destroy();
      await redis.quit().catch(() => undefined);
    },
  };
}

if (require.main === module) {
  process.on('unhandledRejection', (reason) => console.error('[quantum-chat-workers] unhandled rejection (kept running):', reason));
  runWorkers()
    .then((running) => {
      if (!running) return;
      const stop = (sig: string) => {
        console.log(`[quantum-chat-workers] ${sig}: stopping`);
        running.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    })
    .catch((e: unknown) => {
      console.error(`[quantum-chat-workers] failed to start: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    });
}
