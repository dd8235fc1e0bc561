import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import pino from 'pino';
import { loadConfig, logConsumersFor, openWorkersRuntime, runsLogConsumer, type AppConfig, type LogConsumerName } from '@qc/core';
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
    notify: 'notify by Web Push',
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
 * application context with no HTTP. What they run on (Redis emitter and watermark,
 * PostgreSQL members, Cassandra history writer, search index, notification sink) is opened
 * by core's composition for the consumers this process runs; a crash caught between a
 * fan-out emit and its watermark write re-emits that one, and clients drop it by seq.
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
  const runtime = await openWorkersRuntime(config, logger, mode.consumers);
  let ctx: Awaited<ReturnType<typeof NestFactory.createApplicationContext>>;
  try {
    ctx = await NestFactory.createApplicationContext(WorkersModule.register(runtime.log, runtime.broadcaster, runtime.consumers), {
      logger: false,
    });
    await runtime.log.start();
  } catch (e) {
    await runtime.close();
    throw e;
  }
  console.log(`[quantum-chat-workers] ready: ${mode.reason}`);
  return {
    async close() {
      await runtime.close();
      await ctx.close();
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
