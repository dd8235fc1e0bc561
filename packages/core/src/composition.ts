import type { DataSource } from 'typeorm';
import type { AppConfig } from './config/config';
import { InProcessMessageLog } from './adapters/memory/in-process-message-log.adapter';
import { MemoryPresenceStore } from './adapters/memory/memory-presence.adapter';
import { MemoryRateLimiter } from './adapters/memory/memory-rate-limiter.adapter';
import { PostgresMessageStore } from './adapters/postgres/postgres-message-store.adapter';
import { PostgresMetadataStore } from './adapters/postgres/postgres-metadata.adapter';
import { createFanoutHandler } from './handlers/fanout.handler';
import type { Broadcaster } from './ports/broadcaster.port';
import type { LogRecord, MessageLog } from './ports/message-log.port';
import type { MessageStore } from './ports/message-store.port';
import type { MetadataStore } from './ports/metadata.port';
import type { PresenceStore } from './ports/presence.port';
import type { RateLimiter } from './ports/rate-limiter.port';
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
}

/**
 * The one place adapters are chosen. Today every port has its embedded adapter here;
 * the distributed ones (Kafka, Cassandra, Redis) slot into this switch from config.
 */
export function createAdapters(ds: DataSource, logger: CoreLogger): Adapters {
  return {
    meta: new PostgresMetadataStore(ds),
    messageStore: new PostgresMessageStore(ds),
    messageLog: new InProcessMessageLog((consumer: string, err: unknown, record: LogRecord) =>
      logger.error({ err, consumer, messageId: record.message.id }, 'log consumer failed; clients will heal by room:sync'),
    ),
    presenceStore: new MemoryPresenceStore(),
    rateLimiter: new MemoryRateLimiter(),
  };
}

export function createCoreServices(config: AppConfig, adapters: Adapters, broadcaster: Broadcaster): CoreServices {
  const { meta, messageStore, messageLog, presenceStore, rateLimiter } = adapters;
  const rooms = new RoomsService(meta, messageStore, presenceStore, broadcaster);
  return {
    ...adapters,
    auth: new AuthService(meta, { jwtSecret: config.jwtSecret, argon2: config.argon2 }),
    users: new UsersService(meta),
    rooms,
    messages: new MessagesService(rooms, meta, messageStore, messageLog, rateLimiter, broadcaster, {
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
export function registerLogConsumers(log: MessageLog, broadcaster: Broadcaster) {
  log.subscribe('fanout', createFanoutHandler(broadcaster));
}
