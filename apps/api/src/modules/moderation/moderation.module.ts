import { Module } from '@nestjs/common';
import { AccessTokenGuard } from '../../common/http/auth.guard';
import { AdminController } from './admin.controller';
import { ModerationController } from './moderation.controller';
import { RoomRulesController } from './room-rules.controller';

/** Moderation in rooms (mute, kick, ban, word rules) and the admin endpoints (audit log, roles, rules); the decisions are core's. */
@Module({ controllers: [ModerationController, RoomRulesController, AdminController], providers: [AccessTokenGuard] })
export class ModerationModule {}
