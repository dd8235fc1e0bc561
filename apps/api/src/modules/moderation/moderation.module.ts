import { Module } from '@nestjs/common';
import { AccessTokenGuard } from '../../common/http/auth.guard';
import { AdminController } from './admin.controller';
import { ModerationController } from './moderation.controller';

/** Moderation in rooms (mute, kick, ban) and the admin endpoints (audit log, roles); the decisions are core's ModerationService. */
@Module({ controllers: [ModerationController, AdminController], providers: [AccessTokenGuard] })
export class ModerationModule {}
