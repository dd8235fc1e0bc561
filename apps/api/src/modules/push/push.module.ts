import { Module } from '@nestjs/common';
import { AccessTokenGuard } from '../../common/http/auth.guard';
import { PushController } from './push.controller';

/** Web Push subscriptions per device (the sending is core's notify consumer). */
@Module({ controllers: [PushController], providers: [AccessTokenGuard] })
export class PushModule {}
