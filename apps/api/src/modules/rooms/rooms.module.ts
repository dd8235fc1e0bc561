import { Module } from '@nestjs/common';
import { AccessTokenGuard } from '../../common/http/auth.guard';
import { RoomsController } from './rooms.controller';
import { RoomsGateway } from './rooms.gateway';

/** Rooms (direct, group, channel), their settings and members, and which room each device has open (`room:open`). */
@Module({ controllers: [RoomsController], providers: [AccessTokenGuard, RoomsGateway] })
export class RoomsModule {}
