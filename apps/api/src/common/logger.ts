import pino, { type Logger } from 'pino';
import type { LoggerService } from '@nestjs/common';

/** Structured JSON logs, one line per event, to stdout. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'quantum-chat-api', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
  });
}

/**
 * Nest's start-up chatter: a line per module, per route and per socket event (about 60).
 * At info level it came out after the launcher's "ready" line and buried it (issue #10),
 * so it is kept for LOG_LEVEL=debug, where someone is looking for it.
 */
const STARTUP_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'WebSocketsController',
  'NestApplication',
]);

/** Routes Nest's own log lines (module init, route mapping) into the same pino stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    if (context && STARTUP_CONTEXTS.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
