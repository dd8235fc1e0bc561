import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  AuthService,
  MESSAGE_LOG,
  MessageActionsService,
  MessagesService,
  METADATA_STORE,
  MyDataService,
  PresenceService,
  ReceiptsService,
  RoomsService,
  RUNTIME_METRICS,
  SearchService,
  TypingService,
  UploadsService,
  AvatarsService,
  PushService,
  ModerationService,
  WordRulesService,
  SpamRulesService,
  AdminOverviewService,
  PersonProfileService,
  CasesService,
  UsersService,
  type ApiRuntime,
} from '@qc/core';
import { APP_CONFIG, HEALTH_CHECKS, LOGGER } from './common/tokens';

/**
 * Core's services and the ports the edges read, as Nest providers for every feature
 * module. They are built once, outside Nest, by core's composition (openApiRuntime), so
 * the api, the workers and the specs share one composition root and Nest never chooses
 * or builds an adapter; here they are only handed in, under their class tokens.
 */
@Global()
@Module({})
export class RuntimeModule {
  static register(runtime: ApiRuntime, logger: Logger): DynamicModule {
    const { core, config } = runtime;
    const providers: Provider[] = [
      { provide: APP_CONFIG, useValue: config },
      { provide: LOGGER, useValue: logger },
      { provide: AuthService, useValue: core.auth },
      { provide: UsersService, useValue: core.users },
      { provide: RoomsService, useValue: core.rooms },
      { provide: MessagesService, useValue: core.messages },
      { provide: MessageActionsService, useValue: core.messageActions },
      { provide: MyDataService, useValue: core.myData },
      { provide: PresenceService, useValue: core.presence },
      { provide: TypingService, useValue: core.typing },
      { provide: SearchService, useValue: core.search },
      { provide: ReceiptsService, useValue: core.receipts },
      { provide: UploadsService, useValue: core.uploads },
      { provide: AvatarsService, useValue: core.avatars },
      { provide: PushService, useValue: core.push },
      { provide: ModerationService, useValue: core.moderation },
      { provide: WordRulesService, useValue: core.wordRules },
      { provide: SpamRulesService, useValue: core.spamRules },
      { provide: AdminOverviewService, useValue: core.adminOverview },
      { provide: PersonProfileService, useValue: core.personProfile },
      { provide: CasesService, useValue: core.cases },
      { provide: METADATA_STORE, useValue: core.meta },
      { provide: MESSAGE_LOG, useValue: core.messageLog },
      { provide: HEALTH_CHECKS, useValue: core.healthChecks },
      { provide: RUNTIME_METRICS, useValue: runtime.metrics },
    ];
    return { module: RuntimeModule, providers, exports: providers };
  }
}
