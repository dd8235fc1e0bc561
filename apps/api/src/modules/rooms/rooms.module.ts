import { Module } from '@nestjs/common';
import { AccessTokenGuard } from '../../common/http/auth.guard';
import { RoomsController } from './rooms.controller';

/** Rooms (direct, group, channel), their settings and members. */
@Module({ controllers: [RoomsController], providers: [AccessTokenGuard] })
export class RoomsModule {}
