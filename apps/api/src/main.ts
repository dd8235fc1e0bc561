import 'reflect-metadata';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import { pinoHttp } from 'pino-http';
import type { DataSource } from 'typeorm';
import {
  createAdapters,
  createCoreServices,
  createDataSource,
  loadConfig,
  openAndMigrate,
  redactUrl,
  SocketIoBroadcaster,
  startEmbeddedPostgres,
  type AppConfig,
  type EmbeddedPostgresHandle,
} from '@qc/core';
import { AppModule } from './app.module';
import { ChatIoAdapter } from './gateway/chat-io.adapter';
import { ChatGateway } from './gateway/chat.gateway';
import { createLogger, PinoNestLogger } from './logger';

export interface RunningApi {
  url: string;
  config: AppConfig;
  dataSource: DataSource;
  /** Drains sockets, closes HTTP, the database pool and the embedded PostgreSQL. Safe to call twice. */
  close(): Promise<void>;
}

export interface BootstrapOptions {
  env?: NodeJS.ProcessEnv;
  /** Progress lines for people watching a start (the launcher prints them). */
  progress?: (line: string) => void;
}

/** Where `next build` puts the static web app. */
const DEFAULT_WEB_DIR = path.resolve(__dirname, '../../web/out');

export async function bootstrap(opts: BootstrapOptions = {}): Promise<RunningApi> {
  const config = loadConfig(opts.env ?? process.env);
  const logger = createLogger(config.logLevel);
  guardProcess(logger);
  const progress = opts.progress ?? ((line: string) => logger.info(line));

  let embedded: EmbeddedPostgresHandle | null = null;
  let dbUrl: string;
  if (config.database.kind === 'embedded') {
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      port: config.database.port,
      log: progress,
    });
    dbUrl = embedded.url;
  } else {
    dbUrl = config.database.url;
    progress(`using PostgreSQL at ${redactUrl(dbUrl)}`);
  }

  const dataSource = createDataSource(dbUrl, { poolSize: config.databasePoolSize });
  try {
    const ran = await openAndMigrate(dataSource);
    progress(ran.length ? `applied migrations: ${ran.join(', ')}` : 'database schema is up to date');
  } catch (e) {
    await embedded?.stop();
    throw new Error(
      `could not open the database (${redactUrl(dbUrl)}): ${e instanceof Error ? e.message : String(e)}. Check that PostgreSQL is running and DATABASE_URL is right.`,
    );
  }

  let adapters: Awaited<ReturnType<typeof createAdapters>>;
  try {
    adapters = await createAdapters(config, dataSource, logger);
  } catch (e) {
    await dataSource.destroy();
    await embedded?.stop();
    throw e;
  }
  if (config.redisUrl) progress('presence, rate limits and socket fan-out in Redis');
  if (config.cassandra) progress(`message history in Cassandra (keyspace ${config.cassandra.keyspace})`);
  progress(
    config.elasticsearch
      ? `search in Elasticsearch (index ${config.elasticsearch.index})`
      : 'search: PostgreSQL full-text over the history',
  );
  if (config.kafka) {
    try {
      await adapters.messageLog.start();
    } catch (e) {
      await adapters.close();
      await dataSource.destroy();
      await embedded?.stop();
      throw new Error(
        `could not reach Kafka at ${config.kafka.brokers.join(',')}: ${e instanceof Error ? e.message : String(e)}. Start it (npm run engines -- up kafka) or fix KAFKA_BROKERS.`,
      );
    }
    progress('message log on Kafka: run apps/workers for fan-out');
  }
  const broadcaster = new SocketIoBroadcaster(adapters.socketBus ? () => adapters.socketBus!.flush() : undefined);
  const core = createCoreServices(config, adapters, broadcaster, logger);

  const app = await NestFactory.create<NestExpressApplication>(AppModule.register({ config, logger, core, broadcaster }), {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
  });
  app.useWebSocketAdapter(new ChatIoAdapter(app, config, adapters.socketBus));
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const fromHeader = req.headers['x-request-id'];
        const id = typeof fromHeader === 'string' && /^[\w-]{1,64}$/.test(fromHeader) ? fromHeader : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => !req.url?.startsWith('/api/') },
    }),
  );
  app.use(cookieParser());
  app.use('/api', express.json({ limit: '256kb', strict: true }), bodyParseErrors);
  app.setGlobalPrefix('api/v1');

  const webDir = config.webDir ?? DEFAULT_WEB_DIR;
  if (existsSync(path.join(webDir, 'index.html'))) {
    app.use(express.static(webDir, { extensions: ['html'], index: 'index.html', maxAge: '1h', setHeaders: noCacheHtml }));
    app.use((req: Request, res: Response, next: NextFunction) => {
      // Unknown page paths get the web app's 404 page; unknown API paths get the JSON error.
      if (req.method === 'GET' && !req.path.startsWith('/api/') && !req.path.startsWith('/socket.io') && req.accepts('html')) {
        res.status(404).sendFile(path.join(webDir, '404.html'), (err) => err && next());
        return;
      }
      next();
    });
  } else {
    progress(`web app not built (${webDir} missing): serving the API only; run "npm run build" to get the UI`);
  }

  await app.listen(config.port, config.host);
  const url = `http://localhost:${config.port}`;

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      progress('shutting down: draining sockets');
      await app.get(ChatGateway).drain();
      await app.close();
      await core.messageLog.close();
      await adapters.close();
      await dataSource.destroy();
      if (embedded) {
        progress('stopping PostgreSQL');
        await embedded.stop();
      }
      progress('stopped');
    })());

  return { url, config, dataSource, close };
}

let guarded = false;
/**
 * A library promise nobody awaited (a driver call while its engine is away) must not take
 * every connected person down with it: log it loudly and keep serving.
 */
function guardProcess(logger: { error(obj: object, msg: string): void }) {
  if (guarded) return;
  guarded = true;
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection (kept running)'));
}

/** A body that is not JSON, or too big, is a VALIDATION error in the usual envelope. */
function bodyParseErrors(err: unknown, _req: Request, res: Response, next: NextFunction) {
  const e = err as { status?: number; type?: string } | null;
  if (!e || typeof e.status !== 'number' || e.status >= 500) return next(err);
  const message =
    e.type === 'entity.parse.failed'
      ? 'the request body is not valid JSON: send a JSON object with Content-Type: application/json'
      : e.type === 'entity.too.large'
        ? 'the request body is too large (256 KB at most)'
        : 'the request body could not be read';
  res.status(e.status).json({ error: { code: 'VALIDATION', message } });
}

function noCacheHtml(res: Response, file: string) {
  if (file.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
}

/** `node apps/api/dist/main.js`: run the api on its own (the launcher in scripts/start.mjs adds the build step). */
if (require.main === module) {
  bootstrap({ progress: (l) => console.log(`[quantum-chat] ${l}`) })
    .then((api) => {
      console.log(`[quantum-chat] ready at ${api.url}`);
      const stop = (sig: string) => {
        console.log(`[quantum-chat] ${sig} received`);
        api.close().then(
          () => process.exit(0),
          (e: unknown) => {
            console.error(e);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    })
    .catch((e: unknown) => {
      console.error(`[quantum-chat] failed to start: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    });
}
