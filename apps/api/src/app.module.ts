import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import type { ApiRuntime } from '@qc/core';
import { ErrorEnvelopeFilter } from './common/http/error.filter';
import { AuthModule } from './modules/auth/auth.module';
import { HealthModule } from './modules/health/health.module';
import { MessagesModule } from './modules/messages/messages.module';
import { MetricsModule } from './modules/metrics/metrics.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { PresenceModule } from './modules/presence/presence.module';
import { ReceiptsModule } from './modules/receipts/receipts.module';
import { RoomsModule } from './modules/rooms/rooms.module';
import { SearchModule } from './modules/search/search.module';
import { UploadsModule } from './modules/uploads/uploads.module';
import { PushModule } from './modules/push/push.module';
import { ModerationModule } from './modules/moderation/moderation.module';
import { UsersModule } from './modules/users/users.module';
import { RuntimeModule } from './runtime.module';

/** The api: one module per feature under modules/, on the services core's composition built. */
@Module({})
export class AppModule {
  static register(runtime: ApiRuntime, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RuntimeModule.register(runtime, logger),
        AuthModule,
        UsersModule,
        RoomsModule,
        MessagesModule,
        PresenceModule,
        SearchModule,
        ReceiptsModule,
        NotificationsModule,
        UploadsModule,
        PushModule,
        ModerationModule,
        HealthModule,
        MetricsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ErrorEnvelopeFilter }],
    };
  }
}
