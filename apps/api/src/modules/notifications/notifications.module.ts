import { Module } from '@nestjs/common';
import { AccessTokenGuard } from '../../common/http/auth.guard';
import { NotificationsController } from './notifications.controller';

/** Per member and room: the notification level and mute every device reads (issue #12); push joins it with issue #13. */
@Module({ controllers: [NotificationsController], providers: [AccessTokenGuard] })
export class NotificationsModule {}
