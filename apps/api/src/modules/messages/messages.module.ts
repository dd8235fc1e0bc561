import { Module } from '@nestjs/common';
import { AccessTokenGuard } from '../../common/http/auth.guard';
import { MessagesController } from './messages.controller';
import { MessagesGateway } from './messages.gateway';

/** Sending, catch-up (room:sync) and history; read markers are in the receipts module. */
@Module({ controllers: [MessagesController], providers: [AccessTokenGuard, MessagesGateway] })
export class MessagesModule {}
