import { Module } from '@nestjs/common';
import { AccessTokenGuard } from '../../common/http/auth.guard';
import { AdminController } from './admin.controller';
import { AdminRoomsController } from './admin-rooms.controller';
import { CasesController, ReportsController } from './cases.controller';
import { ModerationController } from './moderation.controller';
import { RoomPaceController } from './room-pace.controller';
import { RoomRulesController } from './room-rules.controller';
import { SpamRulesController } from './spam-rules.controller';

/**
 * Moderation in rooms (mute, kick, ban, word rules), reports and the cases they open, and the
 * admin endpoints (audit log, roles, word and spam rules, cases); the decisions are core's.
 */
@Module({
  controllers: [
    ModerationController,
    RoomPaceController,
    RoomRulesController,
    AdminController,
    AdminRoomsController,
    SpamRulesController,
    CasesController,
    ReportsController,
  ],
  providers: [AccessTokenGuard],
})
export class ModerationModule {}
