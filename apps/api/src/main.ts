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
import { loadConfig, openApiRuntime, type AppConfig, type RuntimeMetrics } from '@qc/core';
import { AppModule } from './app.module';
import { ChatIoAdapter } from './common/socket/chat-io.adapter';
import { createLogger, PinoNestLogger } from './common/logger';
import { apiCompression } from './common/http/api-compression';
import { setupOpenApi } from './common/http/openapi';
import { inlineScriptHashes, securityHeaders } from './common/http/security-headers';
import { precompressWebDir, webStatic } from './common/http/web-static';
import { SocketSessionGateway } from './modules/auth/socket-session.gateway';

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

/** Where `vite build` puts the static web app. */
const DEFAULT_WEB_DIR = path.resolve(__dirname, '../../../web/out');

export async function bootstrap(opts: BootstrapOptions = {}): Promise<RunningApi> {
  const config = loadConfig(opts.env ?? process.env);
  const logger = createLogger(config.logLevel);
  guardProcess(logger);
  const progress = opts.progress ?? ((line: string) => logger.info(line));

  // Every engine the config names is opened by core's composition; nothing here picks an adapter.
  const runtime = await openApiRuntime(config, logger, progress);
  let app: NestExpressApplication;
  try {
    app = await NestFactory.create<NestExpressApplication>(AppModule.register(runtime, logger), {
      logger: new PinoNestLogger(logger),
      bodyParser: false,
    });
  } catch (e) {
    await runtime.close();
    throw e;
  }
  app.useWebSocketAdapter(new ChatIoAdapter(app, config, (server) => runtime.attachSocketServer(server)));
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  const webDir = config.webDir ?? DEFAULT_WEB_DIR;
  const hasWeb = existsSync(path.join(webDir, 'index.html'));
  app.use(securityHeaders({ scriptHashes: hasWeb ? inlineScriptHashes(webDir) : [] }));
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
  app.use('/api', apiCompression());
  app.use('/api', express.json({ limit: '256kb', strict: true }), bodyParseErrors(runtime.metrics));
  // Prometheus looks for /metrics at the root.
  app.setGlobalPrefix('api/v1', { exclude: ['metrics'] });
  setupOpenApi(app);

  if (hasWeb) {
    const packed = await precompressWebDir(webDir);
    if (packed.written > 0) progress(`compressed the web app's files (${packed.written} written beside them)`);
    if (packed.failed) logger.warn(`web app files served uncompressed: could not write a compressed copy (${packed.failed})`);
    app.use(webStatic(webDir));
    app.use((req: Request, res: Response, next: NextFunction) => {
      // Unknown page paths get the web app's 404 page; unknown API paths get the JSON error.
      const apiPath = req.path.startsWith('/api/') || req.path.startsWith('/socket.io') || req.path === '/metrics';
      if (req.method === 'GET' && !apiPath && req.accepts('html')) {
        res.status(404).sendFile(path.join(webDir, '404.html'), (err) => err && next());
        return;
      }
      next();
    });
  } else {
    progress(`web app not built (${webDir} missing): serving the API only; run "npm run build" to get the UI`);
  }

  try {
    await app.listen(config.port, config.host);
  } catch (e) {
    // A port in use must not leave an embedded PostgreSQL running behind a process that exits.
    await app.close().catch(() => undefined);
    await runtime.close();
    throw listenError(e, config);
  }
  const url = `http://localhost:${config.port}`;

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      progress('shutting down: draining sockets');
      app.get(SocketSessionGateway).drain();
      await app.close();
      await runtime.close();
      progress('stopped');
    })());

  return { url, config, dataSource: runtime.dataSource, close };
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

/** A body that is not JSON, or too big, is a VALIDATION error in the usual envelope (and counted as one). */
const bodyParseErrors = (metrics: RuntimeMetrics) => (err: unknown, _req: Request, res: Response, next: NextFunction) => {
  const e = err as { status?: number; type?: string } | null;
  if (!e || typeof e.status !== 'number' || e.status >= 500) return next(err);
  metrics.refused('VALIDATION', 'rest');
  const message =
    e.type === 'entity.parse.failed'
      ? 'the request body is not valid JSON: send a JSON object with Content-Type: application/json'
      : e.type === 'entity.too.large'
        ? 'the request body is too large (256 KB at most)'
        : 'the request body could not be read';
  res.status(e.status).json({ error: { code: 'VALIDATION', message } });
};

/** EADDRINUSE and friends, said so that the reader knows what to change. */
function listenError(e: unknown, config: AppConfig): Error {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE')
    return new Error(`port ${config.port} on ${config.host} is already in use: stop what uses it, or set PORT to another port`);
  if (code === 'EACCES') return new Error(`not allowed to listen on port ${config.port}: use a port above 1023 (set PORT)`);
  return e instanceof Error ? e : new Error(String(e));
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
