import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import {
  AuthService,
  MESSAGE_LOG,
  MessagesService,
  METADATA_STORE,
  PresenceService,
  RoomsService,
  SearchService,
  SocketIoBroadcaster,
  TypingService,
  UsersService,
  type AppConfig,
  type CoreServices,
} from '@qc/core';
import { AuthController } from './controllers/auth.controller';
import { HealthController } from './controllers/health.controller';
import { RoomsController } from './controllers/rooms.controller';
import { SearchController } from './controllers/search.controller';
import { UsersController } from './controllers/users.controller';
import { ChatGateway } from './gateway/chat.gateway';
import { ErrorEnvelopeFilter } from './http/error.filter';
import { AccessTokenGuard } from './http/auth.guard';
import { APP_CONFIG, HEALTH_CHECKS, LOGGER } from './tokens';
import { WorkersModule } from '@qc/workers';

export interface AppModuleDeps {
  config: AppConfig;
  logger: Logger;
  core: CoreServices;
  broadcaster: SocketIoBroadcaster;
}

/**
 * The api's wiring: core services are built once outside Nest (so api, workers and tests
 * share one composition root) and handed in as values under their class tokens.
 */
@Module({})
export class AppModule {
  static register({ config, logger, core, broadcaster }: AppModuleDeps): DynamicModule {
    return {
      module: AppModule,
      // In-process log: the workers' consumers run in this process. With Kafka, apps/workers runs them.
      imports: config.kafka
        ? []
        : [WorkersModule.register(core.messageLog, broadcaster, core.searchNeedsIndexer ? { searchIndex: core.searchIndex } : {})],
      controllers: [AuthController, UsersController, RoomsController, SearchController, HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: AuthService, useValue: core.auth },
        { provide: UsersService, useValue: core.users },
        { provide: RoomsService, useValue: core.rooms },
        { provide: MessagesService, useValue: core.messages },
        { provide: PresenceService, useValue: core.presence },
        { provide: TypingService, useValue: core.typing },
        { provide: SearchService, useValue: core.search },
        { provide: METADATA_STORE, useValue: core.meta },
        { provide: MESSAGE_LOG, useValue: core.messageLog },
        { provide: HEALTH_CHECKS, useValue: core.healthChecks },
        { provide: SocketIoBroadcaster, useValue: broadcaster },
        { provide: APP_FILTER, useClass: ErrorEnvelopeFilter },
        AccessTokenGuard,
        ChatGateway,
      ],
    };
  }
}
